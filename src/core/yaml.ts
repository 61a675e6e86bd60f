/**
 * YAML with positions. Every value keeps the line and column it came from, so a schema error
 * deep inside `threats.yaml` points at the line a person has to change.
 */
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, type Alias, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import { readPlainYaml } from './yaml-events.ts';

export const yamlRules = {
  'yaml/syntax': { severity: 'error', description: 'The file is not valid YAML.' },
  'yaml/duplicate-key': { severity: 'error', description: 'A mapping repeats a key; YAML keeps only one.' },
  'yaml/alias-bomb': { severity: 'error', description: 'Aliases expand beyond a safe size (a "billion laughs" document).' },
  'yaml/empty': { severity: 'error', description: 'The file is empty.' },
} as const satisfies Record<string, RuleInfo>;

/** A path into a parsed document: map keys and sequence indexes. */
export type DocPath = readonly PropertyKey[];

export interface YamlResult {
  /** The plain JavaScript value, or `undefined` when the file could not be parsed. */
  value: unknown;
  diagnostics: Diagnostic[];
  /** The 1-based line and column of the deepest node that exists along `path`. */
  locate(path: DocPath): { line: number; column: number };
}

/** Aliases beyond this count are refused: enough for real documents, far too few for a bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML text. Plain documents, most bundle files, are read quickly from js-yaml's events
 * (yaml-events.ts); everything else, and every document with a problem, by the yaml library.
 * Never throws: syntax errors, duplicate keys and alias bombs become diagnostics.
 * `lineOffset` shifts reported lines when the YAML is embedded (frontmatter starts on line 2).
 */
export function parseYaml(text: string, file: string, lineOffset = 0): YamlResult {
  const quick = readPlainYaml(text);
  if (quick) {
    let lines: LineCounter | undefined;
    const at = (offset: number) => {
      if (!lines) {
        lines = new LineCounter();
        lines.addNewLine(0);
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
      }
      const pos = lines.linePos(offset);
      return { line: pos.line + lineOffset, column: pos.col };
    };
    return { value: quick.value, diagnostics: [], locate: (path) => at(quick.offsetOf(path)) };
  }
  return parseYamlFully(text, file, lineOffset);
}

/** The full reading, by the yaml library: every YAML document, with a diagnostic for each problem. */
export function parseYamlFully(text: string, file: string, lineOffset = 0): YamlResult {
  const lineCounter = new LineCounter();
  // Duplicate keys are found below: the library's own check compares each key with every earlier
  // one, which takes minutes on a mapping of a hundred thousand keys.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  };
  const locate = (path: DocPath) => at(nodeAt(doc.contents, path)?.range?.[0] ?? 0);
  const diagnostics: Diagnostic[] = [];

  const { duplicates, unresolved } = inspect(doc);
  const errors = [...doc.errors.map((e) => ({ code: e.code as string, message: e.message, offset: e.pos[0] })), ...duplicates];
  errors.sort((a, b) => a.offset - b.offset);
  // Nesting deep enough to overflow the parser's stack fails once per level: say it once.
  const firstOverflow = errors.find(overflows);
  for (const error of errors.filter((e) => !overflows(e) || e === firstOverflow)) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    const tab = error.code === 'TAB_AS_INDENT' || /tab/i.test(error.message);
    const deep = overflows(error);
    KEY_TEXT.lastIndex = error.offset;
    diagnostics.push(
      problem(
        yamlRules,
        duplicate ? 'yaml/duplicate-key' : 'yaml/syntax',
        { file, ...at(error.offset) },
        duplicate
          ? `The key "${KEY_TEXT.exec(text)?.[0].trim() ?? ''}" appears more than once in this mapping.`
          : deep
            ? TOO_DEEP.message
            : firstLine(error.message),
        duplicate
          ? 'Keep one of the entries with this key, or rename one of them.'
          : deep
            ? TOO_DEEP.hint
            : tab
            ? 'Indent with spaces; YAML does not allow tabs for indentation.'
            : 'Check the indentation and quoting on this line; quote values that contain ": " or start with a special character.',
      ),
    );
  }
  if (diagnostics.length > 0) return { value: undefined, diagnostics, locate };

  if (text.trim() === '' || doc.contents === null) {
    diagnostics.push(
      problem(yamlRules, 'yaml/empty', { file, line: 1 + lineOffset }, 'The file is empty.', 'Write the top-level list this file holds, or delete the file.'),
    );
    return { value: undefined, diagnostics, locate };
  }

  if (unresolved) {
    diagnostics.push(
      problem(
        yamlRules,
        'yaml/syntax',
        { file, ...at(unresolved.range?.[0] ?? 0) },
        `The alias \`*${unresolved.source}\` refers to no anchor defined above it.`,
        `Define the anchor \`&${unresolved.source}\` on a value before this line, or write the value out here.`,
      ),
    );
    return { value: undefined, diagnostics, locate };
  }

  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), diagnostics, locate };
  } catch (error) {
    if (error instanceof RangeError && overflows(error)) {
      // Converting recurses once per level: a document the parser could still read may nest too
      // deeply for it when the caller has used much of the stack.
      diagnostics.push(problem(yamlRules, 'yaml/syntax', { file, ...at(doc.contents?.range?.[0] ?? 0) }, TOO_DEEP.message, TOO_DEEP.hint));
      return { value: undefined, diagnostics, locate };
    }
    // The yaml library throws a ReferenceError when aliases expand past maxAliasCount.
    diagnostics.push(
      problem(
        yamlRules,
        'yaml/alias-bomb',
        // The whole document is at fault: point at where it starts, which for embedded YAML is
        // below its `---` fence, not on it.
        { file, ...at(doc.contents?.range?.[0] ?? 0) },
        `The document's aliases expand too far to be read safely (${firstLine(String((error as Error).message))}).`,
        `Write the values out instead of nesting aliases; at most ${MAX_ALIAS_COUNT} alias uses are allowed.`,
      ),
    );
    return { value: undefined, diagnostics, locate };
  }
}

