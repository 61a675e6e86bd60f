/**
 * The parse cache: a portal loaded from cached parse results is the portal parsed afresh, down
 * to every diagnostic's line; only changed bundles are parsed again; results that depend on the
 * machine's speed are never kept; a damaged cache is no cache.
 */
import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBundle, type ParsedBundle } from '../../src/core/bundle.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Portal } from '../../src/core/model.ts';
import { bundleKey, codeDigest } from '../../src/core/bundle-key.ts';
import { openParseCache, parseCacheDir } from '../../src/core/parse-cache.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { SIZE_LIMITS } from '../../src/core/read.ts';
import { scan } from '../../src/core/scan.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const SAMPLE = path.join(import.meta.dirname, '../../content');
const HOSTILE = path.join(import.meta.dirname, '../fixtures/hostile');
const temp = tempDirs('parse-cache');

afterAll(closeMermaid);

/** Everything a portal publishes or reports, as JSON (the `locate` functions are not data). */
const published = (portal: Portal) => JSON.stringify({ features: portal.features, documents: [...portal.documents], diagnostics: portal.diagnostics });

async function loadTwice(roots: string | string[], configDir: string) {
  const dir = await temp();
  const fresh = await loadPortal(roots, { configDir });
  const cold = await openParseCache(dir, [roots].flat());
  const first = await loadPortal(roots, { configDir, cache: cold });
  const warm = await openParseCache(dir, [roots].flat());
  const second = await loadPortal(roots, { configDir, cache: warm });
  return { fresh, first, second, cold: cold.stats, warm: warm.stats };
}

describe('a portal loaded through the cache', () => {
  it('is the sample portal parsed afresh, and the second load parses nothing', async () => {
    const { fresh, first, second, cold, warm } = await loadTwice(SAMPLE, SAMPLE);
    expect(fresh.features.length).toBeGreaterThanOrEqual(5);
    expect(published(first)).toBe(published(fresh));
    expect(published(second)).toBe(published(fresh));
    expect(cold).toMatchObject({ hits: 0, misses: fresh.features.length });
    expect(warm).toMatchObject({ hits: fresh.features.length, misses: 0 });
  }, 120_000);

  // Dangling and malformed references are reported where they were written, which the cache
  // must remember without the YAML documents it parsed them from.
  for (const kase of ['ref-nfr', 'ref-threat', 'ref-edge', 'ref-feature', 'ref-op', 'ref-escape-attempts', 'ids-duplicate-feature-key', 'import-broken-threat-model-json', 'warn-consistency-path-regex']) {
    it(`reports ${kase}'s problems at the same lines as a fresh parse`, async () => {
      const root = path.join(HOSTILE, kase);
      const { fresh, second, warm } = await loadTwice(root, root);
      expect(fresh.diagnostics.length).toBeGreaterThan(0);
      expect(second.diagnostics).toEqual(fresh.diagnostics);
      expect(published(second)).toBe(published(fresh));
      expect(warm.misses).toBe(0);
    }, 60_000);
  }

  it('parses again only the bundle whose file changed, and sees the change', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const dir = await temp();
    const before = await loadPortal(root, { configDir: root, cache: await openParseCache(dir, [root]) });
    const feature = before.features[0]!;
    const file = path.join(root, feature.dir, 'feature.md');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: Renamed on purpose'));
    const cache = await openParseCache(dir, [root]);
    const after = await loadPortal(root, { configDir: root, cache });
    expect(cache.stats).toMatchObject({ hits: before.features.length - 1, misses: 1 });
    expect(after.features.map((f) => f.meta.title)).toContain('Renamed on purpose');
  }, 60_000);
});

/** A clock a minute ahead: files written by the test look settled to it. */
const later = () => Date.now() + 60_000;

