import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { closeMermaid, parseDiagram, type DiagramRole } from '../../src/core/mermaid.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/mermaid/${name}`, import.meta.url), 'utf8');
const parseFixture = (name: string, role: DiagramRole = 'inline') => parseDiagram(fixture(name), `checkout/${name}`, { role });
/** The parts of a diagnostic a test pins down; the hint is checked separately for being useful. */
const where = (d: Diagnostic) => ({ rule: d.rule, line: d.line, column: d.column });

afterAll(closeMermaid);

describe('valid diagrams', () => {
  it('extracts people, systems and relations from a C4 context', async () => {
    const { diagram, diagnostics } = await parseFixture('context-c4.mmd', 'context');
    expect(diagnostics).toEqual([]);
    expect(diagram?.kind).toBe('c4');
    expect(diagram?.title).toBe('Checkout context');
    expect(diagram?.components).toEqual([
      { id: 'shopper', label: 'Shopper', type: 'person', external: false, description: 'Buys things online' },
      { id: 'shop', label: 'Shop', type: 'system', external: false, description: 'Sells things' },
      { id: 'stripe', label: 'Stripe', type: 'system_ext', external: true, description: 'Takes card payments' },
      { id: 'erp', label: 'ERP', type: 'system_db_ext', external: true, description: '' },
    ]);
    expect(diagram?.relations).toEqual([
      { from: 'shopper', to: 'shop', label: 'Places orders' },
      { from: 'shop', to: 'stripe', label: 'Charges cards' },
      { from: 'shop', to: 'erp', label: 'Syncs stock' },
    ]);
  });

  it('extracts every node of a flowchart context and marks nodes of class external', async () => {
    const { diagram, diagnostics } = await parseFixture('context-flowchart.mmd', 'context');
    expect(diagnostics).toEqual([]);
    expect(diagram?.kind).toBe('flowchart-v2');
    expect(diagram?.title).toBeUndefined();
    expect(diagram?.components).toEqual([
      { id: 'shopper', label: 'Shopper', type: 'node', external: false, description: '' },
      { id: 'shop', label: 'Shop', type: 'node', external: false, description: '' },
      { id: 'psp', label: 'Payment provider', type: 'node', external: true, description: '' },
      { id: 'erp', label: 'ERP', type: 'node', external: true, description: '' },
    ]);
    expect(diagram?.relations).toEqual([
      { from: 'shopper', to: 'shop', label: 'places order' },
      { from: 'shop', to: 'psp', label: 'charges' },
      { from: 'shop', to: 'erp', label: '' },
    ]);
  });

  it('extracts entities with typed, keyed and commented attributes and relationships by entity name', async () => {
    const { diagram, diagnostics } = await parseFixture('data-model.mmd', 'data-model');
    expect(diagnostics).toEqual([]);
    expect(diagram?.kind).toBe('er');
    expect(diagram?.entities.map((e) => e.name)).toEqual(['CUSTOMER', 'ORDER', 'ORDER_LINE', 'PRODUCT']);
    expect(diagram?.entities[0]?.attributes).toEqual([
      { name: 'id', type: 'uuid', keys: ['PK'], comment: '' },
      { name: 'email', type: 'string', keys: ['UK'], comment: 'unique, lower-case' },
    ]);
    expect(diagram?.entities[2]?.attributes[0]).toEqual({ name: 'order_id', type: 'uuid', keys: ['PK', 'FK'], comment: '' });
    expect(diagram?.entities[3]?.attributes).toEqual([]);
    expect(diagram?.relationships).toEqual([
      { from: 'CUSTOMER', to: 'ORDER', label: 'places', fromCardinality: 'ONLY_ONE', toCardinality: 'ZERO_OR_MORE', identifying: true },
      { from: 'ORDER', to: 'ORDER_LINE', label: 'contains', fromCardinality: 'ONLY_ONE', toCardinality: 'ONE_OR_MORE', identifying: true },
      { from: 'PRODUCT', to: 'ORDER_LINE', label: 'appears in', fromCardinality: 'ZERO_OR_ONE', toCardinality: 'ZERO_OR_MORE', identifying: false },
    ]);
  });

  it('keeps integration metadata from the front matter, which Mermaid accepts', async () => {
    const { diagram, diagnostics } = await parseFixture('sequence-payment.mmd', 'sequence');
    expect(diagnostics).toEqual([]);
    expect(diagram?.frontmatter).toEqual({
      title: 'Pay with card',
      integration: 'Stripe',
      timeout: '3s',
      retries: { policy: 'exponential-jitter', max: 3, backoff: '200ms' },
      idempotency: 'Idempotency-Key header, kept 24h',
    });
    expect(diagram?.frontmatterLine).toBe(2);
    expect(diagram?.title).toBe('Pay with card');
    expect(diagram?.source).toBe(fixture('sequence-payment.mmd'));
  });

  it('extracts participants and real messages from a sequence with an alt block, and sees the error path', async () => {
    const { diagram } = await parseFixture('sequence-payment.mmd', 'sequence');
    expect(diagram?.kind).toBe('sequence');
    expect(diagram?.participants).toEqual([
      { id: 'Shopper', label: 'Shopper', type: 'actor' },
      { id: 'API', label: 'Checkout API', type: 'participant' },
      { id: 'PSP', label: 'Stripe', type: 'participant' },
    ]);
    // No notes, activations or block markers: only what one participant sends another.
    expect(diagram?.messages).toEqual([
      { from: 'Shopper', to: 'API', text: 'POST /orders/{id}/payment' },
      { from: 'API', to: 'PSP', text: 'create PaymentIntent' },
      { from: 'PSP', to: 'API', text: '200 succeeded' },
      { from: 'API', to: 'Shopper', text: '201 Paid' },
      { from: 'PSP', to: 'API', text: '402 card_declined' },
      { from: 'API', to: 'Shopper', text: '402 Try another card' },
    ]);
    expect(diagram?.hasErrorPath).toBe(true);
  });

  it('does not count a loop as an error path and takes the title from the diagram', async () => {
    const { diagram } = await parseFixture('sequence-loop.mmd', 'sequence');
    expect(diagram?.hasErrorPath).toBe(false);
    expect(diagram?.title).toBe('Poll the export');
    expect(diagram?.messages).toHaveLength(3);
    expect(diagram?.frontmatter).toEqual({});
    expect(diagram?.frontmatterLine).toBe(1);
  });

  it('sees opt, break and critical blocks as error paths', async () => {
    for (const block of ['opt', 'break', 'critical']) {
      const { diagram } = await parseDiagram(`sequenceDiagram\n  A->>B: call\n  ${block} on failure\n    B-->>A: error\n  end\n`, 'x.mmd');
      expect(diagram?.hasErrorPath, block).toBe(true);
    }
  });

  it('decodes Mermaid entity escapes and line breaks in labels', async () => {
    const { diagram } = await parseDiagram('flowchart LR\n  A[Price #35;1 #quot;net#quot;] --> B["two<br/>lines"]\n', 'x.mmd');
    expect(diagram?.components.map((c) => c.label)).toEqual(['Price #1 "net"', 'two lines']);
  });

  it('does not leak state from one diagram into the next', async () => {
    // C4 keeps one database for all diagrams; Mermaid clears it before each parse.
    await parseDiagram('C4Context\n  title First\n  Person(a, "A")\n  Rel(a, a, "self")\n', 'a.mmd');
    const second = await parseDiagram('C4Context\n  Person(b, "B")\n', 'b.mmd');
    expect(second.diagram?.components.map((c) => c.id)).toEqual(['b']);
    expect(second.diagram?.relations).toEqual([]);
    expect(second.diagram?.title).toBeUndefined();
    await parseDiagram('sequenceDiagram\n  title First\n  A->>B: one\n', 'a.mmd');
    const sequence = await parseDiagram('sequenceDiagram\n  C->>D: two\n', 'b.mmd');
    expect(sequence.diagram?.participants.map((p) => p.id)).toEqual(['C', 'D']);
    expect(sequence.diagram?.title).toBeUndefined();
  });

  it('answers concurrent calls in order, each with its own diagram', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => parseDiagram(i % 2 ? `flowchart LR\n  N${i} --> M${i}\n` : `sequenceDiagram\n  A->>B: ${i}\n  B-->>A\n`, `d${i}.mmd`)),
    );
    results.forEach((result, i) => {
      if (i % 2) expect(result.diagram?.components.map((c) => c.id)).toEqual([`N${i}`, `M${i}`]);
      else expect(result.diagnostics.map((d) => [d.file, d.line])).toEqual([[`d${i}.mmd`, 3]]);
    });
  });
});

