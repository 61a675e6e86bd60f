/**
 * The parse cache: each bundle's parse result, kept on disk under a digest of everything it was
 * parsed from, so that `check`, `build` (which checks, then loads the content again inside Astro)
 * and the dev server parse only the bundles that changed. Parsing is most of a check's time:
 * Mermaid's parser, the OpenAPI bundler and YAML; linking is cheap and always runs.
 *
 * The digest covers the bytes and names of the bundle's files, its place, the size limits and
 * Specport's own code and locked dependencies, so a stale entry can never be read: a change to any
 * of them is a new key. Files a contract pulled in from outside the bundle's own file list are
 * checked by their digests too. Results that depend on the machine's speed (a diagram or story
 * that ran out of time) are never stored.
 *
 * One pack file per set of content roots holds the entries the last run used, so the cache never
 * grows past one portal's worth. A cache that cannot be read or written is simply not used.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ParsedBundle } from './bundle.ts';
import { bundleKey, SETTLED_MS, statusOf } from './bundle-key.ts';
import { freezeItems, locator, positionsOf, reviveItems, type FrozenItems, type Positions } from './located-positions.ts';
import type { SizeLimits } from './read.ts';
import type { ScannedBundle } from './scan.ts';

/** Rules whose findings depend on how fast the machine is; a bundle with one is parsed again next time. */
const TIME_DEPENDENT = new Set(['mermaid/timeout', 'feature/story-unreadable']);


/**
 * A parsed bundle as stored: its `locate` functions replaced by the positions they answer, and its
 * contracts without their documents, which are stored apart (see `Stored`).
 */
type Frozen = Omit<ParsedBundle, 'locateMeta' | 'nfrs' | 'threats' | 'edgeCases' | 'contracts'> & {
  contracts: Array<{ contract: ParsedBundle['contracts'][number]['contract'] }>;
  metaPositions: Positions;
  nfrs: FrozenItems;
  threats: FrozenItems;
  edgeCases: FrozenItems;
};

interface Stored {
  /** The frozen bundle, serialised: each read gives a fresh copy that linking may change. */
  bundle: Buffer;
  /**
   * Its contracts' documents, serialised apart and read only when asked for: a check links the
   * operations the contracts declare and never looks at the documents, a sixth of a bundle.
   */
  documents: Buffer;
  /** Files read from outside the bundle's file list (a contract's `$ref` into a nested folder), with their digests. */
  outside: Array<[abs: string, digest: string]>;
}

export interface ParseCache {
  /**
   * The key of `bundle` (see `bundleKey`). A bundle whose files' status (inode, size, times) is
   * the one they had when its key was last made, long enough after they last changed, gets that
   * key again without its files being read.
   */
  key(bundle: ScannedBundle, limits: SizeLimits, code: string): Promise<string>;
  /** The parse result stored under `key`, if its outside files are unchanged. */
  get(key: string): Promise<ParsedBundle | undefined>;
  /** Stores a fresh parse result (unless it depends on the machine's speed). */
  set(key: string, bundle: ParsedBundle): Promise<void>;
  /**
   * A value derived from text alone (a rendered story), stored under the digest of `inputs`:
   * computed by `make` on a miss; a result `keep` rejects is returned but not stored.
   */
  derived<T>(inputs: unknown, make: () => Promise<T>, keep?: (value: T) => boolean): Promise<T>;
  /**
   * Drops the entry under `key`: a live preview's bundle changed, so its earlier parse will not be
   * asked for again.
   */
  forget(key: string): void;
  /** Writes the entries used since the cache was opened, and only those, to disk. */
  save(): Promise<void>;
  /** Hits and misses since the cache was opened, and how many keys were known from their files' status. */
  readonly stats: { hits: number; misses: number; unread: number };
}

export interface CacheOptions {
  /** The clock that tells whether a file changed too recently for its status to stand for its bytes; `Date.now` by default. */
  now?: () => number;
}

/** The pack's layout; a pack of another layout reads as no cache. */
const FORMAT = 3;

/**
 * A pack: the length of its header (4 bytes, little-endian), the header (V8-serialised: the
 * layout, each entry's key, outside files and lengths, each value's key and length), then the
 * bytes of the entries (each bundle, then its documents) and of the values, one after another. The bytes go to disk and come back as they
 * are: writing gathers the buffers, reading makes views into the file's buffer, and neither copies
 * the whole pack through V8's serialiser (a live preview writes it while edits come).
 */
interface PackHeader {
  format: number;
  entries: Array<[key: string, outside: Stored['outside'], length: number, documentsLength: number]>;
  values: Array<[key: string, length: number]>;
}

/** The entries and values of a pack, or undefined when it has another layout. Throws when it is damaged. */
export function readPack(bytes: Buffer): { entries: Map<string, Stored>; values: Map<string, Buffer> } | undefined {
  const headerLength = bytes.readUInt32LE(0);
  const header = deserialize(bytes.subarray(4, 4 + headerLength)) as PackHeader;
  if (header?.format !== FORMAT || !Array.isArray(header.entries) || !Array.isArray(header.values)) return undefined;
  let offset = 4 + headerLength;
  const take = (length: number) => {
    if (offset + length > bytes.length) throw new Error('The pack is shorter than its header says.');
    offset += length;
    return bytes.subarray(offset - length, offset);
  };
  const entries = new Map(header.entries.map(([key, outside, length, documentsLength]) => [key, { bundle: take(length), documents: take(documentsLength), outside }]));
  const values = new Map(header.values.map(([key, length]) => [key, take(length)]));
  return { entries, values };
}

