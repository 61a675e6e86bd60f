/**
 * `feature.md`, item files and contracts parsed on the parse worker, and stories rendered there,
 * must give exactly what doing it on the main thread gives: every bundle of the sample content and
 * of the fixtures, broken and hostile ones included, is parsed both ways and compared, and the
 * sample content is linked both ways.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBundle, type ParsedBundle } from '../../src/core/bundle.ts';
import { link } from '../../src/core/link.ts';
import { freezeLocated, positionsOf } from '../../src/core/located-positions.ts';
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
    nfrs: freezeLocated(nfrs),
    threats: freezeLocated(threats),
    edgeCases: freezeLocated(edgeCases),
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
});