describe("a bundle's key, known from its files' status", () => {
  /** A file that keeps `file`'s times to the nanosecond (touch -r copies them exactly; utimes rounds). */
  async function keepTimes(file: string) {
    const reference = path.join(await temp(), 'times');
    await writeFile(reference, '');
    execFileSync('touch', ['-r', file, reference]);
    return reference;
  }
  const putBack = (reference: string, file: string) => execFileSync('touch', ['-r', reference, file]);

  async function copyOfValid() {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    return root;
  }

  it('is found without reading the files once they have settled, and the portal is the same', async () => {
    const root = await copyOfValid();
    const dir = await temp();
    const fresh = await loadPortal(root, { configDir: root });
    const first = await openParseCache(dir, [root], { now: later });
    await loadPortal(root, { configDir: root, cache: first });
    expect(first.stats).toEqual({ hits: 0, misses: fresh.features.length, unread: 0 });
    const second = await openParseCache(dir, [root], { now: later });
    const again = await loadPortal(root, { configDir: root, cache: second });
    expect(second.stats).toEqual({ hits: fresh.features.length, misses: 0, unread: fresh.features.length });
    expect(published(again)).toBe(published(fresh));
  }, 60_000);

  it('is not taken from the status of files that changed within the last seconds', async () => {
    const root = await copyOfValid();
    const dir = await temp();
    // The files were just written: on the real clock, a change in the same tick could keep their times.
    await loadPortal(root, { configDir: root, cache: await openParseCache(dir, [root]) });
    const cache = await openParseCache(dir, [root]);
    const portal = await loadPortal(root, { configDir: root, cache });
    expect(cache.stats).toEqual({ hits: portal.features.length, misses: 0, unread: 0 });
  }, 60_000);

  it('is read again after an edit that keeps the size and puts the modification time back', async () => {
    const root = await copyOfValid();
    const dir = await temp();
    const before = await loadPortal(root, { configDir: root, cache: await openParseCache(dir, [root], { now: later }) });
    const feature = before.features[0]!;
    const file = path.join(root, feature.dir, 'feature.md');
    const { ino, size, mtimeNs } = await stat(file, { bigint: true });
    const times = await keepTimes(file);
    const text = await readFile(file, 'utf8');
    const edited = text.replace(feature.meta.title, 'X'.repeat(feature.meta.title.length));
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    putBack(times, file);
    // Everything but the change time is as it was, to the nanosecond.
    expect(await stat(file, { bigint: true })).toMatchObject({ ino, size, mtimeNs });
    const cache = await openParseCache(dir, [root], { now: later });
    const after = await loadPortal(root, { configDir: root, cache });
    expect(cache.stats).toEqual({ hits: before.features.length - 1, misses: 1, unread: before.features.length - 1 });
    expect(after.features.map((f) => f.meta.title)).toContain('X'.repeat(feature.meta.title.length));
  }, 60_000);

  it('is read again when a file is replaced by another of the same size and times, or the bundle gains a file', async () => {
    const root = await copyOfValid();
    const dir = await temp();
    const before = await loadPortal(root, { configDir: root, cache: await openParseCache(dir, [root], { now: later }) });
    const [first, second] = before.features;
    // A new file (a new inode) with the old one's size and times, as a copy that keeps them would leave.
    const file = path.join(root, first!.dir, 'feature.md');
    const { size, mtimeNs } = await stat(file, { bigint: true });
    const times = await keepTimes(file);
    const text = await readFile(file, 'utf8');
    await rm(file);
    await writeFile(file, text.replace(first!.meta.title, 'Y'.repeat(first!.meta.title.length)));
    putBack(times, file);
    expect(await stat(file, { bigint: true })).toMatchObject({ size, mtimeNs });
    await writeFile(path.join(root, second!.dir, 'notes.md'), 'A stray note.\n');
    const cache = await openParseCache(dir, [root], { now: later });
    const after = await loadPortal(root, { configDir: root, cache });
    expect(cache.stats).toMatchObject({ misses: 2, unread: before.features.length - 2 });
    expect(after.features.map((f) => f.meta.title)).toContain('Y'.repeat(first!.meta.title.length));
    expect(after.diagnostics.some((d) => d.file.endsWith(`${second!.dir}/notes.md`))).toBe(true);
  }, 60_000);

  it('is read again when the statuses are damaged, and the statuses are written anew', async () => {
    const root = await copyOfValid();
    const dir = await temp();
    await loadPortal(root, { configDir: root, cache: await openParseCache(dir, [root], { now: later }) });
    const [statuses] = (await readdir(dir)).filter((f) => f.endsWith('.status'));
    expect(statuses).toMatch(/^parse-[0-9a-f]+\.status$/);
    await writeFile(path.join(dir, statuses!), 'not statuses');
    const damaged = await openParseCache(dir, [root], { now: later });
    const portal = await loadPortal(root, { configDir: root, cache: damaged });
    expect(damaged.stats).toEqual({ hits: portal.features.length, misses: 0, unread: 0 });
    const mended = await openParseCache(dir, [root], { now: later });
    await loadPortal(root, { configDir: root, cache: mended });
    expect(mended.stats).toEqual({ hits: portal.features.length, misses: 0, unread: portal.features.length });
  }, 60_000);
});

