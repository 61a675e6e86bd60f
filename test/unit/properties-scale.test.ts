/**
 * "Never a hang": the readers that run on the main thread must take time linear in their input,
 * so a large or hostile file ends with diagnostics in seconds. (Mermaid's own parser runs in a
 * worker with a time limit; see properties-mermaid.test.ts.)
 *
 * The inputs repeat one fragment many times: that is what turns a regular expression or a loop
 * that rescans its input into seconds or minutes. The explicit cases are the ones these tests
 * found; each took from about 20 seconds to over a minute before its fix, and a second or less
 * after it, so the time limits leave room for a slow, busy machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeatureMd } from '../../src/core/feature-md.ts';
import { importThreatModel, isThreatModelText } from '../../src/core/importers/index.ts';
import { parseItemFile } from '../../src/core/items.ts';
import { pointerSegments } from '../../src/core/json-pointer.ts';
import { jsonLocator, jsonSyntaxError } from '../../src/core/json-position.ts';
import { brokenFrontMatter, findFrontMatter, rewriteLikeMermaid } from '../../src/core/mermaid-source.ts';
import { parseSource } from '../../src/core/openapi-source.ts';
import { parseYaml } from '../../src/core/yaml.ts';
import { expectWellFormed, runs } from '../helpers/properties.ts';

const TIMEOUT = 120_000;

/** Runs `work` and fails if it takes longer than `limitMs`. */
function expectWithin<T>(limitMs: number, label: string, work: () => T): T {
  const start = performance.now();
  const result = work();
  const elapsed = performance.now() - start;
  expect(elapsed, `${label} took ${Math.round(elapsed)} ms`).toBeLessThan(limitMs);
  return result;
}

const repeatTo = (fragment: string, length: number) => fragment.repeat(Math.ceil(length / Math.max(1, fragment.length)));

describe('linear time on the inputs that were quadratic', () => {
  it('a YAML mapping with thirty thousand keys (the yaml library compares each key with every earlier one)', () => {
    const text = Array.from({ length: 30_000 }, (_, i) => `key${i}: ${i}`).join('\n');
    // Duplicates are still found, by name and at the second occurrence.
    const { diagnostics } = expectWithin(10_000, 'parseYaml', () => parseYaml(`${text}\nkey7: again\n`, 'big.yaml'));
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'yaml/duplicate-key', line: 30_001, column: 1, message: 'The key "key7" appears more than once in this mapping.' })]);
    // Every unknown top-level field of an item file is located without a search per field.
    const items = expectWithin(10_000, 'parseItemFile', () => parseItemFile('nfr.yaml', `nfrs: []\n${text}`, 'nfr.yaml'));
    expect(items.diagnostics).toHaveLength(30_000);
  }, TIMEOUT);

  it('a diagram of two hundred thousand blank lines (Mermaid\'s comment pattern rescans each blank stretch)', () => {
    const text = `${'\n'.repeat(200_000)}flowchart LR\n%% a comment\n  a --> b\n`;
    const rewritten = expectWithin(5_000, 'rewriteLikeMermaid', () => rewriteLikeMermaid(text));
    // Same result as Mermaid's own pattern: the comment line is gone, positions map back.
    expect(rewritten.code).toBe('flowchart LR\n  a --> b\n');
    expect(rewritten.declaration).toEqual({ line: 200_001, column: 1 });
    expect(rewritten.sourceAt(rewritten.code.indexOf('a -->'))).toEqual({ line: 200_003, column: 3 });
  }, TIMEOUT);

  it('a broken JSON file full of `"detail": {` (one pattern searched from each of them to the end)', () => {
    const text = repeatTo('"detail":{', 1_000_000);
    expect(expectWithin(5_000, 'isThreatModelText', () => isThreatModelText(text))).toBe(false);
    expect(isThreatModelText(`${text}"diagrams": [`)).toBe(true);
  }, TIMEOUT);
});

/**
 * Text nested `depth` levels deep, in the syntax of one reader. Recursive parsers overflow the
 * stack some thousands of levels deep; JSON.parse does not, so a deep document gets far.
 */
