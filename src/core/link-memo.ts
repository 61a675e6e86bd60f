/**
 * Linking one bundle reads a few entries of the portal index: the targets its references name.
 * A live preview relinks the whole portal after every edit, yet an edit changes one bundle. The
 * memo keeps each bundle's linked result with what it read, and a later run reuses the result as
 * long as the bundle is the same parse and every entry it read holds the same target (compared by
 * value, as the index is rebuilt every run). A bundle that read the index as a whole (the
 * "did you mean" of a dangling reference walks every key) is linked again every run.
 */
import type { ParsedBundle } from './bundle.ts';
import type { IndexReader, PortalIndex, Target } from './index-items.ts';

type Part = keyof PortalIndex;
type Found = Target | readonly Target[] | undefined;

interface Entry<T> {
  linked: T;
  reads: ReadonlyArray<{ part: Part; key: string; found: Found }>;
  /** What the bundle's sequences were checked against, when it has any. */
  checkedAgainst: string | undefined;
}

export class LinkMemo<T extends object, P = unknown> {
  #settings: string | undefined;
  #entries = new WeakMap<ParsedBundle, Entry<T>>();
  /**
   * What a run last made of each kept result (the feature it published), so that a feature whose
   * backlinks did not change either stays the same object, and what is derived from it later
   * (permanent links) can be kept too.
   */
  readonly published = new WeakMap<T, P>();

  /**
   * Starts a run over a new index. `settings` (the options that shape every linked result) must be
   * the same as the last run's for anything to be reused. `checkedAgainst` gives what sequences are
   * checked against in this index, as a string; it is asked for at most once per run.
   */
  run(index: PortalIndex, settings: string, checkedAgainst: () => string): LinkRun<T> {
    if (settings !== this.#settings) this.#entries = new WeakMap();
    this.#settings = settings;
    return new LinkRun(index, this.#entries, checkedAgainst);
  }
}

export class LinkRun<T extends object> {
  readonly #index: PortalIndex;
  readonly #entries: WeakMap<ParsedBundle, Entry<T>>;
  readonly #checkedAgainst: () => string;
  #signature: string | undefined;

  constructor(index: PortalIndex, entries: WeakMap<ParsedBundle, Entry<T>>, checkedAgainst: () => string) {
    this.#index = index;
    this.#entries = entries;
    this.#checkedAgainst = checkedAgainst;
  }

  /** What sequences are checked against in this run's index. */
  checkedAgainst(): string {
    return (this.#signature ??= this.#checkedAgainst());
  }

  /** The bundle's result from an earlier run, if everything it read is still the same. */
  reuse(bundle: ParsedBundle): T | undefined {
    const entry = this.#entries.get(bundle);
    if (!entry) return undefined;
    for (const { part, key, found } of entry.reads) {
      if (!sameFound(this.#index[part].get(key), found)) return undefined;
    }
    if (entry.checkedAgainst !== undefined && entry.checkedAgainst !== this.checkedAgainst()) return undefined;
    return entry.linked;
  }

  /**
   * An index to link `bundle` with, which notes what is read; `keep` stores the result. Whether
   * the bundle has sequences is `checksSequences`: they are checked against the whole index.
   */
  record(bundle: ParsedBundle): { index: IndexReader; keep(linked: T, checksSequences: boolean): void } {
    const reads: Array<{ part: Part; key: string; found: Found }> = [];
    let whole = false;
    const note = (part: Part, key: string, found: Found) => reads.push({ part, key, found });
    const view = <K extends Part>(part: K) => readingMap<Found>(this.#index[part], part, note, () => (whole = true)) as IndexReader[K];
    const index: IndexReader = {
      features: view('features'), items: view('items'), operations: view('operations'),
      entities: view('entities'), components: view('components'), sequences: view('sequences'),
    };
    return {
      index,
      keep: (linked, checksSequences) => {
        if (whole) this.#entries.delete(bundle);
        else this.#entries.set(bundle, { linked, reads, checkedAgainst: checksSequences ? this.checkedAgainst() : undefined });
      },
    };
  }
}

/** A read-only view of one map of the index that notes each key looked up, and any read of the whole. */
function readingMap<V extends Found>(map: ReadonlyMap<string, V>, part: Part, note: (part: Part, key: string, found: Found) => void, wholeRead: () => void): ReadonlyMap<string, V> {
  const whole = <R>(read: () => R): R => {
    wholeRead();
    return read();
  };
  return {
    get(key: string) {
      const found = map.get(key);
      note(part, key, found);
      return found;
    },
    has(key: string) {
      const found = map.get(key);
      note(part, key, found);
      return found !== undefined;
    },
    get size() {
      return whole(() => map.size);
    },
    keys: () => whole(() => map.keys()),
    values: () => whole(() => map.values()),
    entries: () => whole(() => map.entries()),
    forEach: (callback, thisArg) => whole(() => map.forEach(callback, thisArg)),
    [Symbol.iterator]: () => whole(() => map[Symbol.iterator]()),
  } as ReadonlyMap<string, V>;
}

function sameFound(a: Found, b: Found): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((t, i) => sameTarget(t, b[i]!));
  }
  return sameTarget(a as Target, b as Target);
}

function sameTarget(a: Target, b: Target): boolean {
  return (
    a.kind === b.kind && a.feature === b.feature && a.anchor === b.anchor && a.label === b.label && a.external === b.external &&
    a.at.file === b.at.file && a.at.line === b.at.line
  );
}
