/**
 * What a bundle's parse is stored under: the key of its files' names and bytes, where it is, the
 * size limits and Specport's own code; and the status of its files (inode, size, times), which
 * stands for their bytes once they have settled, so that an unchanged bundle is keyed unread.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SizeLimits } from './read.ts';
import type { ScannedBundle } from './scan.ts';

/**
 * How long after a file last changed its status may stand for its bytes: longer than the coarsest
 * file system clock (FAT's two seconds), so that a later change always gives other times.
 */
export const SETTLED_MS = 3_000;

/**
 * The status of a bundle's files as one digest: what its key covers besides the bytes, and for
 * each file its device, inode, mode, size and change times in nanoseconds (as git's index keeps
 * them). Undefined when a file is not a regular file or cannot be read, or when one changed at
 * `settled` (milliseconds since the epoch) or later: a change within the same tick of the file
 * system's clock could leave its times as they were. The change time (ctime) moves with every
 * write and cannot be set back, so restoring a file's modification time does not restore its status.
 */
export function statusOf(bundle: ScannedBundle, limits: SizeLimits, code: string, settled: number): string | undefined {
  const before = BigInt(Math.floor(settled)) * 1_000_000n;
  const hash = createHash('sha256').update(keyPrefix(bundle, limits, code));
  for (const name of bundle.files) {
    let info: BigIntStats;
    try {
      info = statSync(path.join(bundle.abs, name), { bigint: true });
    } catch {
      return undefined;
    }
    if (!info.isFile() || info.mtimeNs >= before || info.ctimeNs >= before) return undefined;
    hash.update(`${name}\0${info.dev}\0${info.ino}\0${info.mode}\0${info.size}\0${info.mtimeNs}\0${info.ctimeNs}\0`);
  }
  return hash.digest('hex');
}

/** What a bundle's key covers besides its files: Specport's code, where the bundle is, the size limits and the links it refused. */
const keyPrefix = (bundle: ScannedBundle, limits: SizeLimits, code: string) => `${code}\0${bundle.abs}\0${bundle.dir}\0${JSON.stringify(limits)}\0${(bundle.refused ?? []).join('\0')}\0`;

/**
 * The key of one bundle: its files' names and bytes, where it is, the size limits and `code`
 * (the digest of Specport itself, from `codeDigest`). Reads every file of the bundle.
 */
export async function bundleKey(bundle: ScannedBundle, limits: SizeLimits, code: string): Promise<string> {
  const hash = createHash('sha256').update(keyPrefix(bundle, limits, code));
  const largest = Math.max(limits.file, limits.contract);
  for (const name of bundle.files) {
    const bytes = keyBytes(path.join(bundle.abs, name), largest);
    hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

/**
 * What a file adds to its bundle's key: its bytes, or, for what parsing refuses unread (a named
 * pipe, whose read would block for ever, a device, a file above every size limit), a marker of
 * what it is, so that the key never reads more than parsing would.
 */
function keyBytes(abs: string, largest: number): Buffer {
  // Synchronous, like read.ts: thousands of small files cost less this way than through promises.
  try {
    const info = statSync(abs);
    if (!info.isFile()) return Buffer.from(`\0not a file ${info.mode}`);
    if (info.size > largest) return Buffer.from(`\0too large ${info.size} ${info.mtimeMs}`);
    return readFileSync(abs);
  } catch (error) {
    return Buffer.from(`\0unreadable ${(error as NodeJS.ErrnoException).code}`);
  }
}

let codeDigestOnce: Promise<string> | undefined;

/**
 * The digest of Specport's parsing code (every file under src/core) and its locked dependencies
 * (package-lock.json), computed once per process. A new version of either is a new cache.
 */
export function codeDigest(): Promise<string> {
  codeDigestOnce ??= (async () => {
    const core = import.meta.dirname;
    const hash = createHash('sha256');
    const files = (await readdir(core, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
    for (const f of [...files, path.resolve(core, '../../package-lock.json')]) {
      hash.update(`${path.relative(core, f)}\0`).update(await readFile(f).catch(() => Buffer.alloc(0)));
    }
    return hash.digest('hex');
  })();
  return codeDigestOnce;
}