describe('broken diagrams', () => {
  it('reports a sequence message without text at the end of its line', async () => {
    const { diagram, diagnostics } = await parseFixture('broken-sequence-message.mmd', 'sequence');
    expect(diagram).toBeUndefined();
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 5, column: 16 }]);
    expect(diagnostics[0]?.file).toBe('checkout/broken-sequence-message.mmd');
    expect(diagnostics[0]?.message).toContain("Expecting 'TXT', got 'NEWLINE'");
    expect(diagnostics[0]?.hint).toBe('A message needs a colon and text: `A->>B: text`.');
  });

  it('reports an unclosed sequence block at the line that opens it', async () => {
    const { diagnostics } = await parseFixture('broken-sequence-unclosed.mmd', 'sequence');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 3, column: 3 }]);
    expect(diagnostics[0]?.message).toContain("got 'EOF'");
    expect(diagnostics[0]?.hint).toContain('`alt` block');
  });

  it('reports an ER relationship without a label where the label goes', async () => {
    const { diagnostics } = await parseFixture('broken-er.mmd', 'data-model');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 3, column: 26 }]);
    expect(diagnostics[0]?.message).toContain("Expecting 'COLON', 'STYLE_SEPARATOR', got 'NEWLINE'");
    expect(diagnostics[0]?.hint).toContain('CUSTOMER ||--o{ ORDER : places');
  });

  it('reports an unclosed flowchart label at its line', async () => {
    const { diagnostics } = await parseFixture('broken-flowchart.mmd', 'context');
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([['mermaid/syntax', 2]]);
    expect(diagnostics[0]?.message).toContain("got 'EOF'");
    expect(diagnostics[0]?.hint).toContain('brackets');
  });

  it('reports a misspelt C4 macro at its first character', async () => {
    const { diagnostics } = await parseFixture('broken-c4.mmd', 'context');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 3, column: 3 }]);
    expect(diagnostics[0]?.message).toBe('Mermaid cannot parse this C4 diagram: Unrecognized text `Sytem(shop,`.');
    expect(diagnostics[0]?.hint).not.toBe('');
  });

  it('reports errors of Langium-based diagram types at their line and column', async () => {
    const { diagnostics } = await parseFixture('broken-pie.mmd');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 3, column: 15 }]);
    expect(diagnostics[0]?.message).toContain("Unexpected character 'm'");
    expect(diagnostics[0]?.hint).not.toBe('');
  });

  it('reports an error Mermaid gives no line for at the diagram type line, with a specific hint', async () => {
    const { diagnostics } = await parseDiagram('---\ntitle: x\n---\nsequenceDiagram\n  A->>B: call\n  deactivate B\n', 'x.mmd');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 4, column: 1 }]);
    expect(diagnostics[0]?.message).toBe('Mermaid cannot parse this sequence diagram: Trying to inactivate an inactive participant (B).');
    expect(diagnostics[0]?.hint).toContain('`activate X`');
  });

  it('reports an error after 6 lines of front matter at its line in the file', async () => {
    const { diagnostics } = await parseFixture('error-after-frontmatter.mmd', 'sequence');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 9, column: 13 }]);
  });

  it('counts blank lines after the front matter, comments and directives when placing an error', async () => {
    const withBlankLines = await parseDiagram('---\ntitle: x\n---\n\n\nsequenceDiagram\n  A->>B\n', 'x.mmd');
    expect(withBlankLines.diagnostics.map((d) => d.line)).toEqual([7]);
    const { diagnostics } = await parseFixture('comments-and-directive.mmd', 'context');
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([['mermaid/syntax', 10]]);
  });

  it('adds the line offset of a mermaid block inside feature.md', async () => {
    const { diagnostics } = await parseDiagram(fixture('broken-sequence-message.mmd'), 'checkout/feature.md', { lineOffset: 20 });
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/syntax', line: 25, column: 16 }]);
    const front = await parseDiagram(fixture('sequence-payment.mmd'), 'checkout/feature.md', { lineOffset: 20 });
    expect(front.diagram?.frontmatterLine).toBe(22);
  });

  it('reads Windows line endings like Unix ones', async () => {
    const { diagnostics } = await parseDiagram(fixture('error-after-frontmatter.mmd').replace(/\n/g, '\r\n'), 'x.mmd');
    expect(diagnostics.map((d) => d.line)).toEqual([9]);
  });
});

