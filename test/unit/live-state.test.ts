/**
 * What a live preview keeps between loads: an edit reads only its bundle again, untouched bundles
 * come from memory, the scan is kept until a file or folder is added or removed, and nothing a
 * change could make stale survives it.
 */
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedBundle } from '../../src/core/bundle.ts';
import { LiveState } from '../../src/core/live-state.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import { bundleKey } from '../../src/core/bundle-key.ts';
import { openParseCache, readPack, type ParseCache } from '../../src/core/parse-cache.ts';
import { loadPortal } from '../../src/core/portal.ts';
import type { Scan } from '../../src/core/scan.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const temp = tempDirs('live-state');
afterAll(closeMermaid);

/** A parse cache in memory that records what it was asked. */
function recordingCache(): ParseCache & { asked: string[] } {
  const stored = new Map<string, ParsedBundle>();
  const asked: string[] = [];
  return {
    asked,
    stats: { hits: 0, misses: 0, unread: 0 },
    key: bundleKey,
    async get(key) {
      asked.push(key);
      return stored.get(key);
    },
    async set(key, bundle) {
      stored.set(key, bundle);
    },
    derived: (_inputs, make) => make(),
    forget(key) {
      stored.delete(key);
    },
    async save() {},
  };
}

const parse = (abs: string, rule = 'feature/ok') => ({ abs, diagnostics: [{ rule }] }) as unknown as ParsedBundle;
const emptyScan: Scan = { base: '/c', bundles: [], diagnostics: [] };

