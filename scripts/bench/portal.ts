/**
 * Specport itself, as a reader runs it: the `specport check` and `specport build` CLI processes
 * with the pinned Node and the flags npm scripts give it, each given its own parse-cache folder
 * (SPECPORT_CACHE_DIR).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../../test/e2e/harness.ts';
import { generateLargeOpenApi } from '../../test/helpers/large-openapi.ts';
import { buildEnv } from './baseline.ts';
import { runMeasured, treeSize, type Measured } from './measure.ts';
import type { BuildFigures, CheckFigures } from './report.ts';

const CLI = path.join(ROOT, 'bin/specport.mjs');

/** The last non-empty line a process printed, for progress lines and problems. */
export const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.trim())
    .at(-1) ?? '';

/** The Node flags package.json's `check` script gives the CLI, so that the bench runs it as `npm run check` does. */
const NODE_FLAGS = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['check']!.split(/\s+/).filter((word) => word.startsWith('--'));

/** Runs `specport <args>` with the Node running the bench (the pinned one) and the flags of the npm scripts. */
function runCli(args: string[], cacheDir: string): Promise<Measured> {
  return runMeasured(process.execPath, [...NODE_FLAGS, CLI, ...args], { cwd: ROOT, env: buildEnv({ SPECPORT_CACHE_DIR: cacheDir }) });
}

/** `specport check` of `content`; wall time of the process. */
export function check(content: string, cacheDir: string): Promise<Measured> {
  return runCli(['check', '--content', content], cacheDir);
}

/** `check` twice with the same cache folder (which must be new and empty): cold, then warm. */
export async function checkColdWarm(content: string, cacheDir: string, log: (line: string) => void): Promise<CheckFigures> {
  await mkdir(cacheDir, { recursive: true });
  const cold = await check(content, cacheDir);
  log(`check, cold: ${(cold.ms / 1000).toFixed(2)} s, exit ${cold.code}: ${lastLine(cold.stdout)}`);
  const warm = await check(content, cacheDir);
  log(`check, warm: ${(warm.ms / 1000).toFixed(2)} s, exit ${warm.code}`);
  return { coldMs: cold.ms, warmMs: warm.ms, coldCode: cold.code, warmCode: warm.code };
}

/** Size, Pagefind index size and page count, and HTML page count of a built site. */
export async function outputFigures(out: string): Promise<Pick<BuildFigures, 'outputBytes' | 'pagefindBytes' | 'pagefindRecords' | 'htmlPages'>> {
  const all = await treeSize(out);
  const pagefind = await treeSize(path.join(out, 'pagefind'));
  const fragments = await treeSize(path.join(out, 'pagefind', 'fragment'));
  return { outputBytes: all.bytes, pagefindBytes: pagefind.bytes, pagefindRecords: fragments.files, htmlPages: all.htmlPages };
}

/** `specport build` into `out` (which must not exist) with a new, empty cache folder. */
export async function build(content: string, out: string, cacheDir: string): Promise<{ figures: BuildFigures; run: Measured }> {
  await mkdir(cacheDir, { recursive: true });
  const run = await runCli(['build', '--content', content, '--out', out], cacheDir);
  return { run, figures: { code: run.code, ms: run.ms, peakRss: run.peakRss, ...(await outputFigures(out)) } };
}

/**
 * The content-layer cache folder `specport build` gives a content root and output
 * (src/cli/build.ts), so that the bench can remove the ones its builds made.
 */
export function astroCacheDirOf(content: string, out: string): string {
  const key = createHash('sha256').update(`${path.resolve(content)}\0${path.resolve(out)}`).digest('hex').slice(0, 12);
  return path.join(ROOT, 'node_modules/.astro', `specport-${key}`);
}

/**
 * A content root with one bundle whose contract is the ~13 MB, ~1,200-operation document of
 * test/helpers/large-openapi.ts, as JSON. Returns the bundle's slug and first operation's summary.
 */
export async function writeLargeContractPortal(content: string): Promise<{ slug: string; firstOperation: string; operations: number; contractBytes: number }> {
  const bundle = path.join(content, 'platform', 'rest-api');
  await mkdir(bundle, { recursive: true });
  const document = generateLargeOpenApi();
  const operations = Object.values(document['paths'] as Record<string, Record<string, { summary?: string; operationId?: string }>>)
    .flatMap((item) => Object.values(item))
    .filter((op): op is { summary: string; operationId: string } => typeof op?.operationId === 'string');
  const json = JSON.stringify(document);
  await writeFile(path.join(bundle, 'openapi.json'), json);
  await writeFile(path.join(bundle, 'feature.md'), '---\ntitle: Public REST API\nid: REST\nstatus: shipped\nowner: team-platform\n---\n\nEvery public endpoint.\n');
  return { slug: 'rest-api', firstOperation: operations[0]!.summary, operations: operations.length, contractBytes: Buffer.byteLength(json) };
}
