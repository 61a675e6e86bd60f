/**
 * What a live preview keeps between loads of the same content, so that an edit costs about one
 * bundle rather than the whole portal:
 * - each bundle's key, so that only the bundles a change touched have their files read again;
 * - each key's parse, in memory, so that an untouched bundle is not even read from the parse cache;
 * - the scan, which only an added or removed file or folder can change;
 * - each bundle's linked result with what it read of the index (link-memo.ts).
 *
 * The watcher reports every change (`changed`), which forgets everything the change could make
 * stale. A load still running when a change arrives read some files before it: what it would keep
 * is dropped, and the next load reads again.
 */
import path from 'node:path';
import type { ParsedBundle } from './bundle.ts';
import type { LinkedBundle, Published } from './link.ts';
import { LinkMemo } from './link-memo.ts';
import { dependsOnSpeed, type ParseCache } from './parse-cache.ts';
import type { Scan } from './scan.ts';

/** What the watcher saw: a file's content changed, or a file or folder appeared or went. */
export type ChangeKind = 'change' | 'add' | 'unlink';

/** What one load reads from and keeps in the live state (`loadPortal`'s `keys`). */
export interface LiveKeys {
  /** The key of a bundle no change has touched since it was computed. */
  get(bundleAbs: string): string | undefined;
  set(bundleAbs: string, key: string): void;
  /** The last scan, unless a file or folder has been added or removed since. */
  readonly scan: Scan | undefined;
  remember(scan: Scan): void;
}

/** How long edits must pause before the parse cache is written to disk. */
const SAVE_AFTER_MS = 2000;

export class LiveState {
  /** Bundle folder → its key, while no change has touched the bundle. */
  readonly #keys = new Map<string, string>();
  /** Bundle folder → the last key it had, so that the parse of a replaced key can be dropped. */
  readonly #last = new Map<string, string>();
  /** Key → its parse; shared between loads, as linking never changes a parse. */
  readonly #parsed = new Map<string, ParsedBundle>();
  #scan: Scan | undefined;
  /** Linked results by parse: a parse no longer kept is no longer reachable here either. */
  readonly #memo = new LinkMemo<LinkedBundle, Published>();
  /** Counts the changes reported, so that a load can tell whether one came while it ran. */
  #changes = 0;
  /** The parse cache's next write to disk, put off while edits come. */
  #saving: NodeJS.Timeout | undefined;

  /** How many changes were reported so far: a task begun before an edit can tell that one came. */
  get changes(): number {
    return this.#changes;
  }

  /**
   * A file was added, changed or removed (or a folder, for `add` and `unlink`): the bundles that
   * hold it or lie under it need a new key and a new parse. A contract reads only files under its
   * bundle's folder, and that covers the files it pulls in from a nested bundle too: its key does
   * not change with them, so the parse is dropped, not only the key.
   */
  changed(file: string, kind: ChangeKind = 'add'): void {
    this.#changes++;
    const abs = path.resolve(file);
    for (const [bundle, key] of this.#keys) {
      if (abs === bundle || abs.startsWith(bundle + path.sep) || bundle.startsWith(abs + path.sep)) {
        this.#keys.delete(bundle);
        this.#parsed.delete(key);
      }
    }
    if (kind !== 'change') this.#scan = undefined;
  }

  /**
   * The keys and the cache for one load: `cache` with the kept parses in front of it. What the
   * load keeps is dropped if a change is reported before it does.
   */
  forLoad(cache: ParseCache | undefined): { keys: LiveKeys; cache: ParseCache | undefined; memo: LinkMemo<LinkedBundle, Published> } {
    const changes = this.#changes;
    const current = () => changes === this.#changes;
    const keys: LiveKeys = {
      get: (bundleAbs) => this.#keys.get(bundleAbs),
      set: (bundleAbs, key) => {
        if (!current()) return;
        const last = this.#last.get(bundleAbs);
        if (last !== undefined && last !== key) {
          // The bundle changed: its earlier parse leaves memory and the pack the cache writes.
          this.#parsed.delete(last);
          cache?.forget(last);
        }
        this.#keys.set(bundleAbs, key);
        this.#last.set(bundleAbs, key);
      },
      scan: this.#scan,
      remember: (scan) => {
        if (current()) this.#scan = scan;
      },
    };
    const memo = this.#memo;
    if (!cache) return { keys, cache, memo };
    const parsed = this.#parsed;
    return {
      keys,
      memo,
      cache: {
        ...cache,
        async get(key) {
          const kept = parsed.get(key);
          if (kept) return kept;
          const read = await cache.get(key);
          if (read && current()) parsed.set(key, read);
          return read;
        },
        async set(key, bundle) {
          if (current() && !dependsOnSpeed(bundle)) parsed.set(key, bundle);
          await cache.set(key, bundle);
        },
        // The pack on disk serves only the next start; writing it (the whole portal's parses) after
        // every edit would cost more than the edit. It is written once edits pause.
        save: async () => {
          clearTimeout(this.#saving);
          this.#saving = setTimeout(() => void cache.save(), SAVE_AFTER_MS).unref();
        },
      },
    };
  }
}
