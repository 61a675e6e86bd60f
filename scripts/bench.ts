/**
 * `npm run bench`: how Specport's check, build, pages and live preview scale, against a bare
 * Starlight site with the same pages and text as the floor.
 *
 *   npm run bench -- [--sizes 100,1000] [--skip-large] [--skip-dev] [--skip-browser] [--json out.json] [--keep]
 *
 * For each size N it writes a synthetic portal (scripts/synthetic.ts), times `check` with a cold
 * and a warm parse cache, builds the portal with a cold cache, writes the baseline from the built
 * portal (scripts/bench/baseline.ts) and builds it, then measures a feature page's JavaScript in
 * Chromium. It also builds one bundle with a ~13 MB contract and times its API page, and measures
 * how fast `astro dev` shows an edit. Figures are printed, with each budget marked ok or over;
 * nothing here is a pass/fail test. Progress goes to stderr, the report to stdout.
 *
 * Build outputs and baseline projects live in `.bench/` (git-ignored, inside the repository so
 * that the baseline resolves astro and Starlight from node_modules); they are removed at the end
 * unless --keep is given. Temporary content and caches go to the system's temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, ROOT, serve } from '../test/e2e/harness.ts';
import { buildBaseline, writeBaseline } from './bench/baseline.ts';
import { measurePageJs, timeApiPage } from './bench/browser.ts';
import { measureDevEdits } from './bench/dev.ts';
import { parseOptions, USAGE, type BenchOptions } from './bench/options.ts';
import { astroCacheDirOf, build, checkColdWarm, lastLine, outputFigures, writeLargeContractPortal } from './bench/portal.ts';
import { referenceMs } from './bench/reference.ts';
import { renderReport } from './bench/render.ts';
import { evaluateBudgets, type BenchResult, type SizeResult } from './bench/report.ts';
import { writeSyntheticPortal } from './synthetic.ts';

const BENCH_DIR = path.join(ROOT, '.bench');
const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'astro.config.mjs', 'bin'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} (with uncommitted changes in src/)` : head;
  } catch {
    return 'unknown';
  }
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = {
    startedAt: new Date().toISOString(),
    node: process.version,
    commit: commit(),
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${os.platform()} ${os.release()}`,
    sizes: [],
    notes: [],
  };
  log('timing the reference work (how fast the machine is now)');
  result.reference = { startMs: referenceMs() };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'specport-bench-'));
  /** Folders this run made outside `tmp` and `.bench/`: the content-layer caches of its builds. */
  const astroCaches: string[] = [];
  const benchOutputs: string[] = [];
  let browser: Browser | undefined;
  const getBrowser = async () => (browser ??= await launch());
  const largest = options.sizes[options.sizes.length - 1]!;
  const specportOut = (n: number) => path.join(BENCH_DIR, `specport-${n}`);
  const content = (n: number) => path.join(tmp, `content-${n}`);
  let step = 0;
  const cache = (name: string) => path.join(tmp, `cache-${++step}-${name}`);

  try {
    // Left by an earlier run with --keep: the bench owns these names.
    for (const n of options.sizes) for (const dir of [specportOut(n), path.join(BENCH_DIR, `baseline-${n}`)]) await rm(dir, { recursive: true, force: true });
    await rm(path.join(BENCH_DIR, 'large'), { recursive: true, force: true });

    for (const n of options.sizes) {
      log(`writing a synthetic portal of ${n} features`);
      await writeSyntheticPortal(content(n), n);
    }

    // First, while .bench/ is empty: the dev server watches the project folder, and tens of
    // thousands of built pages under it would be part of what it measures.
    if (!options.skipDev) {
      const devContent = path.join(tmp, `dev-content-${largest}`);
      await writeSyntheticPortal(devContent, largest);
      log(`astro dev over ${largest} features: starting`);
      result.dev = await measureDevEdits(await getBrowser(), {
        content: devContent,
        n: largest,
        slug: 'feature-1',
        // scripts/synthetic.ts puts feature i in area i mod 10; feature 1 is in `catalog`.
        bundle: path.join(devContent, 'catalog', 'feature-1'),
        cacheDir: cache('dev'),
        log,
      });
      if (result.dev.error) log(`dev: ${result.dev.error}`);
      await rm(devContent, { recursive: true, force: true });
    }

    for (const n of options.sizes) {
      log(`── ${n} features ──`);
      const check = await checkColdWarm(content(n), cache(`check-${n}`), log);
      const out = specportOut(n);
      benchOutputs.push(out);
      log(`specport build of ${n} features (cold cache)`);
      astroCaches.push(astroCacheDirOf(content(n), out));
      const built = await build(content(n), out, cache(`build-${n}`));
      log(`specport build: ${(built.figures.ms / 1000).toFixed(1)} s, exit ${built.figures.code}, ${built.figures.htmlPages} pages, peak ${(built.figures.peakRss / 2 ** 20).toFixed(0)} MB`);
      const size: SizeResult = { n, check, specport: built.figures };
      result.sizes.push(size);
      if (built.figures.code !== 0) {
        result.notes.push(`The Specport build of ${n} features failed (exit ${built.figures.code}): ${lastLine(built.run.stderr)}`);
        log(`build failed:\n${built.run.stderr.slice(-4000)}`);
        continue;
      }

      const project = path.join(BENCH_DIR, `baseline-${n}`);
      benchOutputs.push(project);
      log(`writing the bare Starlight baseline from the ${built.figures.htmlPages} built pages`);
      const prepared = performance.now();
      const source = await writeBaseline(out, project);
      const prepareMs = performance.now() - prepared;
      const plainPages = Object.values(source.plain).reduce((a, b) => a + b, 0);
      log(`baseline: ${source.markdown} Markdown pages, ${plainPages} plain pages, ${source.unmatched.length} without counterpart (${(prepareMs / 1000).toFixed(1)} s); building`);
      const baseline = await buildBaseline(project);
      const baselineFigures = await outputFigures(path.join(project, 'dist'));
      log(`baseline build: ${(baseline.ms / 1000).toFixed(1)} s, exit ${baseline.code}, ${baselineFigures.htmlPages} pages, peak ${(baseline.peakRss / 2 ** 20).toFixed(0)} MB`);
      if (baseline.code !== 0) {
        result.notes.push(`The baseline build of ${n} features failed (exit ${baseline.code}): ${lastLine(baseline.stderr)}`);
        log(`baseline build failed:\n${baseline.stderr.slice(-4000)}`);
      }
      size.baseline = {
        code: baseline.code,
        ms: baseline.ms,
        peakRss: baseline.peakRss,
        ...baselineFigures,
        prepareMs,
        markdownPages: source.markdown,
        plainPages,
        unmatched: source.unmatched,
      };
      if (!options.keep) {
        await rm(project, { recursive: true, force: true });
        // The largest portal stays until its pages have been opened in Chromium.
        if (n !== largest || options.skipBrowser) await rm(out, { recursive: true, force: true });
      }
    }

    const largestBuilt = result.sizes.find((s) => s.n === largest && s.specport.code === 0);
    if (!options.skipBrowser && largestBuilt) {
      log(`page JavaScript in Chromium (portal of ${largest} features)`);
      const server = await serve(specportOut(largest));
      try {
        result.pageJs = await measurePageJs(await getBrowser(), server.origin, { n: largest, slug: 'feature-1', firstOperation: 'Operation 0 of feature 1' });
        log(`feature page: ${(result.pageJs.feature.gzip / 1024).toFixed(1)} KB of gzip JavaScript; API page: ${(result.pageJs.api.gzip / 1024).toFixed(1)} KB`);
      } catch (error) {
        result.notes.push(`Page JavaScript not measured: ${(error as Error).message.split('\n')[0]}`);
        log(`page JavaScript failed: ${(error as Error).message}`);
      } finally {
        await server.close();
      }
      if (!options.keep) await rm(specportOut(largest), { recursive: true, force: true });
    }

    if (!options.skipLarge) {
      log('one bundle with a ~13 MB contract');
      const largeContent = path.join(tmp, 'content-large');
      const contract = await writeLargeContractPortal(largeContent);
      const check = await checkColdWarm(largeContent, cache('check-large'), log);
      const out = path.join(BENCH_DIR, 'large');
      benchOutputs.push(out);
      astroCaches.push(astroCacheDirOf(largeContent, out));
      const built = await build(largeContent, out, cache('build-large'));
      log(`large-contract build: ${(built.figures.ms / 1000).toFixed(1)} s, exit ${built.figures.code}, peak ${(built.figures.peakRss / 2 ** 20).toFixed(0)} MB`);
      result.large = { operations: contract.operations, contractBytes: contract.contractBytes, check, build: built.figures, foreign: [] };
      if (built.figures.code !== 0) result.large.error = `build failed: ${lastLine(built.run.stderr)}`;
      else if (!options.skipBrowser) {
        const server = await serve(out);
        try {
          const timing = await timeApiPage(await getBrowser(), server.origin, `/features/${contract.slug}/api/`, contract.firstOperation);
          Object.assign(result.large, { apiUsableMs: timing.usableMs, apiLoadMs: timing.loadMs, apiJsGzip: timing.jsGzip, foreign: timing.foreign });
          log(`large API page usable after ${(timing.usableMs / 1000).toFixed(2)} s`);
        } catch (error) {
          result.large.error = `API page: ${(error as Error).message.split('\n')[0]}`;
          log(`large API page failed: ${(error as Error).message}`);
        } finally {
          await server.close();
        }
      }
    }
  } finally {
    await browser?.close();
    await rm(tmp, { recursive: true, force: true });
    for (const dir of astroCaches) await rm(dir, { recursive: true, force: true });
    if (!options.keep) {
      for (const dir of benchOutputs) await rm(dir, { recursive: true, force: true });
      // Only if nothing else is in it.
      await rmdir(BENCH_DIR).catch(() => undefined);
    } else log(`kept the build outputs in ${path.relative(process.cwd(), BENCH_DIR) || BENCH_DIR}/`);
  }
  log('timing the reference work again');
  result.reference.endMs = referenceMs();
  result.notes.push(
    'Baseline: Starlight only (no Mermaid, no Scalar, no custom components), the portal\'s fixed sidebar links, one Markdown page per Starlight page of the portal with its <h1> and main-content text (headings kept as headings), and the portal\'s own /ref/ pages served unchanged by one plain Astro page.',
    'Specport\'s build time includes its checks (specport build checks first); the baseline has none.',
  );
  return result;
}

async function main(): Promise<number> {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major < 22 || (major === 22 && minor < 18)) {
    console.error(`The bench needs Node 22.18 or newer (this is ${process.version}); run it with "npm run bench", which uses the project's pinned Node.`);
    return 2;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  log(`sizes ${options.sizes.join(', ')}${options.skipLarge ? ', no large contract' : ''}${options.skipDev ? ', no dev server' : ''}${options.skipBrowser ? ', no browser' : ''}`);
  const result = await run(options);
  process.stdout.write(`\n${renderReport(result)}`);
  if (options.json) {
    await writeFile(path.resolve(options.json), `${JSON.stringify({ ...result, budgets: evaluateBudgets(result) }, null, 2)}\n`);
    log(`figures written to ${options.json}`);
  }
  log('done');
  return 0;
}

process.exitCode = await main();
