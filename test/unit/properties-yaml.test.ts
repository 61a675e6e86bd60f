/**
 * Property-based tests of the YAML readers: `parseYaml`, the item files (`nfr.yaml`,
 * `threats.yaml`, `edge-cases.yaml`) and `feature.md`'s frontmatter. Whatever the text, they
 * return diagnostics that meet the diagnostic contract, and never throw.
 *
 * Inputs are random text and, to get past the first syntax error, documents generated from values
 * shaped like real items, written in random YAML styles and then damaged (see test/helpers/properties.ts).
 * fast-check prints the seed and the shrunk counterexample of a failure; rerun it with
 * `fc.assert(..., { seed, path })`.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseFeatureMd } from '../../src/core/feature-md.ts';
import { ITEM_FILES, parseItemFile, type ItemFileName } from '../../src/core/items.ts';
import type { z } from 'zod';
import { validateSchema } from '../../src/core/schema-errors.ts';
import { edgeCaseSchema } from '../../src/core/schemas/edge-cases.ts';
import { featureFrontmatterSchema } from '../../src/core/schemas/feature.ts';
import { NFR_CATEGORIES, nfrSchema } from '../../src/core/schemas/nfr.ts';
import { sequenceFrontmatterSchema } from '../../src/core/schemas/sequence.ts';
import { threatSchema } from '../../src/core/schemas/threats.ts';
import { readPlainYaml } from '../../src/core/yaml-events.ts';
import { parseYaml, parseYamlFully } from '../../src/core/yaml.ts';
import { anyText, applyMutations, expectWellFormed, jsonLike, lineCount, mutations, pathsOf, runs, yamlOf } from '../helpers/properties.ts';

const TIMEOUT = 60_000;

/** Either a plausible value for a field, or anything at all. */
const field = <T>(plausible: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: jsonLike(2) });
const words = fc.oneof(fc.constantFrom('Orders are created fast.', 'p95 latency', 'ms', 'Load test in CI', ''), fc.string({ maxLength: 30 }));
const ref = fc.oneof(fc.constantFrom('op:createOrder', 'component:payment_gateway', 'nfr:CHK-NFR-01', 'feature:cart', 'sequence:checkout/pay', 'entity:Order', 'op:', 'bogus'), fc.string({ maxLength: 12 }));
const refs = fc.oneof(ref, fc.array(ref, { maxLength: 3 }));
const itemId = fc.oneof(fc.constantFrom('CHK-NFR-01', 'CHK-T-01', 'CHK-EC-01', 'chk-nfr-1', 'CHK', ''), fc.string({ maxLength: 10 }));

const nfr = fc.record(
  {
    id: field(itemId),
    category: field(fc.oneof(fc.constantFrom(...NFR_CATEGORIES, 'latncy', 'Latency '), fc.string({ maxLength: 10 }))),
    statement: field(words),
    target: field(
      fc.oneof(
        fc.constant('none'),
        fc.record(
          { metric: field(words), comparator: field(fc.constantFrom('<=', '<', 'lt', '≤', 'at most', '??')), value: field(fc.oneof(fc.integer(), fc.constantFrom('300', ' 1.5 ', '300ms'))), unit: field(words) },
          { requiredKeys: [] },
        ),
      ),
    ),
    reason: field(words),
    applies_to: field(refs),
    verification: field(words),
    priority: field(fc.constantFrom('must', 'should', 'could', 'urgent')),
    rationale: field(words),
    latency_ms: field(fc.integer()),
  },
  { requiredKeys: [] },
);

const threat = fc.record(
  {
    id: field(itemId),
    title: field(words),
    stride: field(fc.oneof(fc.constantFrom('tampering', 'spoofing', 'Tampering', 'cia'), fc.array(fc.constantFrom('tampering', 'repudiation', 'x'), { maxLength: 3 }))),
    target: field(refs),
    description: field(words),
    likelihood: field(fc.constantFrom('low', 'medium', 'high', 'extreme')),
    impact: field(fc.constantFrom('low', 'medium', 'high', 'extreme')),
    mitigations: field(fc.oneof(words, fc.array(words, { maxLength: 3 }))),
    status: field(fc.constantFrom('open', 'mitigated', 'accepted', 'transferred', 'not-applicable', 'closed')),
    owner: field(words),
    severity: field(words),
  },
  { requiredKeys: [] },
);