describe('kinds, empty diagrams and front matter', () => {
  it('reports a diagram of the wrong kind for its role and says what the first line should be', async () => {
    const { diagram, diagnostics } = await parseFixture('wrong-kind.mmd', 'data-model');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/kind', line: 1, column: 1 }]);
    expect(diagnostics[0]?.message).toBe('A data model must be an `erDiagram`, but this one is a `flowchart`.');
    expect(diagnostics[0]?.hint).toContain('`erDiagram`');
    // Mermaid could parse it, so a page can still show it.
    expect(diagram?.kind).toBe('flowchart-v2');
  });

  it('accepts C4 and flowcharts as context but not a sequence', async () => {
    expect((await parseFixture('context-c4.mmd', 'context')).diagnostics).toEqual([]);
    expect((await parseFixture('context-flowchart.mmd', 'context')).diagnostics).toEqual([]);
    expect((await parseDiagram('graph TD\n  A --> B\n', 'x.mmd', { role: 'context' })).diagnostics).toEqual([]);
    const { diagnostics } = await parseFixture('sequence-loop.mmd', 'context');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/kind', line: 1, column: 1 }]);
    expect(diagnostics[0]?.hint).toContain('C4Context');
  });

  it('accepts only sequence diagrams as sequences, pointing after the front matter', async () => {
    const { diagnostics } = await parseDiagram('---\ntitle: x\n---\nerDiagram\n  A ||--o{ B : has\n', 'x.mmd', { role: 'sequence' });
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/kind', line: 4, column: 1 }]);
    expect(diagnostics[0]?.hint).toContain('`sequenceDiagram`');
  });

  it('reports an unknown diagram type as a kind problem', async () => {
    const { diagnostics } = await parseFixture('unknown-type.mmd', 'sequence');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/kind', line: 1, column: 1 }]);
    expect(diagnostics[0]?.message).toBe('Mermaid does not know the diagram type `sequencediagram`.');
    expect(diagnostics[0]?.hint).toContain('`sequenceDiagram`');
  });

  it('reports an empty file, and a file with only front matter or comments', async () => {
    for (const source of [fixture('empty.mmd'), fixture('frontmatter-only.mmd'), '  \n%% nothing here yet\n']) {
      const { diagram, diagnostics } = await parseDiagram(source, 'x.mmd', { role: 'sequence' });
      expect(diagram).toBeUndefined();
      expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/empty', line: 1, column: 1 }]);
      expect(diagnostics[0]?.hint).toContain('`sequenceDiagram`');
    }
  });

  it('reports broken front matter YAML at its line and still checks the diagram', async () => {
    const { diagram, diagnostics } = await parseFixture('broken-frontmatter.mmd', 'sequence');
    expect(diagram).toBeUndefined();
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/frontmatter', line: 4, column: 1 }]);
    expect(diagnostics[0]?.hint).not.toBe('');
    const both = await parseDiagram('---\ntitle: [unclosed\n---\nsequenceDiagram\n  A->>B\n', 'x.mmd');
    expect(both.diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['mermaid/frontmatter', 2],
      ['mermaid/syntax', 5],
    ]);
  });

  it('reports front matter that is not a mapping', async () => {
    const { diagnostics } = await parseDiagram('---\n- a\n- b\n---\nflowchart LR\n  A --> B\n', 'x.mmd');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/frontmatter', line: 2, column: 1 }]);
  });

  it('reports front matter that is never closed instead of an unknown diagram type', async () => {
    const { diagnostics } = await parseFixture('unclosed-frontmatter.mmd', 'sequence');
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/frontmatter', line: 1, column: 1 }]);
    expect(diagnostics[0]?.hint).toContain('---');
    const late = await parseDiagram('\n---\ntitle: x\n---\nflowchart LR\n  A --> B\n', 'x.mmd');
    expect(late.diagnostics.map((d) => [d.rule, d.line, d.message])).toEqual([
      ['mermaid/frontmatter', 2, 'The front matter does not start on the first line.'],
    ]);
  });
});

