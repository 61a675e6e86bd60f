/**
 * Mermaid loaded with one shared copy of its configuration (mermaid-config-copy.ts) parses every
 * diagram exactly as Mermaid as shipped does.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '../..');
const HELPER = path.join(ROOT, 'test/helpers/parse-diagrams.ts');
/** Diagrams that hang Mermaid's parser on purpose are left to the corpus; everything else is compared. */
const MAX_BYTES = 20_000;

async function diagrams(): Promise<string[]> {
  const found: string[] = [];
  for (const dir of ['content', 'test/fixtures']) {
    for (const name of await readdir(path.join(ROOT, dir), { recursive: true })) {
      const file = path.join(ROOT, dir, name);
      if (name.endsWith('.mmd') && !name.includes('_outside') && (await stat(file).catch(() => undefined))?.isFile() && (await stat(file)).size < MAX_BYTES) found.push(file);
    }
  }
  return found.sort();
}

async function parseAll(files: string[], asShipped: boolean) {
  const env = { ...process.env, SPECPORT_MERMAID_AS_SHIPPED: asShipped ? '1' : '' };
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, [HELPER, ...files], { env, maxBuffer: 64 * 2 ** 20, timeout: 120_000 });
  const ms = performance.now() - started;
  const [head, ...lines] = stdout.trim().split('\n').map((line) => JSON.parse(line) as { applied?: boolean; file?: string; result?: unknown });
  return { applied: head!.applied, results: lines, ms };
}

describe('Mermaid with one copy of its configuration', () => {
  it('parses every diagram of the sample content and the fixtures exactly as Mermaid as shipped does', async () => {
    const files = await diagrams();
    expect(files.length).toBeGreaterThan(50);
    const [patched, shipped] = await Promise.all([parseAll(files, false), parseAll(files, true)]);
    // The hook found Mermaid's getConfig: if a new Mermaid writes it differently, this says so.
    expect(patched.applied).toBe(true);
    expect(shipped.applied).toBe(false);
    expect(patched.results).toHaveLength(files.length);
    expect(patched.results).toEqual(shipped.results);
    // Both kinds of result are among them: the comparison covers errors as well as parts.
    const oks = patched.results.map((r) => (r.result as { ok: boolean }).ok);
    expect(oks).toContain(true);
    expect(oks).toContain(false);
  }, 180_000);
});
