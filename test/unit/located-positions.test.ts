/**
 * Positions as plain data: what crosses from the parse worker and goes into the parse cache must
 * answer every lookup linking makes exactly as the YAML document it came from.
 */
import { describe, expect, it } from 'vitest';
import { freezeItems, locator, positionsOf, reviveItems } from '../../src/core/located-positions.ts';
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
    const [revived] = reviveItems(structuredClone(freezeItems(items)));
    expect(revived!.locate(['applies_to', 0])).toEqual({ file: 'a/nfr.yaml', line: 4, column: 5 });
    // Freezing what was revived gives back the same table without looking every place up again.
    expect(freezeItems([revived!])).toEqual(freezeItems(items));
  });

  const LIST = ['nfrs:', '  - id: A', '    applies_to: [op:a, op:b, op:c]', '  - id: B', '    applies_to: [op:d]', '    extra: 1'].join('\n');
  const list = parseYaml(LIST, 'nfr.yaml');
  const listed = (list.value as { nfrs: unknown[] }).nfrs.map((item, i) => ({
    item, at: { file: 'b/nfr.yaml', line: list.locate(['nfrs', i]).line }, locate: (path: DocPath) => ({ file: 'b/nfr.yaml', ...list.locate(['nfrs', i, ...path]) }),
  }));

  it('shares one table of paths between the items of a file, each answering only its own places', () => {
    const frozen = freezeItems(listed);
    expect(frozen.paths.split('\n')).toEqual(['[]', '["id"]', '["applies_to"]', '["applies_to",0]', '["applies_to",1]', '["applies_to",2]', '["extra"]']);
    const [a, b] = reviveItems(structuredClone(frozen));
    expect(a!.locate(['applies_to', 2])).toEqual({ file: 'b/nfr.yaml', ...list.locate(['nfrs', 0, 'applies_to', 2]) });
    expect(b!.locate(['applies_to', 0])).toEqual({ file: 'b/nfr.yaml', ...list.locate(['nfrs', 1, 'applies_to', 0]) });
    // B has no third entry and A no `extra`, though the other item recorded that path: each falls back to its own parent.
    expect(b!.locate(['applies_to', 2])).toEqual({ file: 'b/nfr.yaml', ...list.locate(['nfrs', 1, 'applies_to']) });
    expect(a!.locate(['extra'])).toEqual({ file: 'b/nfr.yaml', ...list.locate(['nfrs', 0]) });
  });

  it('builds a new table when revived items are frozen in another order or mixed with others', () => {
    const [a, b] = reviveItems(freezeItems(listed));
    const swapped = reviveItems(structuredClone(freezeItems([b!, a!])));
    expect(swapped.map((x) => x.item)).toEqual([listed[1]!.item, listed[0]!.item]);
    expect(swapped[0]!.locate(['applies_to', 0])).toEqual({ file: 'b/nfr.yaml', ...list.locate(['nfrs', 1, 'applies_to', 0]) });
    expect(swapped[1]!.locate(['applies_to', 1])).toEqual({ file: 'b/nfr.yaml', ...list.locate(['nfrs', 0, 'applies_to', 1]) });
  });
});