describe('the live state of a preview', () => {
  it('forgets the key and the parse of each bundle that holds a changed file or lies under a changed folder', async () => {
    const state = new LiveState();
    const { keys, cache } = state.forLoad(recordingCache());
    for (const dir of ['/c/shop', '/c/shop/orders', '/c/shop/order-history', '/c/pay/cards']) {
      keys.set(dir, `key of ${dir}`);
      await cache!.set(`key of ${dir}`, parse(dir));
    }
    // A file of a nested bundle changes the parent's parse too: a contract may read it.
    state.changed('/c/shop/orders/sequences/pay.mmd', 'change');
    state.changed('/c/pay', 'unlink');
    state.changed('/c/elsewhere.md', 'change');
    const next = state.forLoad(recordingCache());
    expect(['/c/shop', '/c/shop/orders', '/c/shop/order-history', '/c/pay/cards'].map((d) => next.keys.get(d))).toEqual([undefined, undefined, 'key of /c/shop/order-history', undefined]);
    // The dropped parses are asked of the cache underneath; the kept one is answered from memory.
    const below = recordingCache();
    const again = state.forLoad(below).cache!;
    expect((await again.get('key of /c/shop/order-history'))?.abs).toBe('/c/shop/order-history');
    expect(await again.get('key of /c/shop')).toBeUndefined();
    expect(below.asked).toEqual(['key of /c/shop']);
  });

  it('keeps the scan while files only change, and drops it when one is added or removed', () => {
    const state = new LiveState();
    state.forLoad(undefined).keys.remember(emptyScan);
    state.changed('/c/shop/feature.md', 'change');
    expect(state.forLoad(undefined).keys.scan).toBe(emptyScan);
    state.changed('/c/shop/new.yaml', 'add');
    expect(state.forLoad(undefined).keys.scan).toBeUndefined();
    state.forLoad(undefined).keys.remember(emptyScan);
    state.changed('/c/shop', 'unlink');
    expect(state.forLoad(undefined).keys.scan).toBeUndefined();
  });

  it('drops what a load keeps once a change is reported while it runs', async () => {
    const state = new LiveState();
    const { keys, cache } = state.forLoad(recordingCache());
    state.changed('/c/shop/feature.md', 'add');
    keys.set('/c/shop', 'stale key');
    keys.remember(emptyScan);
    await cache!.set('stale key', parse('/c/shop'));
    const below = recordingCache();
    const next = state.forLoad(below);
    expect(next.keys.get('/c/shop')).toBeUndefined();
    expect(next.keys.scan).toBeUndefined();
    expect(await next.cache!.get('stale key')).toBeUndefined();
  });

  it('never keeps a parse that depends on the machine speed', async () => {
    const state = new LiveState();
    await state.forLoad(recordingCache()).cache!.set('slow', parse('/c/slow', 'mermaid/timeout'));
    const below = recordingCache();
    expect(await state.forLoad(below).cache!.get('slow')).toBeUndefined();
    expect(below.asked).toEqual(['slow']);
  });

  it('loads a portal that reads only the changed bundle again, sees its change, and sees a bundle added', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const dir = await temp();
    const state = new LiveState();
    const before = await loadPortal(root, { configDir: root, ...state.forLoad(await openParseCache(dir, [root])) });
    const [changed, untouched] = before.features;
    const file = path.join(root, changed!.dir, 'feature.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: Changed live'));
    // An edit to another bundle that the watcher did not report is not read: its key is kept.
    const other = path.join(root, untouched!.dir, 'feature.md');
    await writeFile(other, (await readFile(other, 'utf8')).replace(/^title: .*$/m, 'title: Not reported'));
    state.changed(file, 'change');
    const disk = await openParseCache(dir, [root]);
    const after = await loadPortal(root, { configDir: root, ...state.forLoad(disk) });
    // The untouched bundles come from memory: the cache on disk is asked only for the changed one.
    expect(disk.stats).toMatchObject({ hits: 0, misses: 1 });
    const titles = after.features.map((f) => f.meta.title);
    expect(titles).toContain('Changed live');
    expect(titles).not.toContain('Not reported');

    // A new bundle that the watcher did not report as added is not scanned; once reported, it is.
    const copy = path.join(root, 'billing-copy');
    await cp(path.join(root, 'billing'), copy, { recursive: true });
    const copied = path.join(copy, 'feature.md');
    await writeFile(copied, (await readFile(copied, 'utf8')).replace(/^title: .*$/m, 'title: Added live').replace(/^id: .*$/m, 'id: BILLCOPY'));
    state.changed(path.join(root, 'billing', 'context.mmd'), 'change');
    const unreported = await loadPortal(root, { configDir: root, ...state.forLoad(await openParseCache(dir, [root])) });
    expect(unreported.features.map((f) => f.meta.title)).not.toContain('Added live');
    state.changed(copy, 'add');
    const added = await loadPortal(root, { configDir: root, ...state.forLoad(await openParseCache(dir, [root])) });
    expect(added.features.map((f) => f.meta.title)).toContain('Added live');
    await rm(copy, { recursive: true });
    state.changed(copy, 'unlink');
    const removed = await loadPortal(root, { configDir: root, ...state.forLoad(await openParseCache(dir, [root])) });
    expect(removed.features.map((f) => f.meta.title)).not.toContain('Added live');
  }, 60_000);

  it('leaves a pack on disk from which the next start parses nothing, edits included', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const dir = await temp();
    const state = new LiveState();
    // One cache for the whole session, as the dev server keeps it; the preview's own writes are put
    // off by a timer, so the session's end is a write of that cache.
    const session = await openParseCache(dir, [root]);
    const before = await loadPortal(root, { configDir: root, ...state.forLoad(session) });
    await session.save();
    const packed = async () => {
      const pack = (await readdir(dir)).find((f) => f.endsWith('.bin'))!;
      return readPack(await readFile(path.join(dir, pack)))!;
    };
    // Each feature's rendered story is kept too.
    const stories = (await packed()).values.size;
    expect(stories).toBeGreaterThanOrEqual(before.features.length);
    for (const title of ['First edit', 'Second edit']) {
      const file = path.join(root, before.features[0]!.dir, 'feature.md');
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, `title: ${title}`));
      state.changed(file, 'change');
      await loadPortal(root, { configDir: root, ...state.forLoad(session) });
      await session.save();
    }
    const next = await openParseCache(dir, [root]);
    const after = await loadPortal(root, { configDir: root, cache: next });
    expect(after.features.map((f) => f.meta.title)).toContain('Second edit');
    expect(next.stats).toMatchObject({ hits: before.features.length, misses: 0 });
    // The parse of each earlier title was dropped: the pack holds one portal's worth.
    const stored = await packed();
    expect(stored.entries.size).toBe(before.features.length);
    expect(stored.values.size).toBeGreaterThanOrEqual(stories);
  }, 60_000);
});
