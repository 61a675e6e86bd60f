/**
 * Items with their positions as plain data. A `Located` item answers `locate(path)` from its YAML
 * document, which cannot leave the thread (or process) that parsed it; what leaves instead is the
 * place of every field and of every entry of its lists, which is every place linking reports at.
 */
import type { Located } from './items.ts';
import type { DocPath } from './yaml.ts';

type Place = { line: number; column: number };
/** Where each field of an item (and each entry of its lists) was written, by JSON-encoded path. */
export type Positions = Record<string, Place>;

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
  const positions: Positions = { '[]': place(locate([])) };
  if (!value || typeof value !== 'object') return positions;
  for (const [key, field] of Object.entries(value)) {
    positions[JSON.stringify([key])] = place(locate([key]));
    if (Array.isArray(field)) field.forEach((_, i) => (positions[JSON.stringify([key, i])] = place(locate([key, i]))));
  }
  return positions;
}

/** A lookup over recorded places: the path itself, else its nearest recorded parent. */
export function locator(positions: Positions): (path: DocPath) => Place {
  const locate = (path: DocPath) => {
    for (let n = path.length; n >= 0; n--) {
      const found = positions[JSON.stringify(path.slice(0, n))];
      if (found) return { ...found };
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

const place = ({ line, column }: Place): Place => ({ line, column });