describe('robustness', () => {
  it('keeps securityLevel strict whatever a directive or the front matter asks for', async () => {
    // In this thread, not the worker, so the test can look at Mermaid's configuration afterwards.
    const { loadMermaid, parseWithMermaid } = await import('../../src/core/mermaid-engine.ts');
    const { mermaid } = await loadMermaid();
    const directive = await parseWithMermaid('%%{init: {"securityLevel": "loose"}}%%\nflowchart LR\n  A --> B\n  click A call alert("x")\n');
    const front = await parseWithMermaid('---\nconfig:\n  securityLevel: loose\n---\nflowchart LR\n  A --> B\n');
    expect([directive.ok, front.ok]).toEqual([true, true]);
    expect(mermaid.mermaidAPI.getConfig().securityLevel).toBe('strict');
    // The same holds for Mermaid's public parse(), which does apply directives: securityLevel is a secure key.
    await mermaid.parse('%%{init: {"securityLevel": "loose"}}%%\nflowchart LR\n  A --> B\n');
    expect(mermaid.mermaidAPI.getConfig().securityLevel).toBe('strict');
  });

  it('stops a diagram that takes too long, reports mermaid/timeout, and parses the next one', async () => {
    // Mermaid's mindmap parser is quadratic in nesting depth: this takes seconds, not milliseconds.
    const slow = `mindmap\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}n${i}`).join('\n')}\n`;
    const started = performance.now();
    const { diagram, diagnostics } = await parseDiagram(slow, 'slow.mmd', { timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(diagram).toBeUndefined();
    expect(diagnostics.map(where)).toEqual([{ rule: 'mermaid/timeout', line: 1, column: 1 }]);
    expect(diagnostics[0]?.message).toContain('300 ms');
    expect(diagnostics[0]?.hint).toContain('Simplify');
    const next = await parseFixture('context-c4.mmd', 'context');
    expect(next.diagnostics).toEqual([]);
    expect(next.diagram?.components).toHaveLength(4);
  });

  it('parses the diagrams queued with one that takes too long, before and after it, each with its own time', async () => {
    // Queued together, they go to the worker together: the slow one is stopped with its worker,
    // and the ones after it are parsed by a fresh worker.
    const slow = `mindmap\n${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i + 1)}n${i}`).join('\n')}\n`;
    const flow = (n: number) => `flowchart LR\n  A${n} --> B${n}\n`;
    const results = await Promise.all([
      parseDiagram(flow(1), 'one.mmd'),
      parseDiagram(flow(2), 'two.mmd'),
      parseDiagram(slow, 'slow.mmd', { timeoutMs: 300 }),
      parseDiagram(flow(3), 'three.mmd', { timeoutMs: 300 }),
      parseDiagram('flowchart LR\n  A --> \n', 'broken.mmd'),
      parseDiagram(flow(4), 'four.mmd'),
    ]);
    expect(results.map((r) => r.diagnostics.map((d) => d.rule))).toEqual([[], [], ['mermaid/timeout'], [], ['mermaid/syntax'], []]);
    expect(results.map((r) => r.diagram?.components.map((c) => c.id))).toEqual([['A1', 'B1'], ['A2', 'B2'], undefined, ['A3', 'B3'], undefined, ['A4', 'B4']]);
  });

  it('never throws on odd input', async () => {
    for (const source of ['\uFEFFflowchart LR\n  A --> B\n', '%%{init: \nflowchart LR\n', '---\n---\n', ':::', '\u0000\u0001', 'x'.repeat(60_000)]) {
      const result = await parseDiagram(source, 'odd.mmd');
      expect(Array.isArray(result.diagnostics)).toBe(true);
      for (const d of result.diagnostics) expect(d.hint).not.toBe('');
    }
  });
});
