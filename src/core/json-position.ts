/**
 * Line numbers for JSON documents, computed only when asked.
 *
 * `JSON.parse` gives values but no positions. Contracts can be large (GitHub's REST description
 * is 13 MB), so the position tree is built lazily, on the first lookup, with `jsonc-parser`
 * (fast, and used by VS Code for exactly this), and never for documents nobody asks about.
 */
import { parse as parseLenient, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/** A path into a parsed document: map keys and array indexes. */
export type Segment = string | number;

/** 1-based line and column. */
export interface Place {
  line: number;
  column: number;
}

/** Finds where things are written in one source file. */
export interface Locator {
  /** The value at `path`, or the deepest node along `path` that exists. */
  locate(path: readonly Segment[]): Place;
  /** The key that holds the value at `path` (`get:` rather than the operation under it), else as `locate`. */
  locateKey(path: readonly Segment[]): Place;
}

/** Maps character offsets to lines and columns; the line table is built on first use. */
export function offsetToPlace(text: string): (offset: number) => Place {
  let starts: number[] | undefined;
  return (offset) => {
    starts ??= lineStarts(text);
    // Binary search for the last line starting at or before `offset`.
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** A locator for JSON text that parsed with `JSON.parse`. */
export function jsonLocator(text: string): Locator {
  const place = offsetToPlace(text);
  let root: Node | undefined | null = null;
  const tree = () => {
    if (root === null) {
      try {
        root = parseTree(text, [], { disallowComments: true });
      } catch {
        // jsonc-parser recurses once per level of nesting and overflows the stack some thousands of
        // levels deep, where JSON.parse does not: such a document is located at its start.
        root = undefined;
      }
    }
    return root;
  };
  const walk = (path: readonly Segment[]) => {
    let node = tree();
    let property: Node | undefined;
    for (const segment of path) {
      const found = child(node, segment);
      if (!found) break;
      node = found.value;
      property = found.property;
    }
    return { node, property };
  };
  return {
    locate: (path) => place(walk(path).node?.offset ?? 0),
    locateKey: (path) => {
      const { node, property } = walk(path);
      return place(property?.offset ?? node?.offset ?? 0);
    },
  };
}

function child(node: Node | undefined, segment: Segment): { value: Node; property?: Node } | undefined {
  if (node?.type === 'object') {
    const key = String(segment);
    // Duplicate keys: JSON.parse keeps the last one, so the last one is the one to point at.
    const property = node.children?.findLast((p) => p.children?.[0]?.value === key);
    const value = property?.children?.[1];
    return value && property ? { value, property } : undefined;
  }
  if (node?.type === 'array') {
    const value = node.children?.[Number(segment)];
    return value ? { value } : undefined;
  }
  return undefined;
}

/**
 * Where and why JSON text fails to parse, for text that `JSON.parse` rejected (`parseMessage` is
 * its message, used when jsonc-parser, which is slightly more lenient, finds nothing wrong).
 */
export function jsonSyntaxError(text: string, parseMessage: string): Place & { message: string } {
  const errors: ParseError[] = [];
  try {
    parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    // Nested too deeply for jsonc-parser's recursion (see jsonLocator): use what JSON.parse said.
  }
  const first = errors[0];
  if (!first) {
    // JSON.parse names the position of most errors ("… at position 3"); "Unexpected end" is at the end.
    const position = /at position (\d+)/.exec(parseMessage)?.[1];
    const offset = position !== undefined ? Number(position) : /end of JSON input/.test(parseMessage) ? text.trimEnd().length : 0;
    return { ...offsetToPlace(text)(Math.min(offset, text.length)), message: `Invalid JSON: ${parseMessage}` };
  }
  // `CommaExpected` → "comma expected".
  const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { ...offsetToPlace(text)(first.offset), message: `Invalid JSON: ${what}.` };
}