/** A stack overflow, as the parser reports it or as converting throws it. */
const overflows = (error: { message: string }) => /call stack/i.test(error.message);

const TOO_DEEP = {
  message: 'The document nests too deeply to be read.',
  hint: 'Nest lists and mappings only a few levels deep, as the bundle format does, and write this value out flat.',
};

/** The key as written from `lastIndex` on: up to its colon or the end of the line. */
const KEY_TEXT = /[^:\n]*/y;

type Found = { code: string; message: string; offset: number };

/**
 * One pass over the document in order. It finds the keys that repeat an earlier key of the same
 * mapping, as the library's `uniqueKeys` check finds them (scalar keys with the same value), with a
 * set per mapping; and the first alias whose anchor is missing or comes later, which the parser
 * accepts but converting would throw on (`Alias.resolve()` would walk the whole document per alias).
 * The walk keeps its own stack: the parser reads documents nested thousands of levels deep, deeper
 * than a recursive walk can follow.
 */
function inspect(doc: Document.Parsed): { duplicates: Found[]; unresolved: Alias | undefined } {
  const duplicates: Found[] = [];
  const anchors = new Set<string>();
  let unresolved: Alias | undefined;
  // Each entry is a node still to visit, with the keys seen so far in its mapping when it is a pair.
  const stack: { node: unknown; seen?: Set<unknown> }[] = [{ node: doc.contents }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, seen } = entry;
    if (isPair(node)) {
      const { key } = node;
      // NaN is not equal to itself, so two `.nan` keys are not duplicates (nor to the library).
      if (seen && isScalar(key) && !Number.isNaN(key.value)) {
        if (seen.has(key.value)) duplicates.push({ code: 'DUPLICATE_KEY', message: 'Map keys must be unique', offset: key.range?.[0] ?? 0 });
        seen.add(key.value);
      }
      stack.push({ node: node.value }, { node: key });
    } else if (isAlias(node)) {
      if (!anchors.has(node.source)) unresolved ??= node;
    } else if (isNode(node)) {
      if (node.anchor && !unresolved) anchors.add(node.anchor);
      if (isMap(node)) {
        const keys = new Set<unknown>();
        for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], seen: keys });
      } else if (isSeq(node)) {
        for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i] });
      }
    }
  }
  return { duplicates, unresolved };
}

/** The pairs of a mapping by key, built on first lookup: a path lookup stays cheap in a mapping of any size. */
const pairsByKey = new WeakMap<YAMLMap, Map<unknown, Pair>>();

function pairOf(map: YAMLMap, key: PropertyKey): Pair | undefined {
  let index = pairsByKey.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const value = isScalar(pair.key) ? pair.key.value : pair.key;
      // The first pair with a key wins, as a search from the start would find it.
      if (!index.has(value)) index.set(value, pair as Pair);
    }
    pairsByKey.set(map, index);
  }
  return index.get(key);
}

function nodeAt(root: unknown, path: DocPath): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = pairOf(node, key);
      next = pair ? (pair.value ?? pair.key) : undefined;
      // A missing or null value points at its key, which is where the fix goes.
      if (pair && (pair.value === null || (isScalar(pair.value) && pair.value.range?.[0] === pair.value.range?.[1]))) next = pair.key;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
    }
    if (!next || !(next as Node).range) break;
    node = next as Node;
  }
  return node;
}

const firstLine = (message: string) => message.split('\n')[0]?.trim() ?? message;
