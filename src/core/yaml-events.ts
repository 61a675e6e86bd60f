/**
 * The quick reading of plain YAML, which is what bundle files are: js-yaml's event stream gives
 * every node and where it starts, about ten times faster than the full reading in yaml.ts. It
 * answers only for documents without anchors, aliases, tags, tabs, directives, duplicate or
 * non-string keys, and builds the value as the full reading does (YAML 1.2's core schema, as the
 * yaml library resolves plain scalars), with the same places. Anything else, errors included,
 * gets `undefined`, and yaml.ts reads the document fully, with its diagnostics.
 *
 * js-yaml 5 is installed under the name `js-yaml-5`: `js-yaml` stays version 4, which Starlight's
 * code, bundled into the build's server code, imports from the project root.
 */
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event, type ScalarEvent } from 'js-yaml-5';
import type { DocPath } from './yaml.ts';

/** A node of the document: where it starts, and its children. */
type Place =
  | { kind: 'scalar'; start: number; empty: boolean }
  | { kind: 'map'; start: number; pairs: Map<string, { key: Place; value: Place }> }
  | { kind: 'seq'; start: number; items: Place[] };

export interface PlainYaml {
  value: unknown;
  /** The offset of the deepest node that exists along `path`, as yaml.ts finds it. */
  offsetOf(path: DocPath): number;
}

/** What the full reading treats otherwise, or must report: a tab, a line break of a lone CR, a byte-order mark, a directive, a document end marker. */
const FULL_READING = /\t|\r(?!\n)|^\uFEFF|^%|^\.\.\./m;

/** The value and node places of `text`, or undefined when the full reading must read it. */
export function readPlainYaml(text: string): PlainYaml | undefined {
  if (text.trim() === '' || FULL_READING.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  const read = build(text, events);
  return read && { value: read.value, offsetOf: (path) => offsetAt(read.place, path) };
}

type Built = { value: unknown; place: Place };
type Open = { value: Record<string, unknown> | unknown[]; place: Place; key: { name: string; place: Place } | undefined };

/** The value and its places, or undefined when the events hold anything left to the full reading. */
function build(text: string, events: readonly Event[]): Built | undefined {
  let root: Built | undefined;
  let documents = 0;
  const open: Open[] = [];
  /** Puts a node into the collection that holds it; false when the full reading must judge it. */
  const add = (built: Built, name?: string): boolean => {
    const parent = open.at(-1);
    if (!parent) {
      if (root || documents !== 1) return false;
      root = built;
      return true;
    }
    if (parent.place.kind === 'seq') {
      (parent.value as unknown[]).push(built.value);
      parent.place.items.push(built.place);
      return true;
    }
    if (parent.place.kind !== 'map') return false;
    if (!parent.key) {
      // A key must read as the same string in both readings, once per mapping.
      if (name === undefined || parent.place.pairs.has(name)) return false;
      parent.key = { name, place: built.place };
      return true;
    }
    // As the yaml library: a key the object inherits (`constructor`, `__proto__`) becomes its own.
    const object = parent.value as Record<string, unknown>;
    const key = parent.key.name;
    if (key in object) Object.defineProperty(object, key, { value: built.value, writable: true, enumerable: true, configurable: true });
    else object[key] = built.value;
    parent.place.pairs.set(key, { key: parent.key.place, value: built.place });
    parent.key = undefined;
    return true;
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents++;
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        if (event.anchorStart >= 0 || event.tagStart >= 0) return undefined;
        const entry: Open =
          event.type === EVENT_ID.MAPPING
            ? { value: {}, place: { kind: 'map', start: event.start, pairs: new Map() }, key: undefined }
            : { value: [], place: { kind: 'seq', start: event.start, items: [] }, key: undefined };
        if (!add(entry)) return undefined;
        open.push(entry);
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart >= 0 || event.tagStart >= 0) return undefined;
        const plain = event.style === SCALAR_STYLE.PLAIN;
        const empty = plain && event.valueStart === event.valueEnd;
        // An empty value is left to the full reading, except as a mapping's value, which points at its key.
        const parent = open.at(-1);
        if (empty && !(parent?.place.kind === 'map' && parent.key)) return undefined;
        const resolved = plain ? resolvePlain(text.slice(event.valueStart, event.valueEnd)) : NOT_RESOLVED;
        const value = resolved === NOT_RESOLVED ? getScalarValue(text, event) : resolved;
        if (!add({ value, place: { kind: 'scalar', start: scalarStart(text, event), empty } }, typeof value === 'string' ? value : undefined)) return undefined;
        break;
      }
      case EVENT_ID.POP:
        if (open.length === 0) break; // the document's end
        if (open.pop()!.key) return undefined;
        break;
      default:
        // An alias: the full reading limits how far aliases expand.
        return undefined;
    }
  }
  return open.length === 0 && documents === 1 ? root : undefined;
}

const NOT_RESOLVED = Symbol('a string');

/** A plain scalar by YAML 1.2's core schema, tested and converted in the yaml library's order. */
function resolvePlain(source: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source)) return source[0] === 't' || source[0] === 'T';
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
  return NOT_RESOLVED;
}

/**
 * Where a scalar starts as the full reading counts it: at its opening quote, at the `|` or `>` of
 * a block scalar, and for an empty plain scalar (`key:` with no value) where its value would be.
 */
function scalarStart(text: string, event: ScalarEvent): number {
  switch (event.style) {
    case SCALAR_STYLE.SINGLE_QUOTED:
    case SCALAR_STYLE.DOUBLE_QUOTED:
      return event.valueStart - 1;
    case SCALAR_STYLE.LITERAL_BLOCK:
    case SCALAR_STYLE.FOLDED_BLOCK: {
      // The content starts below the header: back over the line breaks and blank lines between.
      let last = event.valueStart - 1;
      while (last >= 0 && (text[last] === '\n' || text[last] === '\r' || text[last] === ' ')) last--;
      const lineStart = text.lastIndexOf('\n', last) + 1;
      const header = BLOCK_HEADER.exec(text.slice(lineStart, last + 1));
      return header ? lineStart + header.index : event.valueStart;
    }
    default:
      return Math.max(event.valueStart, 0);
  }
}

/** A block scalar's indicator and what may follow it on its line. */
const BLOCK_HEADER = /[|>][0-9+-]*[ \t]*(?:#.*)?$/;

/** As yaml.ts's `nodeAt`: a missing or empty value points at its key, which is where the fix goes. */
function offsetAt(root: Place, path: DocPath): number {
  let node = root;
  for (const key of path) {
    let next: Place | undefined;
    if (node.kind === 'map') {
      const pair = typeof key === 'string' ? node.pairs.get(key) : undefined;
      next = pair && (pair.value.kind !== 'scalar' || !pair.value.empty) ? pair.value : pair?.key;
    } else if (node.kind === 'seq' && typeof key === 'number') {
      next = node.items[key];
    }
    if (!next) break;
    node = next;
  }
  return node.start;
}
