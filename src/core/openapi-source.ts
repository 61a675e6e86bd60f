/**
 * One file of a contract (the contract itself, or a file it references), parsed, with a way to
 * find where each value was written. JSON is read with `JSON.parse` and located lazily; YAML goes
 * through `yaml.ts`, which keeps positions and refuses duplicate keys and alias bombs.
 */
import { visit } from 'jsonc-parser';
import { problem, type Diagnostic } from './diagnostics.ts';
import { jsonLocator, jsonSyntaxError, offsetToPlace, type Locator, type Place, type Segment } from './json-position.ts';
import { openapiRules } from './openapi-rules.ts';
import { parseYaml, type YamlResult } from './yaml.ts';

const EMPTY_HINT = 'Write the OpenAPI document (`openapi: 3.1.0`, `info`, `paths`), or delete the file.';

/** A parsed file: its value and where each part of it is written. */
export interface SourceFile extends Locator {
  /** Path relative to the content root, for diagnostics. */
  file: string;
  /** Absolute, symlink-free path. */
  abs: string;
  value: unknown;
}

/**
 * Parses a contract file's text. JSON when the name ends in `.json`, YAML otherwise.
 * Never throws: syntax problems come back as diagnostics and no source.
 */
export function parseSource(text: string, abs: string, file: string): { source?: SourceFile; diagnostics: Diagnostic[] } {
  // A byte order mark is not JSON; a space keeps every offset where it was.
  const clean = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  if (/\.json$/i.test(abs)) {
    try {
      const value = JSON.parse(clean) as unknown;
      return { source: { file, abs, value, ...jsonLocator(clean) }, diagnostics: duplicateJsonKeys(clean, file) };
    } catch (error) {
      const where = jsonSyntaxError(clean, (error as Error).message);
      const empty = clean.trim() === '';
      return {
        diagnostics: [
          problem(openapiRules, 'openapi/syntax', { file, ...where }, empty ? 'The file is empty.' : where.message,
            empty
              ? EMPTY_HINT
              : 'Fix the JSON at this position: keys and strings in double quotes, commas between entries and none after the last one, no comments.'),
        ],
      };
    }
  }
  const yaml = parseYaml(clean, file);
  if (yaml.value === undefined) {
    // yaml.ts's hint for an empty file speaks of item lists; a contract needs its own.
    const diagnostics = yaml.diagnostics.map((d) => (d.rule === 'yaml/empty' ? { ...d, hint: EMPTY_HINT } : d));
    return { diagnostics };
  }
  return { source: { file, abs, value: yaml.value, ...yamlLocator(yaml, clean) }, diagnostics: yaml.diagnostics };
}

/**
 * Keys written twice in one JSON object. `JSON.parse` keeps the last silently; YAML contracts get
 * `yaml/duplicate-key` for the same mistake, so JSON ones are not left quieter.
 */
function duplicateJsonKeys(text: string, file: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  const place = offsetToPlace(text);
  // One set of keys per open object; `undefined` for an open array.
  const open: Array<Set<string> | undefined> = [];
  try {
    visit(text, {
      onObjectBegin: () => void open.push(new Set()),
      onArrayBegin: () => void open.push(undefined),
      onObjectEnd: () => void open.pop(),
      onArrayEnd: () => void open.pop(),
      onObjectProperty: (key, offset) => {
        const keys = open.at(-1);
        if (!keys) return;
        if (!keys.has(key)) keys.add(key);
        else {
          found.push(problem(openapiRules, 'openapi/syntax', { file, ...place(offset) }, `The key "${key}" appears more than once in this object; JSON keeps only the last one.`,
            'Keep one of the entries with this key, or rename one of them.'));
        }
      },
    }, { disallowComments: true });
  } catch {
    // The visitor recurses once per level and overflows where JSON.parse did not: such a
    // document is left unchecked for duplicates, not refused.
  }
  return found;
}

/**
 * Wraps `yaml.ts`'s `locate`, which matches keys by their YAML value: `200:` is the number 200
 * there, while documents (and validators) name it `"200"`. Each segment is tried as written and,
 * when it looks like an integer, as a number.
 */
function yamlLocator(yaml: YamlResult, text: string): Locator {
  const walk = (path: readonly Segment[]) => {
    const found: PropertyKey[] = [];
    let at = yaml.locate([]);
    for (const segment of path) {
      const candidates: PropertyKey[] = typeof segment === 'string' && /^(0|[1-9]\d*)$/.test(segment) ? [segment, Number(segment)] : [segment];
      // A node that exists starts after its parent's start; the same place means "not found".
      const next = candidates.map((key) => ({ key, place: yaml.locate([...found, key]) })).find(({ place }) => !samePlace(place, at));
      if (!next) return { at, complete: false };
      found.push(next.key);
      at = next.place;
    }
    return { at, complete: true };
  };
  let lines: string[] | undefined;
  return {
    locate: (path) => walk(path).at,
    locateKey: (path) => {
      const { at, complete } = walk(path);
      const key = path.at(-1);
      if (!complete || typeof key !== 'string') return at;
      lines ??= text.split('\n');
      return keyPlace(lines, at, key);
    },
  };
}

/**
 * The key of a mapping value is on the value's own line (`get: {…}`; `yaml.ts` also points an empty
 * value at its key), or else on the nearest line above that is not blank or a comment: YAML allows
 * nothing else between a key and its block value.
 */
function keyPlace(lines: readonly string[], at: Place, key: string): Place {
  const quoted = escapeRegExp(key);
  const keyAt = new RegExp(`^(\\s*(?:- +)?)(?:${quoted}|"${quoted}"|'${quoted}')\\s*:`);
  const line = lines[at.line - 1] ?? '';
  if (keyAt.test(line.slice(at.column - 1))) return at;
  const sameLine = keyAt.exec(line);
  if (sameLine && sameLine[0].length < at.column) return { line: at.line, column: (sameLine[1]?.length ?? 0) + 1 };
  for (let index = at.line - 2; index >= 0; index--) {
    const text = lines[index] ?? '';
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const above = keyAt.exec(text);
    return above ? { line: index + 1, column: (above[1]?.length ?? 0) + 1 } : at;
  }
  return at;
}

const samePlace = (a: Place, b: Place) => a.line === b.line && a.column === b.column;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
