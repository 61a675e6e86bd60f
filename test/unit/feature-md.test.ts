import { describe, expect, it } from 'vitest';
import { parseFeatureMd, slugProblem } from '../../src/core/feature-md.ts';

const front = (fields: string) => `---\n${fields}\n---\n\n# Story\n`;

describe('parseFeatureMd', () => {
  it('parses frontmatter with defaults and finds where the body starts', () => {
    const result = parseFeatureMd(front('title: Checkout\nid: CHK\nstatus: in-sprint\nowner: team-payments\nsprint: 24'), 'checkout/feature.md');
    expect(result.diagnostics).toEqual([]);
    expect(result.meta).toMatchObject({ title: 'Checkout', id: 'CHK', sprint: '24', tickets: [], depends_on: [] });
    expect(result.bodyLine).toBe(8);
  });

  it('reports a field error at its line in feature.md', () => {
    const result = parseFeatureMd(front('title: Checkout\nid: CHK\nstatus: shiped\nowner: x'), 'feature.md');
    expect(result.diagnostics).toEqual([expect.objectContaining({ rule: 'schema/invalid-value', line: 4, column: 9 })]);
  });

  it('reports broken frontmatter YAML with its line, not a throw', () => {
    const result = parseFeatureMd('---\ntitle: [Checkout\n---\nbody', 'feature.md');
    expect(result.diagnostics[0]).toMatchObject({ rule: 'yaml/syntax', file: 'feature.md' });
    expect(result.diagnostics[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('reports a file without frontmatter', () => {
    expect(parseFeatureMd('# Just a story\n', 'feature.md').diagnostics.map((d) => d.rule)).toEqual(['feature/no-frontmatter']);
  });

  it('tolerates a byte-order mark', () => {
    expect(parseFeatureMd(`\uFEFF${front('title: T\nid: TT\nstatus: draft\nowner: me')}`, 'f.md').diagnostics).toEqual([]);
  });

  it('rejects a malformed feature key with the expected shape', () => {
    const [d] = parseFeatureMd(front('title: T\nid: checkout\nstatus: draft\nowner: me'), 'f.md').diagnostics;
    expect(d).toMatchObject({ rule: 'schema/invalid-value', line: 3 });
  });
});

describe('slugProblem', () => {
  it('accepts lowercase slugs and suggests one for others', () => {
    expect(slugProblem('pay-with-card', 'f.md')).toBeUndefined();
    expect(slugProblem('Pay With Card', 'f.md')!.hint).toContain('"pay-with-card"');
  });
});