describe('the cache itself', () => {
  it('does not keep a bundle whose diagram ran out of time', async () => {
    const root = path.join(HOSTILE, 'mermaid-hang-style-regex');
    const [bundle] = (await scan([root])).bundles;
    const parsed = await parseBundle(bundle!, {});
    expect(parsed.diagnostics.map((d) => d.rule)).toContain('mermaid/timeout');
    const cache = await openParseCache(await temp(), [root]);
    const key = await bundleKey(bundle!, SIZE_LIMITS, await codeDigest());
    await cache.set(key, parsed);
    expect(await cache.get(key)).toBeUndefined();
  }, 60_000);

  it('hands back each contract with its document as parsed, read from the pack only when asked for', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const bundles = (await scan([root])).bundles;
    const code = await codeDigest();
    const dir = await temp();
    const cache = await openParseCache(dir, [root]);
    const fresh = new Map<string, ParsedBundle>();
    for (const bundle of bundles) {
      const key = await bundleKey(bundle, SIZE_LIMITS, code);
      fresh.set(key, await parseBundle(bundle, {}));
      await cache.set(key, fresh.get(key)!);
    }
    await cache.save();
    const reopened = await openParseCache(dir, [root]);
    let contracts = 0;
    for (const [key, parsed] of fresh) {
      const cached = (await reopened.get(key))!;
      for (const [i, { contract, document }] of parsed.contracts.entries()) {
        const back = cached.contracts[i]!;
        expect(Object.getOwnPropertyDescriptor(back, 'document')?.get).toBeTypeOf('function');
        expect(back.contract).toEqual(contract);
        expect(back.document).toEqual(document);
        // Each read is a copy of its own: what one load changes, the next does not see.
        expect(back.document).toBe(back.document);
        expect((await reopened.get(key))!.contracts[i]!.document).not.toBe(back.document);
        contracts++;
      }
    }
    expect(contracts).toBeGreaterThan(0);
  }, 60_000);

  it('keys a bundle by its bytes, its place and the size limits', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const [bundle] = (await scan([root])).bundles;
    const code = await codeDigest();
    const key = await bundleKey(bundle!, SIZE_LIMITS, code);
    expect(await bundleKey(bundle!, SIZE_LIMITS, code)).toBe(key);
    expect(await bundleKey(bundle!, { ...SIZE_LIMITS, file: SIZE_LIMITS.file + 1 }, code)).not.toBe(key);
    expect(await bundleKey(bundle!, SIZE_LIMITS, `${code}x`)).not.toBe(key);
    expect(await bundleKey({ ...bundle!, abs: `${bundle!.abs}-moved` }, SIZE_LIMITS, code)).not.toBe(key);
    const nfr = path.join(bundle!.abs, bundle!.files.find((f) => f.endsWith('.yaml'))!);
    await writeFile(nfr, `${await readFile(nfr, 'utf8')}\n# one more line\n`);
    expect(await bundleKey(bundle!, SIZE_LIMITS, code)).not.toBe(key);
  });

  it('keys a named pipe and a file above every limit without reading them', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const [bundle] = (await scan([root])).bundles;
    const code = await codeDigest();
    const before = await bundleKey(bundle!, SIZE_LIMITS, code);
    // Reading a pipe that no one writes to never ends: the key must stat it, not read it.
    execFileSync('mkfifo', [path.join(bundle!.abs, 'notes.yaml')]);
    await writeFile(path.join(bundle!.abs, 'huge.json'), '');
    await truncate(path.join(bundle!.abs, 'huge.json'), 100);
    const small = { file: 10, contract: 10 };
    const keyed = { ...bundle!, files: [...bundle!.files, 'notes.yaml', 'huge.json'] };
    const withBoth = await bundleKey(keyed, small, code);
    expect(withBoth).not.toBe(before);
    await truncate(path.join(bundle!.abs, 'huge.json'), 200);
    expect(await bundleKey(keyed, small, code)).not.toBe(withBoth);
  });

  it('treats a damaged pack as an empty cache', async () => {
    const dir = await temp();
    const valid = path.join(import.meta.dirname, '../fixtures/portal-valid');
    const roots = [valid];
    await loadPortal(valid, { cache: await openParseCache(dir, roots) });
    const [pack] = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
    expect(pack).toMatch(/^parse-[0-9a-f]+\.bin$/);
    const whole = await readFile(path.join(dir, pack!));
    for (const damaged of [Buffer.from('not a cache'), whole.subarray(0, whole.length - 1), whole.subarray(0, 3)]) {
      await writeFile(path.join(dir, pack!), damaged);
      const cache = await openParseCache(dir, roots);
      const portal = await loadPortal(valid, { cache });
      expect(portal.features.length).toBeGreaterThan(0);
      expect(cache.stats.hits).toBe(0);
    }
    // Written again whole by the last load: read back, every bundle is found.
    const cache = await openParseCache(dir, roots);
    const portal = await loadPortal(valid, { cache });
    expect(cache.stats).toMatchObject({ hits: portal.features.length, misses: 0 });
  }, 60_000);

  it('writes the pack again only when it would change', async () => {
    const root = await temp();
    await cp(path.join(import.meta.dirname, '../fixtures/portal-valid'), root, { recursive: true });
    const dir = await temp();
    const load = async () => loadPortal(root, { configDir: root, cache: await openParseCache(dir, [root]) });
    // A rename puts a new file (a new inode) in place of the pack: the inode tells whether it was written.
    const written = async () => {
      const [pack] = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
      return (await stat(path.join(dir, pack!))).ino;
    };
    const portal = await load();
    const first = await written();
    await load();
    expect(await written()).toBe(first);
    const feature = path.join(root, portal.features[0]!.dir, 'feature.md');
    await writeFile(feature, (await readFile(feature, 'utf8')).replace(/^title: .*$/m, 'title: Renamed on purpose'));
    await load();
    const second = await written();
    expect(second).not.toBe(first);
    // One bundle fewer: its entry must leave the pack, so it is written again.
    await rm(path.join(root, portal.features[1]!.dir), { recursive: true });
    await load();
    expect(await written()).not.toBe(second);
  }, 60_000);

  it('keeps the newest packs only, one per set of content roots', async () => {
    const dir = await temp();
    const valid = path.join(import.meta.dirname, '../fixtures/portal-valid');
    for (let i = 0; i < 10; i++) {
      await loadPortal(valid, { cache: await openParseCache(dir, [valid, `/nowhere/${i}`], { now: later }) });
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.bin'))).toHaveLength(8);
    // Each pack's statuses go with it.
    expect((await readdir(dir)).filter((f) => f.endsWith('.status'))).toHaveLength(8);
  }, 60_000);

  it('lives in node_modules/.cache/specport unless SPECPORT_CACHE_DIR says otherwise, and is off when that is empty', () => {
    expect(parseCacheDir('/project', {})).toBe(path.join('/project', 'node_modules', '.cache', 'specport'));
    expect(parseCacheDir('/project', { SPECPORT_CACHE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(parseCacheDir('/project', { SPECPORT_CACHE_DIR: '' })).toBeUndefined();
  });
});