const NESTINGS = {
  'JSON arrays': (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`,
  'JSON objects': (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  'unclosed JSON': (depth: number) => '[ '.repeat(depth),
  'YAML flow mappings': (depth: number) => `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`,
  'YAML compact sequences': (depth: number) => `${'- '.repeat(depth)}x\n`,
  'a threat list': (depth: number) => `{"otmVersion": "0.2.0", "project": {}, "threats": [${'['.repeat(depth)}${']'.repeat(depth)}], "components": [{"id": "a", "threats": [{"threat": "t"}]}]}`,
};

describe('deep nesting ends in diagnostics, not a stack overflow', () => {
  it('every reader, at any depth', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(NESTINGS) as Array<keyof typeof NESTINGS>)), fc.constantFrom(100, 3_000, 20_000), (kind, depth) => {
        const text = NESTINGS[kind](depth);
        const limit = 5_000;
        expectWellFormed(expectWithin(limit, 'parseItemFile', () => parseItemFile('nfr.yaml', `nfrs:\n  - id: X\n    extra: ${text}`, 'nfr.yaml')).diagnostics);
        expectWellFormed(expectWithin(limit, 'parseFeatureMd', () => parseFeatureMd(`---\ntitle: ${text}\n---\n`, 'feature.md')).diagnostics);
        for (const abs of ['/b/openapi.json', '/b/openapi.yaml']) {
          const { source, diagnostics } = expectWithin(limit, 'parseSource', () => parseSource(text, abs, 'openapi'));
          expectWellFormed(diagnostics);
          if (source) for (const place of [source.locate([0, 0, 'a']), source.locateKey(['a', 'a'])]) expect(place.line).toBeGreaterThanOrEqual(1);
        }
        expectWithin(limit, 'jsonLocator', () => jsonLocator(text).locate(['threats', 0, 0]));
        expectWellFormed(expectWithin(limit, 'importThreatModel', () => importThreatModel(text, 'model.json', { featureKey: 'X', components: [] })).diagnostics);
      }),
      // Found by the repeated fragments below: 20,000 levels of `[ ` made jsonSyntaxError overflow the stack.
      { numRuns: runs(6), examples: [['unclosed JSON', 20_000], ['JSON arrays', 20_000]] },
    );
  }, TIMEOUT);
});

/** Fragments that make parsers rescan: long runs of one syntax character, and near misses of a construct. */
const FRAGMENTS = [
  '\n', ' ', '\t', '\r', ' \n', '- ', '-', ':', 'a: ', 'a:\n', '? ', '[', '{', '"', "'", '\\', '#', '&a ', '*a ', '!', '|', '%',
  '[[a:', '[[a:b|', '%%{', '%%', '---\n', '"detail":{', '"otmVersion"', '{"a":', '[1,', '"\\u', '~1', '/', '%2', 'key: [', 'a: &a [*a,',
];
const fragment = fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: fc.constantFrom(...' \n\t:-[]{}"\'#&*!|>%\\/,~a1'), minLength: 1, maxLength: 6 }));

describe('linear time on any repeated fragment', () => {
  it('the YAML, JSON, frontmatter, threat-model and Mermaid source readers', () => {
    fc.assert(
      fc.property(fragment, (piece) => {
        const text = repeatTo(piece, 40_000);
        const limit = 3_000;
        // parseYaml is behind both of these; the YAML library alone takes about 0.2 s on such text.
        expectWellFormed(expectWithin(limit, 'parseItemFile', () => parseItemFile('threats.yaml', `threats:\n${text}`, 'threats.yaml')).diagnostics);
        expectWellFormed(expectWithin(limit, 'parseFeatureMd', () => parseFeatureMd(`---\n${text}\n---\n`, 'feature.md')).diagnostics);
        expectWellFormed(expectWithin(limit, 'parseSource (JSON)', () => parseSource(text, '/b/openapi.json', 'openapi.json')).diagnostics);
        expectWithin(limit, 'jsonSyntaxError', () => jsonSyntaxError(text, 'Unexpected token'));
        expectWithin(limit, 'jsonLocator', () => jsonLocator(text).locate(['a', 0, 'b']));
        expectWellFormed(expectWithin(limit, 'importThreatModel', () => importThreatModel(text, 'model.json', { featureKey: 'X', components: [] })).diagnostics);
        expectWithin(limit, 'isThreatModelText', () => isThreatModelText(text));
        expectWithin(limit, 'pointerSegments', () => pointerSegments(`#/${text}`));
        expectWithin(limit, 'Mermaid source', () => [rewriteLikeMermaid(text), findFrontMatter(text), brokenFrontMatter(text)]);
      }),
      { numRuns: runs(6), examples: [['\n'], ['"detail":{'], ['a: &a [*a,'], ['[ ']] },
    );
  }, TIMEOUT);
});
