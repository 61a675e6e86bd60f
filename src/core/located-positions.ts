/**
 * Items with their positions as plain data. A `Located` item answers `locate(path)` from its YAML
 * document, which cannot leave the thread (or process) that parsed it; what leaves instead is the
 * place of every field and of every entry of its lists, which is every place linking reports at.
 *
 * The places are kept compact, as one string of paths and one list of numbers, because every item
 * of a portal crosses from the parse worker and goes into the parse cache: copying a few values
 * per item costs far less than copying an object per field.
 */
import type { Located } from './items.ts';
import type { DocPath } from './yaml.ts';

type Place = { line: number; column: number };

/** Where each field of an item (and each entry of its lists) was written. */
export interface Positions {
  /** The paths, JSON-encoded (so without a line break), one per line. */
  paths: string;
  /** The line and column of each path, in pairs, in the order of `paths`. */
  places: number[];
}

/**
 * The items of one file as plain data, their `locate` functions replaced by one table of places
 * for all of them: the paths any item was asked about, once each, and for each item the triples
 * (the path's line in `paths`, line, column). Items of one file share most of their paths, and a
 * few arrays of numbers cost far less to copy than an object or a string per item.
 */
export interface FrozenItems {
  items: Array<Omit<Located<unknown>, 'locate'>>;
  /** The paths, JSON-encoded (so without a line break), one per line. */
  paths: string;
  /** The triples of every item, one item after another. */
  places: number[];
  /** Where each item's triples start in `places`, and, last, where they end. */
  starts: number[];
}

/**
 * The places each lookup made by `locator` answers from: freezing what was revived (a parse from
 * the worker, stored in the cache) gives back those places without looking up every field again.
 */
const answersFrom = new WeakMap<(path: DocPath) => Place, Positions>();

/** The frozen list and index each item of `reviveItems` came from, for the same reason. */
const revivedFrom = new WeakMap<(path: DocPath) => Place, { frozen: FrozenItems; index: number }>();

/** The places of a value's fields and of their list entries, as `locate` gives them. */
export function positionsOf(value: unknown, locate: (path: DocPath) => Place): Positions {
  const known = answersFrom.get(locate);
  if (known) return known;
  const paths: string[] = [];
  const places: number[] = [];
  const add = (path: DocPath) => {
    const { line, column } = locate(path);
    paths.push(JSON.stringify(path));
    places.push(line, column);
  };
  add([]);
  if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      add([key]);
      if (Array.isArray(field)) field.forEach((_, i) => add([key, i]));
    }
  }
  return { paths: paths.join('\n'), places };
}

/** A lookup over recorded places: the path itself, else its nearest recorded parent. */
export function locator(positions: Positions): (path: DocPath) => Place {
  // Indexed on the first lookup: an item without references is never asked about.
  let index: Map<string, number> | undefined;
  const locate = (path: DocPath) => {
    index ??= new Map(positions.paths.split('\n').map((p, i) => [p, i * 2]));
    for (let n = path.length; n >= 0; n--) {
      const at = index.get(JSON.stringify(path.slice(0, n)));
      if (at !== undefined) return { line: positions.places[at]!, column: positions.places[at + 1]! };
    }
    return { line: 1, column: 1 };
  };
  answersFrom.set(locate, positions);
  return locate;
}

/** Freezes the items of one file. */
export function freezeItems(list: readonly Located<unknown>[]): FrozenItems {
  const items = list.map(({ item, at }) => ({ item, at }));
  // Revived from one frozen list, in its order (a parse from the worker, going into the cache): its table as it is.
  const whole = list[0] && revivedFrom.get(list[0].locate)?.frozen;
  if (whole && whole.items.length === list.length && list.every(({ locate }, i) => revivedFrom.get(locate)?.frozen === whole && revivedFrom.get(locate)?.index === i)) {
    return { items, paths: whole.paths, places: whole.places, starts: whole.starts };
  }
  const table = new Map<string, number>();
  const places: number[] = [];
  const starts: number[] = [];
  for (const { item, locate } of list) {
    starts.push(places.length);
    const own = positionsOf(item, locate);
    const paths = own.paths.split('\n');
    paths.forEach((path, i) => {
      let at = table.get(path);
      if (at === undefined) table.set(path, (at = table.size));
      places.push(at, own.places[2 * i]!, own.places[2 * i + 1]!);
    });
  }
  starts.push(places.length);
  return { items, paths: [...table.keys()].join('\n'), places, starts };
}

/** The items of a frozen list, each answering `locate` from the list's table. */
export function reviveItems<T>(frozen: FrozenItems): Located<T>[] {
  // Indexed on the first lookup: a file without references is never asked about.
  let table: Map<string, number> | undefined;
  const { places, starts } = frozen;
  return frozen.items.map(({ item, at }, index) => {
    const locate = (path: DocPath) => {
      table ??= new Map(frozen.paths.split('\n').map((p, i) => [p, i]));
      for (let n = path.length; n >= 0; n--) {
        const wanted = table.get(JSON.stringify(path.slice(0, n)));
        if (wanted === undefined) continue;
        for (let t = starts[index]!; t < starts[index + 1]!; t += 3) {
          if (places[t] === wanted) return { file: at.file, line: places[t + 1]!, column: places[t + 2]! };
        }
      }
      return { file: at.file, line: 1, column: 1 };
    };
    revivedFrom.set(locate, { frozen, index });
    return { item: item as T, at, locate };
  });
}
