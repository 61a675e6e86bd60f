/**
 * Property-based tests of the JSON helpers (`json-position.ts`, `json-pointer.ts`) and of the
 * threat-model importers (OWASP Threat Dragon v2 and Open Threat Model JSON). Importer inputs are
 * random text, random JSON, and the fixtures of test/fixtures/importers with random edits, so the
 * mappers meet every field missing, mistyped or strange.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importThreatModel, isThreatModelText, recogniseThreatModel } from '../../src/core/importers/index.ts';
import { isRecord, nestedBeyond, pointerSegments, resolvePointer } from '../../src/core/json-pointer.ts';
import { jsonLocator, jsonSyntaxError, offsetToPlace } from '../../src/core/json-position.ts';
import { LEVELS, STRIDE, THREAT_STATUSES } from '../../src/core/schemas/threats.ts';
import { itemId } from '../../src/core/schemas/refs.ts';
import { anyText, applyEdits, applyMutations, edits, expectWellFormed, jsonLike, lineCount, mutations, pathsOf, runs, valueAt } from '../helpers/properties.ts';

const TIMEOUT = 60_000;

/** JSON text in any layout: indented or not, with random whitespace between tokens. */
const jsonText = (value: fc.Arbitrary<unknown>) =>
  fc.tuple(value, fc.constantFrom(undefined, 0, 1, 2, '\t', ' \r\n ')).map(([v, indent]) => JSON.stringify(v, null, indent) ?? 'null');

/** The first character a JSON value of this kind is written with. */
const firstCharOf = (value: unknown) =>
  Array.isArray(value) ? '[' : value === null ? 'n' : typeof value === 'object' ? '{' : typeof value === 'string' ? '"' : typeof value === 'boolean' ? (value ? 't' : 'f') : /[-\d]/;

