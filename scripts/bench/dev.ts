/**
 * Live preview latency: `astro dev` over a synthetic portal (as `npm run dev` starts it, from the
 * project root with SPECPORT_CONTENT), one feature page open in Chromium, then its bundle's
 * feature.md title rewritten; the figure is the time from the write until the new title is in the
 * page's `<h1>`, whether the page updates by HMR or reloads itself. When it does not update by
 * itself within 30 s, the figure is write → a reload that shows the edit, and says so.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, watchedPage } from '../../test/e2e/harness.ts';
import { sampleMemory, stopProcess } from './measure.ts';
import { median, type DevEdit, type DevResult } from './report.ts';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Edits timed by default: enough for the median to stand when one edit meets a collection or a busy moment of the machine. */
const EDITS = 7;

/** The page's `<h1>` text, or undefined while it is navigating. */
async function h1(page: Page): Promise<string | undefined> {
  try {
    return await page.evaluate(() => document.querySelector('h1')?.textContent?.trim() ?? '');
  } catch {
    return undefined;
  }
}

/** Polls the open page until its `<h1>` is `title`; the time it took, or undefined past `ms`. */
async function waitForTitle(page: Page, title: string, since: number, ms: number): Promise<number | undefined> {
  while (performance.now() - since < ms) {
    if ((await h1(page)) === title) return performance.now() - since;
    await sleep(25);
  }
  return undefined;
}

export async function measureDevEdits(
  browser: Browser,
  options: { content: string; n: number; slug: string; bundle: string; cacheDir: string; edits?: number; log: (line: string) => void },
): Promise<DevResult> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL', 'NODE_ENV', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST'].includes(k)));
  const started = performance.now();
  // Detached: the server leads its own process group, which is ended as a whole afterwards.
  const dev = spawn(process.execPath, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    // With the allocator setting `npm run dev` gives it (package.json; see src/cli/build.ts).
    env: { ...env, SPECPORT_CONTENT: options.content, SPECPORT_CACHE_DIR: options.cacheDir, ASTRO_TELEMETRY_DISABLED: '1', MIMALLOC_ARENA_EAGER_COMMIT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  dev.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8192)));
  const memory = sampleMemory(dev.pid!, 250);
  const result: DevResult = { n: options.n, startMs: NaN, edits: [], medianMs: NaN, peakRss: 0 };
  const route = `/features/${options.slug}/`;
  const file = path.join(options.bundle, 'feature.md');
  const original = await readFile(file, 'utf8');
  try {
    // The server answers once Astro has loaded the content (10 minutes at most).
    const until = performance.now() + 600_000;
    let ready = false;
    while (!ready && performance.now() < until) {
      if (dev.exitCode !== null) throw new Error(`astro dev exited with ${dev.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
      try {
        const response = await fetch(`${origin}${route}`);
        ready = response.ok && (await response.text()).includes('<h1');
        if (ready) break;
      } catch {
        // Still starting.
      }
      await sleep(250);
    }
    if (!ready) throw new Error('astro dev did not serve the feature page within 10 minutes');
    result.startMs = performance.now() - started;
    options.log(`dev server ready in ${(result.startMs / 1000).toFixed(1)} s`);

    const { page } = await watchedPage(browser, origin);
    await page.goto(`${origin}${route}`, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForLoadState('networkidle', { timeout: 120_000 }).catch(() => undefined);
    const before = await h1(page);
    if (!before) throw new Error(`the feature page ${route} has no <h1>`);

    const titleLine = /^title:.*$/m;
    if (!titleLine.test(original)) throw new Error(`${file} has no title line`);
    for (let i = 1; i <= (options.edits ?? EDITS); i++) {
      const title = `${before} (edit ${i})`;
      let since = performance.now();
      await writeFile(file, original.replace(titleLine, `title: ${title}`));
      let edit: DevEdit | undefined;
      const live = await waitForTitle(page, title, since, 30_000);
      if (live !== undefined) edit = { ms: live, mode: 'live' };
      else {
        // Not by itself: write again (a new title) and reload until the page shows it.
        const again = `${before} (edit ${i}, reloaded)`;
        since = performance.now();
        await writeFile(file, original.replace(titleLine, `title: ${again}`));
        while (performance.now() - since < 60_000) {
          await page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 }).catch(() => undefined);
          if ((await h1(page)) === again) {
            edit = { ms: performance.now() - since, mode: 'reload' };
            break;
          }
          await sleep(100);
        }
        if (!edit) throw new Error(`edit ${i} did not show within 30 s by itself nor within 60 s of reloading`);
      }
      result.edits.push(edit);
      options.log(`dev edit ${i}: ${(edit.ms / 1000).toFixed(2)} s (${edit.mode})`);
      // Let the server settle before the next edit.
      await sleep(2000);
    }
    await page.context().close();
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    await writeFile(file, original);
    result.peakRss = memory.stop();
    await stopProcess(dev);
  }
  result.medianMs = median(result.edits.map((e) => e.ms));
  return result;
}
