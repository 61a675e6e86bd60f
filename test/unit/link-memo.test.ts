/**
 * A live preview links again after every edit, reusing each bundle's linked feature while the
 * bundle and everything it read of the index are the same (link-memo.ts). Whatever it reuses, a
 * live load must give the portal a fresh load of the same files gives: these tests edit the sample
 * content the ways that reach across features and compare the two after each edit.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { LiveState } from '../../src/core/live-state.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Feature, Portal } from '../../src/core/model.ts';
import { openParseCache } from '../../src/core/parse-cache.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const temp = tempDirs('link-memo');
afterAll(closeMermaid);

const CONTENT = path.join(import.meta.dirname, '../../content');

/** What a page can read of a portal; `recentChanges` and the root differ by nothing the memo touches. */
const published = (portal: Portal) => ({ features: portal.features, catalog: portal.catalog, permalinks: portal.permalinks, diagnostics: portal.diagnostics });

/** The sample content in a folder of its own, a live state over it, and a way to load it both ways. */
async function livePreview() {
  const root = await temp();
  await cp(CONTENT, root, { recursive: true });
  const state = new LiveState();
  const cache = await openParseCache(await temp(), [root]);
  return {
    root,
    live: () => loadPortal(root, { configDir: root, ...state.forLoad(cache) }),
    fresh: () => loadPortal(root, { configDir: root }),
    /** Rewrites a file of the content and tells the live state, as the watcher would. */
    async edit(file: string, change: (text: string) => string) {
      const abs = path.join(root, file);
      const before = await readFile(abs, 'utf8');
      const after = change(before);
      expect(after, `the edit of ${file} changes nothing`).not.toBe(before);
      await writeFile(abs, after);
      state.changed(abs, 'change');
    },
  };
}

/** An item file with one item's field set (or the item removed, for `undefined`). */
function setItem(text: string, list: string, id: string, field: string, value: string | undefined): string {
  const doc = parseDocument(text);
  const items = doc.get(list) as { items: Array<{ get(key: string): unknown; set(key: string, value: unknown): void }> };
  const index = items.items.findIndex((item) => item.get('id') === id);
  expect(index, `${id} is in the file`).toBeGreaterThanOrEqual(0);
  if (value === undefined) doc.deleteIn([list, index]);
  else items.items[index]!.set(field, value);
  return doc.toString();
}

