/**
 * Parses the Mermaid files named on the command line with Mermaid's own parser in this process,
 * and prints each result as one JSON line. `test/unit/mermaid-config-copy.test.ts` runs it with
 * and without SPECPORT_MERMAID_AS_SHIPPED to compare the two.
 *
 *   node test/helpers/parse-diagrams.ts <file.mmd>...
 */
import { readFile } from 'node:fs/promises';
import { mermaidConfigCopyApplied } from '../../src/core/mermaid-config-copy.ts';
import { loadMermaid, parseWithMermaid } from '../../src/core/mermaid-engine.ts';
import { normalizeSource } from '../../src/core/mermaid-source.ts';

await loadMermaid();
process.stdout.write(`${JSON.stringify({ applied: mermaidConfigCopyApplied() })}\n`);
for (const file of process.argv.slice(2)) {
  const result = await parseWithMermaid(normalizeSource(await readFile(file, 'utf8')));
  process.stdout.write(`${JSON.stringify({ file, result })}\n`);
}