/** Writes a pack of `entries` and `values` to `file`. */
async function writePack(file: string, entries: ReadonlyMap<string, Stored>, values: ReadonlyMap<string, Buffer>): Promise<void> {
  const header = serialize({
    format: FORMAT,
    entries: [...entries].map(([key, { outside, bundle, documents }]) => [key, outside, bundle.length, documents.length]),
    values: [...values].map(([key, value]) => [key, value.length]),
  } satisfies PackHeader);
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(header.length);
  const parts = [headerLength, header, ...[...entries.values()].flatMap((stored) => [stored.bundle, stored.documents]), ...values.values()];
  const handle = await open(file, 'w');
  try {
    // A few hundred buffers per call: the system takes a limited number at once.
    for (let i = 0; i < parts.length; i += 512) {
      const chunk = parts.slice(i, i + 512);
      const { bytesWritten } = await handle.writev(chunk);
      if (bytesWritten !== chunk.reduce((sum, part) => sum + part.length, 0)) throw new Error('The pack was not written whole.');
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens the cache for one set of content roots in `dir` (created when first saved). Reading a
 * missing or damaged pack gives an empty cache.
 */
export async function openParseCache(dir: string, roots: readonly string[], { now = Date.now }: CacheOptions = {}): Promise<ParseCache> {
  const name = `parse-${digest(roots.map((r) => path.resolve(r)).join('\0')).slice(0, 16)}`;
  const file = path.join(dir, `${name}.bin`);
  const statusFile = path.join(dir, `${name}.status`);
  let entries = new Map<string, Stored>();
  let values = new Map<string, Buffer>();
  let statuses = new Map<string, string>();
  try {
    const packed = readPack(await readFile(file));
    if (packed) ({ entries, values } = packed);
  } catch {
    // No cache yet, or a damaged pack: start empty.
  }
  try {
    statuses = readStatuses(await readFile(statusFile)) ?? statuses;
  } catch {
    // No statuses yet, or damaged: every bundle's files are read for its key.
  }
  const used = new Map<string, Stored>();
  const usedValues = new Map<string, Buffer>();
  const usedStatuses = new Map<string, string>();
  /** Whether a status was learnt since the statuses were read or written. */
  let learnt = false;
  const stats = { hits: 0, misses: 0, unread: 0 };
  /** Counts what was stored or dropped; `onDisk` is the count the pack on disk holds. */
  let stores = 0;
  let onDisk = 0;
  return {
    stats,
    async key(bundle, limits, code) {
      const status = statusOf(bundle, limits, code, now() - SETTLED_MS);
      const known = status === undefined ? undefined : (usedStatuses.get(status) ?? statuses.get(status));
      if (status !== undefined && known !== undefined) {
        usedStatuses.set(status, known);
        stats.unread++;
        return known;
      }
      // The status was taken before the files are read: a file that changes in between has
      // another status next time, so the status can never stand for bytes older than its own.
      const key = await bundleKey(bundle, limits, code);
      if (status !== undefined) {
        usedStatuses.set(status, key);
        learnt = true;
      }
      return key;
    },
    async get(key) {
      const stored = used.get(key) ?? entries.get(key);
      if (!stored || !(await outsideUnchanged(stored.outside))) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      used.set(key, stored);
      return revive(deserialize(stored.bundle) as Frozen, stored.documents);
    },
    async set(key, bundle) {
      if (dependsOnSpeed(bundle)) return;
      const stored = {
        bundle: serialize(freeze(bundle)),
        documents: serialize(bundle.contracts.map(({ document }) => document)),
        outside: await outsideFiles(bundle),
      };
      entries.set(key, stored);
      used.set(key, stored);
      stores++;
    },
    async derived(inputs, make, keep = () => true) {
      const key = digest(serialize(inputs));
      const stored = usedValues.get(key) ?? values.get(key);
      if (stored) {
        usedValues.set(key, stored);
        return deserialize(stored);
      }
      const value = await make();
      if (keep(value)) {
        usedValues.set(key, serialize(value));
        stores++;
      }
      return value;
    },
    forget(key) {
      // What was used is always among the entries: `get` takes from them, `set` adds to both.
      if (!entries.delete(key)) return;
      used.delete(key);
      stores++;
    },
    async save() {
      if (used.size === 0 && usedValues.size === 0) return;
      // Nothing stored since the pack was read or written, and all of it used: the pack on disk
      // already holds what would be written (a check or build of unchanged content).
      const unchanged = stores === onDisk && used.size === entries.size && usedValues.size === values.size;
      if (!unchanged) {
        // What is stored while the pack is written goes into the next one.
        const writing = stores;
        try {
          await mkdir(dir, { recursive: true });
          const temp = `${file}.${process.pid}.tmp`;
          await writePack(temp, used, usedValues);
          await rename(temp, file);
          await prune(dir);
          onDisk = writing;
        } catch {
          // A read-only or full disk: the next run parses again.
        }
      } else {
        // Marked as just used, so that pruning keeps it over the packs of portals built once.
        const now = new Date();
        await utimes(file, now, now).catch(() => {});
      }
      if (learnt || usedStatuses.size !== statuses.size) {
        learnt = false;
        await writeStatuses(statusFile, usedStatuses, new Set(used.keys())).catch(() => {});
      }
      // What was used stays used: a live preview asks again only for the bundles that change.
      entries = new Map(used);
      values = new Map(usedValues);
      statuses = new Map(usedStatuses);
    },
  };
}

/** The statuses file: its layout, then each status with the key it stands for. */
interface StatusFile {
  format: number;
  statuses: Array<[status: string, key: string]>;
}

/** The statuses of a statuses file, or undefined when it has another layout. */
function readStatuses(bytes: Buffer): Map<string, string> | undefined {
  const read = deserialize(bytes) as StatusFile;
  if (read?.format !== FORMAT || !Array.isArray(read.statuses)) return undefined;
  return new Map(read.statuses.filter((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string'));
}

/** Writes the statuses whose keys are among `keys` (the entries the pack keeps), so that the file never outgrows the pack. */
async function writeStatuses(file: string, statuses: ReadonlyMap<string, string>, keys: ReadonlySet<string>): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, serialize({ format: FORMAT, statuses: [...statuses].filter(([, key]) => keys.has(key)) } satisfies StatusFile));
  await rename(temp, file);
}

/** Packs kept: one per set of content roots, the most recently written first. */
const MAX_PACKS = 8;

/** Removes all but the newest packs, with their statuses, so that portals built once (tests, previews) do not pile up. */
async function prune(dir: string): Promise<void> {
  const packs = (await readdir(dir)).filter((name) => /^parse-[0-9a-f]+\.bin$/.test(name)).map((name) => path.join(dir, name));
  if (packs.length <= MAX_PACKS) return;
  const dated = await Promise.all(packs.map(async (file) => ({ file, time: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.time - a.time);
  await Promise.all(dated.slice(MAX_PACKS).flatMap(({ file }) => [file, file.replace(/\.bin$/, '.status')]).map((file) => rm(file, { force: true })));
}

const digest = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');


/** Whether a parse result depends on the machine's speed (something ran out of time): never kept. */
export const dependsOnSpeed = (bundle: ParsedBundle) => bundle.diagnostics.some((d) => TIME_DEPENDENT.has(d.rule));

async function outsideFiles(bundle: ParsedBundle): Promise<Stored['outside']> {
  const own = new Set(bundle.files);
  const root = bundle.dir === '.' ? bundle.abs : bundle.abs.slice(0, bundle.abs.length - bundle.dir.length - 1);
  const outside = bundle.contracts.flatMap(({ contract }) => (contract.includes ?? []).filter((f) => !own.has(f))).map((f) => path.join(root, f));
  return Promise.all([...new Set(outside)].map(async (abs) => [abs, await fileDigest(abs)] as [string, string]));
}

async function outsideUnchanged(outside: Stored['outside']): Promise<boolean> {
  for (const [abs, expected] of outside) if ((await fileDigest(abs)) !== expected) return false;
  return true;
}

const fileDigest = (abs: string) => readFile(abs).then(digest, () => 'missing');

function freeze(bundle: ParsedBundle): Frozen {
  const { locateMeta, nfrs, threats, edgeCases, contracts, ...rest } = bundle;
  return {
    ...rest,
    contracts: contracts.map(({ contract }) => ({ contract })),
    metaPositions: positionsOf(bundle.meta, locateMeta),
    nfrs: freezeItems(nfrs),
    threats: freezeItems(threats),
    edgeCases: freezeItems(edgeCases),
  };
}

/** The bundle again, each contract's document read from `documents` when it is first asked for. */
function revive(frozen: Frozen, documents: Buffer): ParsedBundle {
  const { metaPositions, nfrs, threats, edgeCases, contracts, ...rest } = frozen;
  let read: Array<Record<string, unknown>> | undefined;
  return {
    ...rest,
    contracts: contracts.map(({ contract }, i) => ({
      contract,
      get document() {
        read ??= deserialize(documents) as Array<Record<string, unknown>>;
        return read[i]!;
      },
    })),
    locateMeta: locator(metaPositions),
    nfrs: reviveItems(nfrs),
    threats: reviveItems(threats),
    edgeCases: reviveItems(edgeCases),
  } as ParsedBundle;
}

/**
 * Where the cache lives: `SPECPORT_CACHE_DIR` when set (empty turns the cache off), else
 * `node_modules/.cache/specport` of the project, where build tools keep their caches.
 */
export function parseCacheDir(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env['SPECPORT_CACHE_DIR'];
  if (chosen === '') return undefined;
  return chosen ? path.resolve(chosen) : path.join(projectRoot, 'node_modules', '.cache', 'specport');
}
