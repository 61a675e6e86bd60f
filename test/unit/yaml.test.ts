import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/core/yaml.ts';

describe('parseYaml', () => {
  it('returns the value and locates nested fields by path', () => {
    const result = parseYaml('nfrs:\n  - id: A-NFR-01\n    target:\n      value: 3\n', 'nfr.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.value).toEqual({ nfrs: [{ id: 'A-NFR-01', target: { value: 3 } }] });
    expect(result.locate(['nfrs', 0, 'target', 'value'])).toEqual({ line: 4, column: 14 });
  });

  it('points a missing field at the deepest node that exists', () => {
    const result = parseYaml('nfrs:\n  - id: A\n', 'nfr.yaml');
    expect(result.locate(['nfrs', 0, 'statement'])).toEqual({ line: 2, column: 5 });
  });

  it('reports a syntax error at its line with a hint', () => {
    const [d] = parseYaml('a: 1\nb: [1, 2\n', 'x.yaml').diagnostics;
    expect(d).toMatchObject({ rule: 'yaml/syntax', file: 'x.yaml', severity: 'error' });
    expect(d!.line).toBeGreaterThanOrEqual(2);
    expect(d!.hint).not.toBe('');
  });

  it('reports a duplicate key by name at its second occurrence', () => {
    const [d] = parseYaml('id: A\ntitle: x\nid: B\n', 'x.yaml').diagnostics;
    expect(d).toMatchObject({ rule: 'yaml/duplicate-key', line: 3, column: 1 });
    expect(d!.message).toContain('"id"');
  });

  it('tells that tabs cannot indent', () => {
    const [d] = parseYaml('a:\n\t- b\n', 'x.yaml').diagnostics;
    expect(d).toMatchObject({ rule: 'yaml/syntax', line: 2 });
    expect(d!.hint).toMatch(/spaces/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(10).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    const result = parseYaml(lines.join('\n'), 'bomb.yaml');
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['yaml/alias-bomb']);
  });

  it('reports an empty file', () => {
    expect(parseYaml('  \n', 'x.yaml').diagnostics.map((d) => d.rule)).toEqual(['yaml/empty']);
  });

  it('shifts lines by the offset of embedded YAML', () => {
    const [d] = parseYaml('a: 1\na: 2\n', 'feature.md', 1).diagnostics;
    expect(d!.line).toBe(3);
  });
});

describe('parseYaml on documents nested thousands of levels deep', () => {
  /** Calls `work` with about `depth` more frames of the stack in use. */
  const withStackUsed = (depth: number, work: () => void): void => (depth === 0 ? work() : withStackUsed(depth - 1, work));

  // The parser reads more levels than a recursive walk of its result can follow once the caller
  // has used part of the stack (as a test runner or the content layer does): it must still answer.
  it.each([
    ['unclosed flow lists with anchors and aliases', 'a: &a [*a,'.repeat(4_000)],
    ['closed flow lists', `${'['.repeat(1_500)}${']'.repeat(1_500)}`],
    ['block lists', `${'- '.repeat(1_500)}x`],
  ])('%s, whatever part of the stack the caller uses', (_, text) => {
    for (let depth = 0; depth <= 8_000; depth += 100) {
      let result: ReturnType<typeof parseYaml> | undefined;
      expect(() => withStackUsed(depth, () => void (result = parseYaml(text, 'deep.yaml'))), `with ${depth} frames in use`).not.toThrow();
      if (result!.value === undefined) {
        expect(result!.diagnostics.length, `with ${depth} frames in use`).toBeGreaterThan(0);
        expect(result!.diagnostics.every((d) => d.rule === 'yaml/syntax' && d.line >= 1)).toBe(true);
      }
    }
  }, 60_000);
});
