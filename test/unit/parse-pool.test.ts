/**
 * `feature.md`, item files and contracts parsed on the parse worker, and stories rendered there,
 * must give exactly what doing it on the main thread gives: every bundle of the sample content and
 * of the fixtures, broken and hostile ones included, is parsed both ways and compared, and the
 * sample content is linked both ways.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBundle, type ParsedBundle } from '../../src/core/bundle.ts';
import { link } from '../../src/core/link.ts';
import { freezeItems, positionsOf } from '../../src/core/located-positions.ts';
import { STORY_TIME_LIMIT_MS } from '../../src/core/markdown.ts';
import { runParseJob, type FeatureJob } from '../../src/core/parse-jobs.ts';
import { runOffThread } from '../../src/core/parse-pool.ts';
import { scan } from '../../src/core/scan.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

/** Every content root: the sample content, each fixture folder, and each case of the broken and hostile corpora. */
async function contentRoots(): Promise<string[]> {
  const roots = [path.join(import.meta.dirname, '../../content')];
  for (const entry of await readdir(FIXTURES, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(FIXTURES, entry.name);
    roots.push(dir);
    if (entry.name === 'broken' || entry.name === 'hostile') {
      for (const kase of await readdir(dir, { withFileTypes: true })) {
        // Their slow cases (a diagram that hangs, a story that runs into the Markdown time limit)
        // only cost time here: diagrams are parsed by Mermaid's worker either way, and the time
        // limit stops a story on either thread.
        if (kase.isDirectory() && !/^(mermaid|story)-/.test(kase.name)) roots.push(path.join(dir, kase.name));
      }
    }
  }
  return roots;
}

/**
 * A parsed bundle as data: each item's `locate` replaced by the places it answers. A document too
 * deep for the YAML parser is reported at the column where the parser's stack ran out, which
 * depends on how deep the call stack already was (it differs between this test and the CLI too):
 * its line is compared, not its column.
 */
function plain(bundle: ParsedBundle) {
  const { locateMeta, nfrs, threats, edgeCases, diagnostics, ...rest } = bundle;
  return {
    ...rest,
    metaPositions: positionsOf(rest.meta, locateMeta),
    diagnostics: diagnostics.map((d) => (d.message === 'The document nests too deeply to be read.' ? { ...d, column: 0 } : d)),
    nfrs: freezeItems(nfrs),
    threats: freezeItems(threats),
    edgeCases: freezeItems(edgeCases),
  };
}

describe('the parse worker', () => {
  it('parses every bundle of the content and the fixtures to the same result as the main thread', { timeout: 300_000 }, async () => {
    let compared = 0;
    for (const root of await contentRoots()) {
      const { bundles } = await scan([root]);
      for (const bundle of bundles) {
        // No time for diagrams: Mermaid runs in its own worker either way, and hanging cases would take seconds each.
        const options = { hangBudget: { remainingMs: 0 } };
        const here = await parseBundle(bundle, { ...options, offThread: false });
        const there = await parseBundle(bundle, { ...options, offThread: true });
        expect(plain(there), bundle.abs).toEqual(plain(here));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('renders the stories of the sample content as the main thread renders them', { timeout: 120_000 }, async () => {
    const { bundles } = await scan([path.join(import.meta.dirname, '../../content')]);
    const parsed = await Promise.all(bundles.map((bundle) => parseBundle(bundle, { hangBudget: { remainingMs: 0 } })));
    const here = await link(parsed, { offThread: false });
    const there = await link(parsed, { offThread: true });
    expect(there).toEqual(here);
    expect(here.features.filter((f) => f.storyHtml.includes('<a href="/features/')).length).toBeGreaterThan(0);
  });

  it('stops the worker when a story overruns the time limit, reports the story as the main thread does, and goes on', { timeout: 60_000 }, async () => {
    // 80 KB of *a*a*a…: the Markdown parser would run for minutes. The worker runs it without V8's
    // watchdog; only the pool's watch can stop it, after which the main thread gives the verdict.
    const hostile = path.join(FIXTURES, 'hostile/story-emphasis-runs/checkout/feature.md');
    const stuck: FeatureJob = { kind: 'feature', text: await readFile(hostile, 'utf8'), file: 'checkout/feature.md' };
    const started = performance.now();
    const there = await runOffThread(stuck);
    expect(performance.now() - started).toBeGreaterThanOrEqual(STORY_TIME_LIMIT_MS);
    expect(there.story.unreadable?.reason).toBe('timeout');
    expect(there).toEqual(await runParseJob(stuck));
    // The jobs after it run on a new worker, to the same results as here.
    const sample = path.join(import.meta.dirname, '../../content/commerce/checkout/feature.md');
    const next: FeatureJob = { kind: 'feature', text: await readFile(sample, 'utf8'), file: 'commerce/checkout/feature.md' };
    const [a, b] = await Promise.all([runOffThread(next), runOffThread({ ...next, file: 'again/feature.md' })]);
    expect(a).toEqual(await runParseJob(next));
    expect(b.story).toEqual(a.story);
  });
});