const edgeCase = fc.record(
  {
    id: field(itemId),
    scenario: field(words),
    expected: field(words),
    refs: field(refs),
    source: field(words),
    severity: field(fc.constantFrom('low', 'medium', 'high', 'critical', 'blocker')),
    expectation: field(words),
  },
  { requiredKeys: [] },
);

const ITEM_ARBITRARIES: Record<ItemFileName, fc.Arbitrary<unknown>> = { 'nfr.yaml': nfr, 'threats.yaml': threat, 'edge-cases.yaml': edgeCase };

/** A whole item file: the right top-level key (mostly), a list of items, sometimes extra keys; or anything. */
const itemDocument = (name: ItemFileName) =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ [ITEM_FILES[name].key]: field(fc.array(ITEM_ARBITRARIES[name], { maxLength: 4 })) }) },
    { weight: 1, arbitrary: fc.record({ [ITEM_FILES[name].key]: fc.array(ITEM_ARBITRARIES[name], { maxLength: 3 }), extra: jsonLike(1) }) },
    { weight: 1, arbitrary: jsonLike(3) },
  );

const itemFileText = (name: ItemFileName) => fc.oneof({ weight: 4, arbitrary: yamlOf(itemDocument(name)) }, { weight: 1, arbitrary: anyText() });

describe('parseYaml', () => {
  it('returns a value or diagnostics for any text, with lines inside the file', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), yamlOf(jsonLike(4))), fc.nat(5), (text, lineOffset) => {
        const result = parseYaml(text, 'any.yaml', lineOffset);
        expectWellFormed(result.diagnostics, { file: 'any.yaml', maxLine: lineCount(text) + lineOffset });
        // A value comes back exactly when nothing went wrong.
        expect(result.value === undefined).toBe(result.diagnostics.length > 0);
        for (const path of pathsOf(result.value).slice(0, 20)) {
          const place = result.locate(path);
          expect(place.line).toBeGreaterThanOrEqual(1 + lineOffset);
          expect(place.line).toBeLessThanOrEqual(lineCount(text) + lineOffset);
          expect(place.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: runs(400), examples: [['a: *nowhere\n', 1]] },
    );
  }, TIMEOUT);

  it('refuses alias bombs, duplicate keys and tab indentation with diagnostics', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'].join('\n');
    fc.assert(
      fc.property(fc.constantFrom(bomb, 'a: 1\na: 2\n', 'a:\n\tb: 1\n', 'a: *missing\n', '- &x [*x]\n', 'key: &a\n  self: *a\n'), (text) => {
        const result = parseYaml(text, 'x.yaml');
        expectWellFormed(result.diagnostics, { maxLine: lineCount(text) });
      }),
      { numRuns: runs(20) },
    );
    expect(parseYaml(bomb, 'x.yaml').diagnostics.map((d) => d.rule)).toEqual(['yaml/alias-bomb']);
  }, TIMEOUT);

  // Found by the properties: an alias with no anchor above it was reported as an alias bomb on
  // line 1 (the `---` fence, in a frontmatter), instead of as a syntax error at the alias.
  it('reports an alias without an anchor at the alias, not as an alias bomb', () => {
    expect(parseYaml('a: 1\nb: *nowhere\n', 'x.yaml').diagnostics).toEqual([
      expect.objectContaining({ rule: 'yaml/syntax', line: 2, column: 4, message: 'The alias `*nowhere` refers to no anchor defined above it.' }),
    ]);
    expect(parseYaml('- *x\n- &x 1\n', 'x.yaml').diagnostics).toEqual([expect.objectContaining({ rule: 'yaml/syntax', line: 1, column: 3 })]);
    expect(parseFeatureMd('---\ntitle: *nowhere\n---\n', 'feature.md').diagnostics).toEqual([expect.objectContaining({ rule: 'yaml/syntax', line: 2, column: 8 })]);
  });

  // The quick reading (yaml-events.ts) answers for plain documents and must give what the full
  // reading gives: the same value, and the same place for every path, existing or not.
  it('reads plain documents quickly, with the value and places of the full reading', () => {
    let answered = 0;
    const plain = fc.oneof(yamlOf(jsonLike(4), 0), yamlOf(jsonLike(4)), yamlOf(itemDocument('nfr.yaml'), 0), yamlOf(itemDocument('threats.yaml')));
    fc.assert(
      fc.property(plain, fc.nat(3), (text, lineOffset) => {
        const quick = readPlainYaml(text);
        if (!quick) return;
        answered++;
        const full = parseYamlFully(text, 'any.yaml', lineOffset);
        expect(full.diagnostics).toEqual([]);
        // Not toStrictEqual: it compares `constructor`, which a document may have as a key.
        expect(isDeepStrictEqual(quick.value, full.value), JSON.stringify(text)).toBe(true);
        const read = parseYaml(text, 'any.yaml', lineOffset);
        for (const path of pathsOf(full.value).flatMap((p) => [p, [...p, 'missing'], [...p, 7]])) expect(read.locate(path), JSON.stringify(path)).toEqual(full.locate(path));
      }),
      // Found by the property: the yaml library refuses content after a document end marker.
      { numRuns: runs(600), examples: [['... []\n', 0]] },
    );
    // Most generated documents are plain: the quick reading is what runs.
    expect(answered).toBeGreaterThan(runs(600) / 3);
  }, TIMEOUT);

  it('leaves to the full reading what it reads otherwise or must report', () => {
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a:\n\tb: 1\n', 'a: 1\ra: 2\r', '%YAML 1.2\n---\na: 1\n', 'a: 1\na: 2\n', '1: a\n', 'null: a\n', '- \n', '# only a comment\n', 'a: 1\n---\nb: 2\n', 'a: [1, 2\n', '\uFEFFa: 1\n']) {
      expect(readPlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
    const quick = readPlainYaml('a: 1\nb:\n  - "x"\n  - |\n    text\nc:\n');
    expect(quick?.value).toStrictEqual({ a: 1, b: ['x', 'text\n'], c: null });
  });

  it('reports an alias bomb in a frontmatter below its fence', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    expect(parseFeatureMd(['---', ...bomb, '---', ''].join('\n'), 'feature.md').diagnostics).toEqual([expect.objectContaining({ rule: 'yaml/alias-bomb', line: 2, column: 1 })]);
  });
});

