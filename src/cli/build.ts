/**
 * `specport build`: the check and Astro's own build (fed from the checked content, telemetry off)
 * in a child process, then the search index in this one, once the child's memory is given back
 * (src/lib/search-index.ts).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { indexedLater, SEARCH_INDEX_ENV, writeSearchIndex } from '../lib/search-index.ts';

/** The project root, where astro.config.mjs lives. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs this command again (`argv`) as the child that builds the pages into `out`, then indexes them. */
export async function buildPortal(argv: readonly string[], out: string): Promise<number> {
  const code = await new Promise<number>((resolve) => {
    // V8 lets its heap grow to twice what survived the last full collection before it collects
    // again; a page render leaves mostly garbage, so 1.2 times holds the heap near what is live
    // (about 0.6 GB less at 1,000 features) at no measurable cost in time. `--expose-gc` lets the
    // loader collect once the model is loaded, before the scripts are bundled (loaders/specport.ts).
    // A young generation of 8 MB per semi-space, as npm scripts give the CLI itself (see
    // bin/specport.mjs), however this process was started: 100 features built in 23-25 s instead
    // of 26-30 s, 0.15 GB lower.
    const child = spawn(process.execPath, [...process.execArgv, '--max-semi-space-size=8', '--heap-growing-percent=20', '--expose-gc', process.argv[1]!, ...argv], {
      stdio: 'inherit',
      // The allocator of the bundler and of the Astro compiler (mimalloc, in their native modules)
      // keeps freed memory for reuse, about 0.7 GB after the build of a large portal, while the
      // pages render; a purge delay of 0 gives it back at once. It also commits each arena in full
      // as it reserves it: committing on use instead lowers the peak, while the scripts are
      // bundled, by about 0.4 GB at any portal size.
      env: { ...process.env, [SEARCH_INDEX_ENV]: 'later', MIMALLOC_PURGE_DELAY: '0', MIMALLOC_ARENA_EAGER_COMMIT: '0' },
    });
    const stop = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', stop).once('SIGTERM', stop);
    child.on('error', (error) => {
      console.error(`Build failed: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (exitCode) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      resolve(exitCode ?? 1);
    });
  });
  if (code !== 0) return code;
  const indexed = await writeSearchIndex(out);
  if ('errors' in indexed) {
    console.error(`Build failed: Pagefind could not index the site for search:\n${indexed.errors.join('\n')}`);
    return 1;
  }
  console.error(`Portal built into ${path.relative(process.cwd(), out) || '.'}`);
  return 0;
}

/** Astro's build of the pages into `out`, in this process; without the search index when `buildPortal` writes it. */
export async function buildSite(options: { content: readonly string[]; out: string; allowErrors?: boolean }): Promise<number> {
  // Read by src/content.config.ts (roots joined by the path delimiter); Astro's telemetry would call a third-party host.
  process.env['SPECPORT_CONTENT'] = options.content.join(path.delimiter);
  // Astro runs from the project root (its server chunks must find this project's node_modules);
  // the config it reads stays the one in the folder the user ran specport from.
  const from = process.cwd();
  process.env['SPECPORT_CONFIG_DIR'] ??= from;
  process.chdir(PROJECT_ROOT);
  process.env['ASTRO_TELEMETRY_DISABLED'] = '1';
  // A production build whatever started us: test runners set DEV/MODE/NODE_ENV, which would make
  // Astro build a development site (Starlight then disables search, for one).
  process.env['NODE_ENV'] = 'production';
  for (const name of ['DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL']) delete process.env[name];
  if (options.allowErrors) process.env['SPECPORT_ALLOW_ERRORS'] = '1';
  const { build } = await import('astro');
  try {
    // One content-layer cache per content root and output, so portals built from different folders never mix.
    const key = createHash('sha256').update(`${options.content.join('\0')}\0${options.out}`).digest('hex').slice(0, 12);
    const cacheDir = path.join(PROJECT_ROOT, 'node_modules/.astro', `specport-${key}`);
    await build({ root: PROJECT_ROOT, outDir: options.out, cacheDir, logLevel: 'warn' });
    if (!indexedLater()) console.error(`Portal built into ${path.relative(from, options.out) || '.'}`);
    return 0;
  } catch (error) {
    // Astro has already logged what failed; a stack trace would add nothing for the reader.
    console.error(`Build failed: ${(error as Error).message}`);
    return 1;
  }
}
