/**
 * Positions as plain data: what crosses from the parse worker and goes into the parse cache must
 * answer every lookup linking makes exactly as the YAML document it came from.
 */
import { describe, expect, it } from 'vitest';
import { freezeLocated, locator, positionsOf, reviveLocated } from '../../src/core/located-positions.ts';
import { parseYaml, type DocPath } from '../../src/core/yaml.ts';

const TEXT = [
  'id: F1-NFR-01',
  'statement: "Checkout answers fast"',
  'applies_to:',
  '  - op:createOrder',
  '  - "entity:Order"',
  'target: { metric: p95, value: 200 }',
  'odd key "with" quotes\\n: yes',
  'empty: []',
].join('\n');

describe('positions', () => {
  const yaml = parseYaml(TEXT, 'nfr.yaml');
  const locate = locator(positionsOf(yaml.value, yaml.locate));

  it('answers each field and each list entry where the YAML document does', () => {
    for (const path of [[], ['id'], ['statement'], ['applies_to'], ['applies_to', 0], ['applies_to', 1], ['target'], ['odd key "with" quotes\\n'], ['empty']]) {
      expect(locate(path), JSON.stringify(path)).toEqual(yaml.locate(path));
    }
    expect(locate(['applies_to', 1])).toEqual({ line: 5, column: 5 });
  });

  it('answers a deeper path with its nearest recorded parent, and an unknown one with the document', () => {
    expect(locate(['target', 'metric'])).toEqual(yaml.locate(['target']));
    expect(locate(['applies_to', 7])).toEqual(yaml.locate(['applies_to']));
    expect(locate(['nowhere', 0])).toEqual(yaml.locate([]));
  });

  it('survives a copy through structured clone, as from the worker or the cache, file and all', () => {
    const items = [{ item: yaml.value, at: { file: 'a/nfr.yaml', line: 1 }, locate: (path: DocPath) => ({ file: 'a/nfr.yaml', ...yaml.locate(path) }) }];
    const [revived] = reviveLocated(structuredClone(freezeLocated(items)));
    expect(revived!.locate(['applies_to', 0])).toEqual({ file: 'a/nfr.yaml', line: 4, column: 5 });
    // Freezing what was revived gives back the same places without looking them up again.
    expect(freezeLocated([revived!])[0]!.positions).toEqual(freezeLocated(items)[0]!.positions);
  });
});