describe('json-position', () => {
  it('offsetToPlace agrees with counting line breaks', () => {
    fc.assert(
      fc.property(anyText(300), fc.nat(), (text, n) => {
        const offset = n % (text.length + 1);
        const before = text.slice(0, offset);
        expect(offsetToPlace(text)(offset)).toEqual({ line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 });
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);

  it('jsonLocator points at every value and key of a document, whatever its layout', () => {
    fc.assert(
      fc.property(jsonText(jsonLike(4)), (text) => {
        const value: unknown = JSON.parse(text);
        const locator = jsonLocator(text);
        const lines = text.split('\n');
        for (const at of pathsOf(value).slice(0, 40)) {
          let node = value;
          for (const key of at) node = (node as Record<string | number, unknown>)[key];
          const place = locator.locate(at);
          const char = lines[place.line - 1]?.[place.column - 1] ?? '';
          const first = firstCharOf(node);
          if (typeof first === 'string') expect(char, `${JSON.stringify(at)} in ${text}`).toBe(first);
          else expect(char).toMatch(first);
          if (typeof at.at(-1) === 'string') {
            const key = locator.locateKey(at);
            expect(lines[key.line - 1]?.[key.column - 1], `key of ${JSON.stringify(at)} in ${text}`).toBe('"');
          }
        }
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);

  it('jsonLocator and jsonSyntaxError stay inside any text, valid JSON or not', () => {
    const segment = fc.oneof(fc.string({ maxLength: 4 }), fc.nat(5), fc.constantFrom('__proto__', 'constructor', 'length'));
    fc.assert(
      fc.property(fc.oneof(anyText(), jsonText(jsonLike(3)).chain((t) => mutations(2).map((m) => applyMutations(t, m)))), fc.array(segment, { maxLength: 4 }), (text, at) => {
        const maxLine = lineCount(text);
        for (const place of [jsonLocator(text).locate(at), jsonLocator(text).locateKey(at)]) {
          expect(place.line).toBeGreaterThanOrEqual(1);
          expect(place.line).toBeLessThanOrEqual(maxLine);
          expect(place.column).toBeGreaterThanOrEqual(1);
        }
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        if (parses) return;
        const error = jsonSyntaxError(text, 'Unexpected token');
        expect(error.line).toBeGreaterThanOrEqual(1);
        expect(error.line).toBeLessThanOrEqual(maxLine);
        expect(error.column).toBeGreaterThanOrEqual(1);
        expect(error.message.trim()).not.toBe('');
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);
});

/** Escapes one key as a JSON pointer segment, percent-encoded as in a URI fragment. */
const encodeSegment = (key: string) => encodeURIComponent(key.replaceAll('~', '~0').replaceAll('/', '~1'));

describe('json-pointer', () => {
  it('pointerSegments decodes what was encoded, and never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 5 }), anyText(40), (keys, junk) => {
        expect(pointerSegments(`#${keys.map((k) => `/${encodeSegment(k)}`).join('')}`)).toEqual(keys);
        const segments = pointerSegments(junk);
        if (segments !== undefined) expect(Array.isArray(segments)).toBe(true);
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);

  it('nestedBeyond finds exactly the documents nested deeper than the limit, and where', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    fc.assert(
      fc.property(jsonLike(6), fc.integer({ min: 1, max: 6 }), (value, limit) => {
        const at = nestedBeyond(value, limit);
        expect(at === undefined).toBe(depthOf(value) <= limit);
        if (at) expect(depthOf(valueAt(value, at)) + at.length).toBeGreaterThan(limit);
      }),
      { numRuns: runs(300) },
    );
    // Objects reached twice (as YAML aliases make them) count at their deepest place; cycles end.
    const shared = { a: { b: {} } };
    expect(nestedBeyond({ x: shared, y: { z: { w: shared } } }, 5)).toEqual(['y', 'z', 'w']);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(nestedBeyond(cyclic, 3)).toBeUndefined();
  }, TIMEOUT);

  it('resolvePointer finds every value of a document without references', () => {
    fc.assert(
      fc.property(jsonText(jsonLike(4)), fc.nat(), (text, pick) => {
        // Parsed from text, so keys such as `__proto__` are own properties, as in a real contract.
        const document: unknown = JSON.parse(text);
        if (text.includes('"$ref"')) return;
        const paths = pathsOf(document);
        const at = paths[pick % paths.length]!;
        let node = document;
        for (const key of at) node = (node as Record<string | number, unknown>)[key];
        const resolution = resolvePointer(document, `#${at.map((k) => `/${encodeSegment(String(k))}`).join('')}`);
        expect(resolution).toEqual({ ok: true, value: node, path: at.map(String) });
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);

  it('resolvePointer ends on any document with references, cycles included', () => {
    const key = fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', '0');
    const pointer = fc.array(key, { maxLength: 4 }).map((keys) => `#${keys.map((k) => `/${k}`).join('')}`);
    const ref = fc.oneof(pointer, fc.constantFrom('#', '#a', '#/a/', '#/%zz', '#/a/$ref', 'other.yaml#/a', ''), fc.string({ maxLength: 6 }));
    const { node } = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc.constantFrom(null, 1, 'x'),
        ref.map((r) => ({ $ref: r })),
        fc.tuple(ref, tie('node')).map(([r, sibling]) => ({ $ref: r, description: sibling })),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(key, tie('node'), { maxKeys: 3, noNullPrototype: true }),
      ),
    }));
    fc.assert(
      fc.property(node.map((n) => JSON.parse(JSON.stringify(n)) as unknown), ref, (document, target) => {
        const resolution = resolvePointer(document, target);
        if (resolution.ok) {
          expect(resolution.path.every((segment) => typeof segment === 'string')).toBe(true);
        } else {
          expect(['missing', 'loop', 'invalid']).toContain(resolution.reason);
        }
      }),
      { numRuns: runs(500), examples: [[{ a: { $ref: '#/b' }, b: { $ref: '#/a' } }, '#/a/x'], [{ a: { $ref: '#/a/b' } }, '#/a/b/c']] },
    );
  }, TIMEOUT);
});

const CONTENT = path.join(import.meta.dirname, '../fixtures/importers/content');
const tdModel = JSON.parse(readFileSync(path.join(CONTENT, 'refunds/refunds-threat-model.json'), 'utf8')) as Record<string, unknown>;
const otmModel = JSON.parse(readFileSync(path.join(CONTENT, 'payouts/payouts.otm.json'), 'utf8')) as Record<string, unknown>;

/**
 * The fixtures without what the importers never read (cell geometry, ports, styles), so that
 * random edits land on fields that matter.
 */
const pick = (value: unknown, keys: readonly string[]): Record<string, unknown> =>
  isRecord(value) ? Object.fromEntries(keys.filter((k) => k in value).map((k) => [k, value[k]])) : {};
const tdSample = {
  ...pick(tdModel, ['version', 'summary']),
  detail: {
    diagrams: ((tdModel['detail'] as Record<string, unknown>)['diagrams'] as unknown[]).map((diagram) => ({
      ...pick(diagram, ['diagramType', 'title']),
      cells: ((diagram as Record<string, unknown>)['cells'] as unknown[]).map((cell) => pick(cell, ['attrs', 'data', 'shape'])),
    })),
  },
};
const otmSample = pick(otmModel, ['otmVersion', 'project', 'components', 'dataflows', 'threats', 'mitigations']);

/** Values the mappers look for, so edits also produce near misses, not only garbage. */
const domainValue = fc.oneof(
  jsonLike(2),
  fc.constantFrom('Spoofing', 'Tampering', 'Information disclosure', 'Linkability', 'Confidentiality', 'S', 'High', 'Critical', 'Open', 'Mitigated', 'N/A', 'partly-mitigated', 'EXPOSED', '1.0.0', '2.1.0', '', ' '),
  fc.constantFrom(0, 1, 33.9, 100, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2),
);

/** The fields the two mappers read, on threats, elements, instances and mitigations. */
const THREAT_FIELDS = [
  'number', 'title', 'type', 'modelType', 'severity', 'status', 'score', 'mitigation', 'description', 'name', 'id', 'threats',
  'categories', 'risk', 'likelihood', 'impact', 'state', 'mitigations', 'threat', 'version', 'otmVersion', 'diagrams', 'cells', 'data',
];

const threatModelText = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(tdSample, otmSample), edits(4, domainValue, THREAT_FIELDS), fc.constantFrom(undefined, 2)).map(([model, list, indent]) => JSON.stringify(applyEdits(model, list), null, indent) ?? 'null') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(tdSample, otmSample), mutations(2)).map(([model, list]) => applyMutations(JSON.stringify(model, null, 2), list)) },
  { weight: 1, arbitrary: jsonText(jsonLike(4)) },
  { weight: 1, arbitrary: anyText() },
);

const refunds = {
  featureKey: 'REF',
  components: [
    { id: 'customer', label: 'Customer' },
    { id: 'refund_api', label: 'Refund API' },
    { id: 'payment_gateway', label: '' },
  ],
};

/** The Threat Dragon sample with the `number` of its first threat replaced. */
function withNumber(number: number): unknown {
  const model = structuredClone(tdSample) as { detail: { diagrams: Array<{ cells: Array<{ data?: { threats?: Array<Record<string, unknown>> } }> }> } };
  model.detail.diagrams[0]!.cells[0]!.data!.threats![0]!['number'] = number;
  return model;
}

describe('importThreatModel', () => {
  it('imports threats with valid, unique IDs and well-formed diagnostics from any text', () => {
    fc.assert(
      fc.property(threatModelText, fc.subarray(['REF-T-01', 'REF-T-02', 'REF-T-05', 'OTHER-T-01']), (text, taken) => {
        const file = 'refunds/model.json';
        const result = importThreatModel(text, file, { ...refunds, takenIds: new Set(taken) });
        const maxLine = lineCount(text);
        expectWellFormed(result.diagnostics, { file, maxLine });
        const ids = result.threats.map((t) => t.item.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const { item, at, locate } of result.threats) {
          expect(itemId.safeParse(item.id).success, `ID ${item.id}`).toBe(true);
          expect(item.id.startsWith('REF-T-')).toBe(true);
          expect(taken).not.toContain(item.id);
          expect(item.title.trim()).not.toBe('');
          expect(item.description.trim()).not.toBe('');
          expect(item.stride.length).toBeGreaterThan(0);
          for (const s of item.stride) expect(STRIDE).toContain(s);
          expect(LEVELS).toContain(item.likelihood);
          expect(LEVELS).toContain(item.impact);
          expect(THREAT_STATUSES).toContain(item.status);
          for (const target of item.target) expect(target).toMatch(/^component:(customer|refund_api|payment_gateway)$/);
          for (const mitigation of item.mitigations) expect(mitigation.trim()).not.toBe('');
          expect(at.file).toBe(file);
          for (const place of [at, locate([]), locate(['title']), locate(['mitigations', 3]), locate(['nowhere'])]) {
            expect(place.line).toBeGreaterThanOrEqual(1);
            expect(place.line).toBeLessThanOrEqual(maxLine);
          }
        }
        // What the bundle uses to decide whether a JSON file is a threat model never throws either.
        expect(typeof isThreatModelText(text)).toBe('boolean');
      }),
      // Found by this property: a Threat Dragon `number` of 1e21 became the ID `REF-T-1e+21`.
      { numRuns: runs(400), examples: [[JSON.stringify(withNumber(1e21)), []], [JSON.stringify(withNumber(2 ** 53 + 2)), []]] },
    );
  }, TIMEOUT);

  it('recognises the fixtures, and nothing that is not an object', () => {
    expect(recogniseThreatModel(tdSample)).toBe('threat-dragon');
    expect(recogniseThreatModel(otmSample)).toBe('otm');
    fc.assert(
      fc.property(jsonLike(3), (value) => {
        if (!isRecord(value)) expect(recogniseThreatModel(value)).toBeUndefined();
      }),
      { numRuns: runs(200) },
    );
  });
});
