import { describe, expect, it } from 'vitest';
import { parseItemFile } from '../../src/core/items.ts';

const nfr = (extra = '') => `nfrs:
  - id: CHK-NFR-01
    category: latency
    statement: Orders are created fast.
    target: { metric: p95 latency, comparator: "<=", value: 300, unit: ms }
    verification: Load test in CI
    priority: must
${extra}`;

describe('parseItemFile', () => {
  it('parses valid items with their lines and applies defaults', () => {
    const { items, diagnostics } = parseItemFile('nfr.yaml', nfr(), 'checkout/nfr.yaml');
    expect(diagnostics).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]!.at).toEqual({ file: 'checkout/nfr.yaml', line: 2 });
    expect(items[0]!.item.applies_to).toEqual([]);
  });

  it('keeps an unknown NFR category but warns, suggesting the closest known one', () => {
    const { items, diagnostics } = parseItemFile('nfr.yaml', nfr().replace('category: latency', 'category: latncy'), 'nfr.yaml');
    expect(items).toHaveLength(1);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'nfr/unknown-category', severity: 'warning', line: 3, column: 15 })]);
    expect(diagnostics[0]!.hint).toBe('Did you mean "latency"?');
  });

  it('reports an enum violation at the value with the allowed values as hint', () => {
    const { diagnostics } = parseItemFile('nfr.yaml', nfr().replace('priority: must', 'priority: urgent'), 'nfr.yaml');
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'schema/invalid-value', line: 7, column: 15, message: expect.stringContaining('nfrs[0].priority') })]);
    expect(diagnostics[0]!.hint).toBe('Use one of: must, should, could.');
  });

  it('reads comparator aliases and numeric strings as their canonical forms', () => {
    const text = nfr().replace('comparator: "<="', 'comparator: at most').replace('value: 300', 'value: "300"');
    const { items, diagnostics } = parseItemFile('nfr.yaml', text, 'nfr.yaml');
    expect(diagnostics).toEqual([]);
    expect(items[0]!.item.target).toEqual({ metric: 'p95 latency', comparator: '<=', value: 300, unit: 'ms' });
  });

  it('accepts a single reference where a list is expected', () => {
    const { items } = parseItemFile('nfr.yaml', nfr('    applies_to: op:createOrder\n'), 'nfr.yaml');
    expect(items[0]!.item.applies_to).toEqual(['op:createOrder']);
  });

  it('reports a missing required field at its item, saying what to add', () => {
    const { diagnostics, items } = parseItemFile('nfr.yaml', nfr().replace('    verification: Load test in CI\n', ''), 'nfr.yaml');
    expect(items).toEqual([]);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'schema/missing-field', line: 2, message: 'Missing required field `nfrs[0].verification`.' })]);
    expect(diagnostics[0]!.hint).toMatch(/^Add `verification:`/);
  });

  it('keeps the valid items when one item is broken', () => {
    const text = nfr(`  - id: CHK-NFR-02
    category: nonsense
`);
    const { items, diagnostics } = parseItemFile('nfr.yaml', text, 'nfr.yaml');
    expect(items.map((i) => i.item.id)).toEqual(['CHK-NFR-01']);
    expect(diagnostics.every((d) => d.line >= 8)).toBe(true);
  });

  it('warns about an unknown field, suggests the right name and keeps the item', () => {
    const { items, diagnostics } = parseItemFile('nfr.yaml', nfr('    prioirty: should\n'), 'nfr.yaml');
    expect(items).toHaveLength(1);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'schema/unknown-field', severity: 'warning', line: 8 })]);
    expect(diagnostics[0]!.hint).toContain('Did you mean `priority`?');
  });

  it('accepts `target: none`, leaving the missing reason to the consistency check', () => {
    const text = nfr().replace(/target: .*/, 'target: none');
    const { items, diagnostics } = parseItemFile('nfr.yaml', text, 'nfr.yaml');
    expect(diagnostics).toEqual([]);
    expect(items[0]!.item.target).toBe('none');
  });

  it('rejects a reference that is not typed', () => {
    const { diagnostics } = parseItemFile('nfr.yaml', nfr('    applies_to: [createOrder]\n'), 'nfr.yaml');
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'schema/invalid-value', line: 8 })]);
  });

  it('reports a file without its top-level list', () => {
    const { diagnostics } = parseItemFile('threats.yaml', '- id: X-T-01\n', 'threats.yaml');
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'schema/missing-field', message: expect.stringContaining('`threats:`') })]);
  });

  it('normalises a single threat target to a list', () => {
    const text = `threats:
  - id: CHK-T-01
    title: Card testing
    stride: [spoofing]
    target: op:createPayment
    description: Bots try stolen cards.
    likelihood: high
    impact: medium
    status: open
    mitigations: [nfr:CHK-NFR-04]
`;
    const { items, diagnostics } = parseItemFile('threats.yaml', text, 'threats.yaml');
    expect(diagnostics).toEqual([]);
    expect(items[0]!.item.target).toEqual(['op:createPayment']);
  });
});