const featureFile = (feature: Feature) => path.join(feature.dir, 'feature.md');
const referencesOf = (feature: Feature) => [
  ...feature.dependsOn,
  ...feature.nfrs.flatMap((n) => n.appliesTo),
  ...feature.threats.flatMap((t) => [...t.targets, ...t.mitigationItems.flatMap((m) => ('ref' in m ? [m.ref] : []))]),
  ...feature.edgeCases.flatMap((e) => e.links),
];
/** The features whose pages another feature's references (and its story's links) lead to. */
const leadsTo = (feature: Feature) =>
  new Set([
    ...referencesOf(feature).flatMap((r) => (r.href?.startsWith('/features/') ? [r.href.split('/')[2]!] : [])),
    ...[...feature.storyHtml.matchAll(/href="\/features\/([^/"#]+)/g)].map((m) => m[1]!),
  ]);

describe('linking again in a live preview', () => {
  it('gives what a fresh load gives after edits that reach across features', async () => {
    const preview = await livePreview();
    const first = await preview.live();
    expect(published(first)).toEqual(published(await preview.fresh()));
    const bySlug = new Map(first.features.map((f) => [f.slug, f]));

    // An NFR that another feature refers to: its statement is the label of those references.
    const referred = first.features.flatMap((f) => f.nfrs.filter((n) => (f.backlinks[n.id] ?? []).some((b) => b.feature !== f.slug)).map((n) => ({ feature: f, nfr: n })))[0];
    expect(referred, 'the sample content has an NFR referred to from another feature').toBeDefined();
    const { feature: owner, nfr } = referred!;
    const referrers = new Set(owner.backlinks[nfr.id]!.map((b) => b.feature).filter((slug) => slug !== owner.slug));
    const nfrFile = nfr.at.file;

    await preview.edit(nfrFile, (text) => setItem(text, 'nfrs', nfr.id, 'statement', 'A statement changed live.'));
    const relabelled = await preview.live();
    expect(published(relabelled)).toEqual(published(await preview.fresh()));
    const labels = relabelled.features.filter((f) => referrers.has(f.slug)).flatMap(referencesOf).filter((r) => r.target === nfr.id).map((r) => r.label);
    expect(labels.length).toBeGreaterThan(0);
    expect(new Set(labels)).toEqual(new Set(['A statement changed live.']));

    // The NFR removed: the references to it dangle; put back, they resolve again.
    const kept = await readFile(path.join(preview.root, nfrFile), 'utf8');
    await preview.edit(nfrFile, (text) => setItem(text, 'nfrs', nfr.id, 'statement', undefined));
    const dangling = await preview.live();
    expect(published(dangling)).toEqual(published(await preview.fresh()));
    expect(dangling.diagnostics.filter((d) => d.rule === 'refs/unresolved' && d.message.includes(nfr.id)).length).toBeGreaterThan(0);
    await preview.edit(nfrFile, () => kept);
    const restored = await preview.live();
    expect(published(restored)).toEqual(published(await preview.fresh()));
    expect(restored.diagnostics.filter((d) => d.rule === 'refs/unresolved')).toEqual([]);

    // A feature's title is the label of every reference to the feature.
    const dependency = restored.features.find((f) => restored.features.some((g) => g.dependsOn.some((r) => r.target === f.slug)))!;
    expect(dependency, 'some feature depends on another').toBeDefined();
    await preview.edit(featureFile(dependency), (text) => text.replace(/^title: .*$/m, 'title: Retitled live'));
    const retitled = await preview.live();
    expect(published(retitled)).toEqual(published(await preview.fresh()));
    expect(retitled.features.flatMap((f) => f.dependsOn).filter((r) => r.target === dependency.slug).map((r) => r.label)).toContain('Retitled live');
    expect(bySlug.size).toBe(retitled.features.length);
  }, 120_000);

  it('checks sequences again when an operation they call moves in another feature', async () => {
    const preview = await livePreview();
    const first = await preview.live();
    // A sequence of one feature that calls an operation of another.
    const calls = first.features.flatMap((caller) =>
      caller.sequences.flatMap((sequence) =>
        sequence.diagram.messages.flatMap((message) =>
          first.features
            .filter((owner) => owner.slug !== caller.slug)
            .flatMap((owner) => owner.contracts.flatMap((contract) => contract.operations.filter((op) => message.text.trim().startsWith(`${op.method} ${op.path}`) && !op.path.includes('{')).map((op) => ({ caller, owner, contract, op })))),
        ),
      ),
    );
    expect(calls.length, 'the sample content has a sequence that calls another feature').toBeGreaterThan(0);
    const { caller, contract, op } = calls[0]!;
    expect(first.diagnostics.filter((d) => d.rule === 'consistency/unknown-call' && d.file.startsWith(caller.dir))).toEqual([]);

    await preview.edit(contract.file, (text) => text.replaceAll(`${op.path}:`, `${op.path}-moved:`).replaceAll(`"${op.path}"`, `"${op.path}-moved"`));
    const moved = await preview.live();
    expect(published(moved)).toEqual(published(await preview.fresh()));
    expect(moved.diagnostics.filter((d) => d.rule === 'consistency/unknown-call' && d.file.startsWith(caller.dir)).length).toBeGreaterThan(0);
  }, 120_000);

  it('keeps the features an edit cannot reach as the same objects', async () => {
    const preview = await livePreview();
    const first = await preview.live();
    // The feature whose references reach the fewest others: an edit of its story reaches only them.
    const edited = [...first.features].sort((a, b) => leadsTo(a).size - leadsTo(b).size)[0]!;
    const reached = leadsTo(edited);
    await preview.edit(featureFile(edited), (text) => `${text.trimEnd()}\n\nA paragraph added live.\n`);
    const after = await preview.live();
    expect(published(after)).toEqual(published(await preview.fresh()));
    const before = new Map(first.features.map((f) => [f.slug, f]));
    const untouched = after.features.filter((f) => f.slug !== edited.slug && !reached.has(f.slug));
    expect(untouched.length).toBeGreaterThan(0);
    for (const feature of untouched) expect(feature, feature.slug).toBe(before.get(feature.slug));
    expect(after.features.find((f) => f.slug === edited.slug)!.storyHtml).toContain('A paragraph added live.');
    // The permanent links of an untouched feature are kept as they were.
    const linksOf = (portal: Portal, slug: string) => portal.permalinks.filter((p) => p.feature === slug);
    for (const feature of untouched) linksOf(after, feature.slug).forEach((p, i) => expect(p).toBe(linksOf(first, feature.slug)[i]));
  }, 120_000);
});
