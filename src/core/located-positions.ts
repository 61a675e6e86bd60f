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

/** A `Located` item as plain data: its `locate` function replaced by the places it answers. */
export type FrozenLocated = Omit<Located<unknown>, 'locate'> & { positions: Positions };

/**
 * The places each lookup made by `locator` and `reviveLocated` answers from: freezing what was
 * revived (a parse from the worker, stored in the cache) gives back those places without looking
 * up every field again.
 */
const answersFrom = new WeakMap<(path: DocPath) => Place, Positions>();

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

export function freezeLocated(list: readonly Located<unknown>[]): FrozenLocated[] {
  return list.map(({ item, at, locate }) => ({ item, at, positions: positionsOf(item, locate) }));
}

export function reviveLocated<T>(list: readonly FrozenLocated[]): Located<T>[] {
  return list.map(({ item, at, positions }) => {
    const inFile = locator(positions);
    const locate = (path: DocPath) => ({ file: at.file, ...inFile(path) });
    answersFrom.set(locate, positions);
    return { item: item as T, at, locate };
  });
}