describe.each(Object.keys(ITEM_FILES) as ItemFileName[])('parseItemFile(%s)', (name) => {
  it('returns located items and well-formed diagnostics for any text', () => {
    fc.assert(
      fc.property(itemFileText(name), (text) => {
        const file = `checkout/${name}`;
        const { items, diagnostics } = parseItemFile(name, text, file);
        const maxLine = lineCount(text);
        expectWellFormed(diagnostics, { file, maxLine });
        for (const { at, locate } of items) {
          expect(at.file).toBe(file);
          expect(at.line).toBeGreaterThanOrEqual(1);
          expect(at.line).toBeLessThanOrEqual(maxLine);
          for (const path of [['id'], ['target', 'value'], ['applies_to', 2], ['nowhere']]) {
            const place = locate(path);
            expect(place.line).toBeGreaterThanOrEqual(1);
            expect(place.line).toBeLessThanOrEqual(maxLine);
            expect(place.column).toBeGreaterThanOrEqual(1);
          }
        }
        // Without errors, every entry of the list became an item (warnings drop nothing).
        if (!diagnostics.some((d) => d.severity === 'error')) {
          const list = (parseYaml(text.replace(/^\uFEFF/, ''), file).value as Record<string, unknown>)[ITEM_FILES[name].key];
          expect(items).toHaveLength((list as unknown[]).length);
        }
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);
});

/** Sequence front matter: integration metadata, including the short forms of `retries`. */
const sequenceMeta = fc.record(
  {
    title: field(words),
    integration: field(words),
    timeout: field(fc.oneof(fc.constantFrom('3s', '800ms', '5 min', '1h', 'soon', '-1s'), fc.integer({ min: -5, max: 5000 }))),
    retries: field(
      fc.oneof(
        fc.constantFrom(3, 'none', 'three times with backoff', -1, 1.5),
        fc.record({ policy: field(fc.constantFrom('none', 'exponential', 'random')), max: field(fc.integer({ min: -1, max: 5 })), backoff: field(fc.constantFrom('200ms', 'x')), on: field(fc.oneof(words, fc.integer())), note: field(words), extra: field(words) }, { requiredKeys: [] }),
      ),
    ),
    idempotency: field(words),
  },
  { requiredKeys: [] },
);

describe('validateSchema', () => {
  it('explains every issue of every schema with a hint, at a place of the document', () => {
    const schemas = { nfr: [nfrSchema, nfr], threat: [threatSchema, threat], edge: [edgeCaseSchema, edgeCase], feature: [featureFrontmatterSchema, frontmatter], sequence: [sequenceFrontmatterSchema, sequenceMeta] } as const;
    const name = fc.constantFrom(...(Object.keys(schemas) as Array<keyof typeof schemas>));
    fc.assert(
      fc.property(name.chain((n) => fc.tuple(fc.constant(n), yamlOf(fc.oneof({ weight: 4, arbitrary: schemas[n][1] as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: jsonLike(2) }), 1))), ([n, text]) => {
        const yaml = parseYaml(text, 'x.yaml');
        if (yaml.value === undefined) return;
        const { data, diagnostics } = validateSchema(schemas[n][0] as z.ZodType, yaml.value, { file: 'x.yaml', locate: yaml.locate });
        expectWellFormed(diagnostics, { file: 'x.yaml', maxLine: lineCount(text) });
        expect(data === undefined).toBe(diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: runs(500) },
    );
  }, TIMEOUT);
});

const featureKey = fc.oneof(fc.constantFrom('CHK', 'chk', 'C', 'CHECKOUTXYZW', '1CHK'), fc.string({ maxLength: 6 }));
const frontmatter = fc.record(
  {
    title: field(words),
    id: field(featureKey),
    status: field(fc.constantFrom('draft', 'ready', 'in-sprint', 'shipped', 'deprecated', 'done')),
    owner: field(words),
    area: field(words),
    sprint: field(fc.oneof(words, fc.integer())),
    tickets: field(fc.oneof(words, fc.array(words, { maxLength: 3 }))),
    depends_on: field(fc.oneof(fc.constantFrom('feature:cart', 'cart', 'op:x'), fc.array(ref, { maxLength: 3 }))),
    summary: field(words),
    tags: field(fc.oneof(words, fc.array(words, { maxLength: 3 }))),
    titel: field(words),
  },
  { requiredKeys: [] },
);

/** `feature.md` as written: a fence (or a near miss), YAML, a closing fence (or a near miss), a story. */
const featureText = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.constantFrom('---\n', '--- \n', '---\t\r\n', '---\r\n', '----\n', '\n---\n', '---'),
        yamlOf(fc.oneof({ weight: 5, arbitrary: frontmatter }, { weight: 1, arbitrary: jsonLike(2) }), 2),
        fc.constantFrom('\n---\n', '\n--- \n', '\r\n---\r\n', '\n...\n', '\n', '---\n', '\n---'),
        fc.oneof(fc.constantFrom('', '# Story\n\nAs a shopper [[nfr:CHK-NFR-01]].\n', '---\nmore: yaml\n---\n'), anyText(80)),
        mutations(2),
      )
      .map(([open, yaml, close, story, list]) => applyMutations(open + yaml + close + story, list)),
  },
  { weight: 1, arbitrary: anyText() },
  { weight: 1, arbitrary: anyText().map((text) => `---\n${text}`) },
);

describe('parseFeatureMd', () => {
  it('returns frontmatter diagnostics inside the frontmatter and the story as the rest of the file', () => {
    fc.assert(
      fc.property(featureText, (text) => {
        const file = 'checkout/feature.md';
        const parsed = parseFeatureMd(text, file);
        const maxLine = lineCount(text);
        expectWellFormed(parsed.diagnostics, { file, maxLine });
        const source = text.replace(/^\uFEFF/, '');
        expect(source.endsWith(parsed.body)).toBe(true);
        expect(parsed.bodyLine).toBeGreaterThanOrEqual(1);
        expect(parsed.bodyLine).toBeLessThanOrEqual(maxLine + 1);
        // Problems of the frontmatter are on its lines: after the opening fence, not in the story.
        for (const d of parsed.diagnostics.filter((d) => /^(yaml|schema)\//.test(d.rule))) {
          expect(d.line, JSON.stringify(d)).toBeGreaterThanOrEqual(2);
          expect(d.line, JSON.stringify(d)).toBeLessThanOrEqual(parsed.bodyLine);
        }
        for (const path of [[], ['title'], ['depends_on', 1], ['nowhere', 'deeper']]) {
          const place = parsed.locate(path);
          expect(place.line).toBeGreaterThanOrEqual(1);
          expect(place.line).toBeLessThanOrEqual(maxLine);
        }
        if (parsed.meta) expect(parsed.diagnostics.some((d) => d.severity === 'error')).toBe(false);
      }),
      // The shrunk counterexample of the unresolved-alias bug above.
      { numRuns: runs(400), examples: [['---\ntitle: *nowhere\n---\n']] },
    );
  }, TIMEOUT);
});
