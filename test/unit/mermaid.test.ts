import { afterAll, expect, it } from 'vitest';
import { closeMermaid, parseDiagram } from '../../src/core/mermaid.ts';
afterAll(closeMermaid);
it('smoke', async () => {
  const r = await parseDiagram('flowchart LR\n A-->B\n', 'a.mmd');
  expect(r.diagnostics).toEqual([]);
  expect(r.diagram?.components.length).toBe(2);
});
