/**
 * Where things are in a Mermaid source. Mermaid rewrites a diagram before parsing it: it drops the
 * `---` YAML front matter, `%%{init}%%` directives, `%%` comment lines and leading whitespace, then
 * encodes `#name;` escapes. Its parsers report lines and columns in that rewritten text, so a raw
 * "line 3" can be line 11 of the file. This module replays the same rewrites while recording every
 * edit, so any position Mermaid reports maps back to the line a person wrote.
 *
 * The patterns are copied from mermaid 11 (src/diagram-api/regexes.ts, comments.ts, utils.ts
 * `encodeEntities`). If a later Mermaid changes them, positions may drift; nothing else breaks.
 * Pure string code: it runs on the main thread and in the parser worker.
 */

/** Mermaid's front matter: `---` on the very first line, YAML, then `---` with the same indentation. */
const FRONT_MATTER = /^([^\S\n\r]*)-{3}\s*[\n\r](.*?)[\n\r]\1-{3}\s*[\n\r]+/ds;
const DIRECTIVE = /%{2}{\s*(?:(\w+)\s*:|(\w+))\s*(?:(\w+)|((?:(?!}%{2}).|\r?\n)*))?\s*(?:}%{2})?/gi;
/**
 * Mermaid's comment pattern is `/^\s*%%(?!{)[^\n]+\n?/gm`. Tried from every line start of a long
 * blank stretch, its `\s*` rescans the rest of the stretch each time: quadratic, a minute for
 * 160 KB of blank lines. The second branch consumes a whitespace stretch the first branch cannot
 * match from: it cannot match from any later line start in the same stretch either, since they
 * all end at the same character. Only first-branch matches are comments (see `isComment`).
 */
const COMMENT_LINE = /^\s*%%(?!{)[^\n]+\n?|^\s+/gm;
const isComment = (match: string) => match.includes('%%');

/** Mermaid's front matter block, as Mermaid itself finds it. */
export interface FrontMatterBlock {
  /** The YAML between the `---` lines, de-indented like Mermaid does. */
  yaml: string;
  /** 1-based line of the YAML's first line. */
  yamlLine: number;
  /** Offsets of the YAML inside the text: blanking them keeps every line where it is. */
  yamlStart: number;
  yamlEnd: number;
}

/** One replacement: `[start, end)` of the input became `length` characters of output. */
interface Edit {
  start: number;
  end: number;
  length: number;
}

/** The text Mermaid's parser sees, and the way back to the source. */
export interface Rewritten {
  /** The diagram after front matter, directives, comments and leading whitespace are gone. */
  code: string;
  /** Exactly what the parser reads: `code` with `#name;` escapes encoded and a final newline. */
  parsed: string;
  /** The offset in `parsed` of a 1-based line and 0-based column, clamped to that line. */
  offsetOf(line: number, column0: number): number;
  /** The 1-based source line and column of an offset in `parsed`. */
  sourceAt(offset: number): { line: number; column: number };
  /** Maps a 1-based line and 0-based column in `parsed` to the 1-based source position. */
  toSource(line: number, column0: number): { line: number; column: number };
  /** The source position of the parsed text's first character: the diagram type declaration. */
  declaration: { line: number; column: number };
}

/** Line breaks as Mermaid sees them (it turns `\r\n` and lone `\r` into `\n`); a BOM is dropped. */
export const normalizeSource = (source: string): string => source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

/** Finds the front matter exactly where Mermaid would; `undefined` when there is none. */
export function findFrontMatter(text: string): FrontMatterBlock | undefined {
  const match = FRONT_MATTER.exec(text);
  const indices = match?.indices?.[2];
  if (!match || !indices) return undefined;
  const indent = match[1] ?? '';
  const body = match[2] ?? '';
  const yaml = indent
    ? body
        .split('\n')
        .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
        .join('\n')
    : body;
  return { yaml, yamlLine: lineAt(text, indices[0]), yamlStart: indices[0], yamlEnd: indices[1] };
}

/**
 * Whether the text opens a front matter block that Mermaid will not recognise: a `---` first line
 * with no closing `---`, or blank lines above it. Mermaid then reads `---` as the diagram type.
 */
export function brokenFrontMatter(text: string): { line: number; reason: 'unclosed' | 'not-first' } | undefined {
  if (findFrontMatter(text)) return undefined;
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0 || lines[first]?.trim() !== '---') return undefined;
  const closed = lines.slice(first + 1).some((line) => line.trim() === '---');
  return { line: first + 1, reason: closed && first > 0 ? 'not-first' : 'unclosed' };
}

/** Replays Mermaid's rewrites of `text` (already normalised), keeping a map back to the source. */
export function rewriteLikeMermaid(text: string): Rewritten {
  const steps: Edit[][] = [];
  let current = text;
  const apply = (pattern: RegExp, replace: (match: string) => string) => {
    const result = replaceTracked(current, pattern, replace);
    steps.push(result.edits);
    current = result.text;
  };

  // preprocessDiagram(): front matter, then directives, then comment lines and leading whitespace.
  const frontMatter = FRONT_MATTER.exec(current);
  if (frontMatter) {
    steps.push([{ start: 0, end: frontMatter[0].length, length: 0 }]);
    current = current.slice(frontMatter[0].length);
  }
  apply(DIRECTIVE, () => '');
  apply(COMMENT_LINE, (match) => (isComment(match) ? '' : match));
  const leading = current.length - current.trimStart().length;
  steps.push([{ start: 0, end: leading, length: 0 }]);
  current = current.slice(leading);
  const code = current;

  // Diagram.fromText(): encodeEntities(), then a trailing newline (which needs no mapping).
  for (const keyword of ['style', 'classDef']) {
    const offsets = styleSemicolons(current, keyword);
    steps.push(offsets.map((at): Edit => ({ start: at, end: at + 1, length: 0 })));
    current = withoutCharacters(current, offsets);
  }
  apply(/#\w+;/g, (s) => {
    const inner = s.slice(1, -1);
    return (/^\+?\d+$/.test(inner) ? '\uFB02\xB0\xB0' : '\uFB02\xB0') + inner + '\xB6\xDF';
  });
  const parsed = `${current}\n`;

  const parsedStarts = lineStarts(parsed);
  const sourceStarts = lineStarts(text);
  // Mermaid reports errors at the end of input on a line past the last one; point at the last
  // character written instead, which is where a missing `end` or bracket becomes visible.
  const contentEnd = text.trimEnd().length;
  const toSourceOffset = (offset: number) => steps.reduceRight((at, edits) => mapBack(edits, at), offset);
  const positionOf = (offset: number) => {
    const at = Math.min(offset, contentEnd);
    const line = lineIndex(sourceStarts, at);
    return { line: line + 1, column: at - (sourceStarts[line] ?? 0) + 1 };
  };

  const offsetOf = (line: number, column0: number) => {
    const index = Math.min(Math.max(Math.trunc(line) - 1, 0), parsedStarts.length - 1);
    const start = parsedStarts[index] ?? 0;
    const end = (parsedStarts[index + 1] ?? parsed.length + 1) - 1;
    return Math.min(start + Math.max(Math.trunc(column0), 0), end);
  };
  const sourceAt = (offset: number) => positionOf(toSourceOffset(offset));
  return {
    code,
    parsed,
    offsetOf,
    sourceAt,
    toSource: (line, column0) => sourceAt(offsetOf(line, column0)),
    declaration: sourceAt(0),
  };
}

/**
 * Where encodeEntities() drops a `;`. Mermaid's patterns `/style.*:\S*#.*;/g` (and the same with
 * `classDef`) take cubic time on a long line of repeated `style`, `:` and `#`, which no time limit
 * could stop on this thread. Same result in linear time: on each line whose first `style` is
 * followed by a `:`, then non-space text holding a `#`, then a `;`, the line's last `;` goes.
 */
function styleSemicolons(text: string, keyword: string): number[] {
  const found: number[] = [];
  // `.` in those patterns stops at these characters, so they bound a "line".
  const lineBreak = /[\n\r\u2028\u2029]/g;
  let next = text.indexOf(keyword);
  for (let start = 0; next !== -1 && start <= text.length; ) {
    lineBreak.lastIndex = start;
    const end = lineBreak.exec(text)?.index ?? text.length;
    if (next < start) next = text.indexOf(keyword, start);
    if (next !== -1 && next < end) {
      let last = end - 1;
      while (last >= next + keyword.length && text[last] !== ';') last--;
      // A `:` starts a run of non-space characters; a `#` inside such a run, before the last `;`, completes the match.
      let afterColon = false;
      for (let i = next + keyword.length; i < last; i++) {
        const char = text[i]!;
        if (char === ':') afterColon = true;
        else if (/\s/.test(char)) afterColon = false;
        else if (char === '#' && afterColon) {
          found.push(last);
          break;
        }
      }
    }
    start = end + 1;
  }
  return found;
}

/** `text` without the characters at `offsets` (ascending), in one pass. */
function withoutCharacters(text: string, offsets: readonly number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const at of offsets) {
    parts.push(text.slice(from, at));
    from = at + 1;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/** The 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
  return lineIndex(lineStarts(text), offset) + 1;
}

function replaceTracked(text: string, pattern: RegExp, replace: (match: string) => string): { text: string; edits: Edit[] } {
  const edits: Edit[] = [];
  const out = text.replace(pattern, (match: string, ...rest: unknown[]) => {
    // The callback gets (match, ...groups, offset, whole string); none of these patterns has named groups.
    const start = rest[rest.length - 2] as number;
    const replacement = replace(match);
    // A match kept as it is is no edit: positions inside it map through unchanged.
    if (replacement !== match) edits.push({ start, end: start + match.length, length: replacement.length });
    return replacement;
  });
  return { text: out, edits };
}

/** Maps an output offset of one rewrite step back to its input offset. */
function mapBack(edits: readonly Edit[], offset: number): number {
  let shift = 0; // input offset minus output offset, before the next edit
  for (const edit of edits) {
    const outStart = edit.start - shift;
    if (offset < outStart) break;
    // Inside a replacement: the best we can say is "where the replaced text began".
    if (offset < outStart + edit.length) return edit.start;
    shift += edit.end - edit.start - edit.length;
  }
  return offset + shift;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineIndex(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
