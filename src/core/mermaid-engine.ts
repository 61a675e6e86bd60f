/**
 * Mermaid's own parser, run in this thread. Mermaid is browser code: it needs a DOM for
 * DOMPurify (labels are sanitised while parsing), so a jsdom window goes on globalThis before
 * Mermaid is imported. Loading costs about half a second, which is why this runs in one
 * long-lived worker (see mermaid-pool.ts) rather than once per diagram.
 */
import { installMermaidConfigCopy } from './mermaid-config-copy.ts';
import { extractParts, type DiagramParts } from './mermaid-extract.ts';
import { findFrontMatter, rewriteLikeMermaid, type Rewritten } from './mermaid-source.ts';

/** Why Mermaid rejected a diagram, with the position already mapped back to the source text. */
export interface EngineError {
  /** `syntax` for parser errors, `unknown-type` when no diagram type matches, `frontmatter` for YAML. */
  category: 'syntax' | 'unknown-type' | 'frontmatter';
  /** Mermaid's most useful error line, e.g. "Expecting 'TXT', got 'NEWLINE'". */
  message: string;
  line: number;
  column: number;
  /** False when Mermaid gave no position (a semantic error): line and column are the declaration's. */
  located: boolean;
  /** The token the parser stopped at (`NEWLINE`, `EOF`, …) and what it wanted instead, when known. */
  token: string;
  expected: string[];
}

export type EngineResult =
  | { ok: true; kind: string; parts: DiagramParts }
  | { ok: false; kind: string | undefined; error: EngineError };

type Mermaid = (typeof import('mermaid'))['default'];

let loading: Promise<{ mermaid: Mermaid; decode: (text: unknown) => string }> | undefined;

/** Loads jsdom and Mermaid once per thread. */
export function loadMermaid(): Promise<{ mermaid: Mermaid; decode: (text: unknown) => string }> {
  loading ??= (async () => {
    // jsdom ships no types and @types/jsdom is not installed; a string specifier keeps tsc from
    // demanding them, and the one constructor used here is typed by hand.
    const jsdom = 'jsdom';
    const { JSDOM } = (await import(jsdom)) as { JSDOM: new (html: string) => { window: Window & typeof globalThis } };
    const { window } = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window, document: window.document });
    installMermaidConfigCopy();
    const { default: mermaid } = await import('mermaid');
    // `strict` keeps click callbacks unbound and labels sanitised. getDiagramFromText() ignores
    // `%%{init}%%` directives and front matter `config`, so a diagram cannot loosen this here.
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', logLevel: 'fatal' });
    const textarea = window.document.createElement('textarea');
    const decode = (text: unknown): string => {
      if (text === undefined || text === null) return '';
      // Mermaid encodes `#quot;` as `ﬂ°quot¶ß` while parsing; undo that, then decode the HTML entity.
      let plain = String(text).replace(/\uFB02\xB0\xB0/g, '&#').replace(/\uFB02\xB0/g, '&').replace(/\xB6\xDF/g, ';');
      if (plain.includes('&')) {
        textarea.innerHTML = plain; // RCDATA: entities are decoded, no elements are created
        plain = textarea.value;
      }
      return plain.replace(/<br\s*\/?>/gi, ' ').replace(/\s+/g, ' ').trim();
    };
    return { mermaid, decode };
  })();
  return loading;
}

/** Parses one diagram (text already normalised by normalizeSource) and reads what it declares. */
export async function parseWithMermaid(text: string): Promise<EngineResult> {
  const { mermaid, decode } = await loadMermaid();
  const rewritten = rewriteLikeMermaid(text);
  try {
    // getDiagramFromText builds a fresh database (or clears the shared one) for every call.
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    return { ok: true, kind: diagram.type, parts: extractParts(diagram.type, diagram.db, decode) };
  } catch (error) {
    let kind: string | undefined;
    try {
      kind = mermaid.detectType(text, mermaid.mermaidAPI.getConfig());
    } catch {
      // No diagram type matches: describeError() reports it.
    }
    return { ok: false, kind, error: describeError(error, text, rewritten) };
  }
}

interface JisonHash {
  token?: unknown;
  expected?: unknown;
  /** 0-based line of the lexer; lexical errors carry only this. */
  line?: unknown;
  loc?: { first_line?: unknown; first_column?: unknown };
}
interface LangiumResult {
  lexerErrors?: Array<{ line?: unknown; column?: unknown; message?: unknown }>;
  parserErrors?: Array<{ message?: unknown; token?: { startLine?: unknown; startColumn?: unknown; image?: unknown } }>;
}

/** Normalises the error shapes of Mermaid's two parser generations (jison and Langium), js-yaml and the rest. */
export function describeError(error: unknown, text: string, rewritten: Rewritten): EngineError {
  const err = (error ?? {}) as { name?: unknown; message?: unknown; hash?: JisonHash; result?: LangiumResult; mark?: { line?: unknown } };
  const message = typeof err.message === 'string' ? err.message : show(error);
  const base = { located: false, token: '', expected: [] as string[], ...rewritten.declaration };

  if (err.name === 'UnknownDiagramError') {
    return { ...base, category: 'unknown-type', message: 'No diagram type matches the first line.' };
  }
  if (err.name === 'YAMLException') {
    // Only reached when js-yaml rejects front matter that the yaml library accepted.
    const frontMatter = findFrontMatter(text);
    const line = (frontMatter?.yamlLine ?? 1) + (typeof err.mark?.line === 'number' ? err.mark.line : 0);
    return { ...base, category: 'frontmatter', message: firstLine(message), line, column: 1, located: true };
  }
  const hash = err.hash;
  // Jison sets a numeric `line`; some databases throw semantic errors with a made-up hash whose
  // `line` is the string "1" (e.g. deactivating an inactive participant): those have no position.
  if (hash && typeof hash.line === 'number') {
    const token = hash.token === 1 ? 'EOF' : show(hash.token ?? '');
    const expected = Array.isArray(hash.expected) ? hash.expected.map((e) => show(e).replace(/^'|'$/g, '')) : [];
    const position = rewritten.sourceAt(jisonOffset(hash, token, message, rewritten));
    return { ...base, ...position, located: true, category: 'syntax', message: jisonMessage(message), token, expected };
  }
  if (err.result && (err.result.lexerErrors || err.result.parserErrors)) return langiumError(err.result, rewritten) ?? { ...base, category: 'syntax', message: firstLine(message) };
  // Errors thrown by a diagram's database while parsing (e.g. deactivating an inactive participant).
  return { ...base, category: 'syntax', message: firstLine(message) };
}

/** Picks the error furthest up the diagram: a lexer error there usually causes the parser errors after it. */
function langiumError(result: LangiumResult, rewritten: Rewritten): EngineError | undefined {
  const found: Array<{ line: number; column: number; message: string; token: string }> = [];
  for (const e of result.lexerErrors ?? []) {
    if (typeof e.line !== 'number' || typeof e.column !== 'number') continue;
    const text = show(e.message ?? '');
    const char = /unexpected character: ->(.*?)<-/.exec(text)?.[1];
    found.push({ line: e.line, column: e.column, message: char ? `Unexpected character '${char}'` : firstLine(text), token: char ?? '' });
  }
  for (const e of result.parserErrors ?? []) {
    const { startLine, startColumn, image } = e.token ?? {};
    // At the end of input Chevrotain reports NaN; map it past the last line, which clamps to the end.
    const line = typeof startLine === 'number' && Number.isFinite(startLine) ? startLine : Number.MAX_SAFE_INTEGER;
    const column = typeof startColumn === 'number' && Number.isFinite(startColumn) ? startColumn : 1;
    const text = show(e.message ?? '')
      .replace(/(['`])\n\1/g, 'a line break')
      .replace(/\s+/g, ' ')
      .trim();
    found.push({ line, column, message: text, token: typeof image === 'string' ? image : '' });
  }
  found.sort((a, b) => a.line - b.line || a.column - b.column);
  const first = found[0];
  if (!first) return undefined;
  // Langium columns are 1-based; toSource() takes the 0-based column jison uses.
  const position = rewritten.toSource(first.line, first.column - 1);
  return { category: 'syntax', message: first.message, ...position, located: true, token: first.token, expected: [] };
}

/**
 * Where in the parsed text a jison error belongs. Jison's location is that of the lookahead token,
 * which is often the whitespace or line break before the offending token, so: a missing-text error
 * (`got 'NEWLINE'`) points at the end of its line, where the text goes; any other token is found
 * by skipping forward over blanks. Lexical errors carry only a line; the column comes from the
 * upcoming input Mermaid shows after the caret.
 */
function jisonOffset(hash: JisonHash, token: string, message: string, rewritten: Rewritten): number {
  const { parsed } = rewritten;
  const loc = hash.loc;
  if (loc && typeof loc.first_line === 'number') {
    const start = rewritten.offsetOf(loc.first_line, typeof loc.first_column === 'number' ? loc.first_column : 0);
    if (token === 'EOF') return start;
    if (token === 'NEWLINE' || token === 'NL') {
      const lineStart = parsed.lastIndexOf('\n', start - 1) + 1;
      const lineEnd = parsed.indexOf('\n', start);
      return lineStart + parsed.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trimEnd().length;
    }
    const next = parsed.slice(start).search(/\S/);
    return next < 0 ? start : start + next;
  }
  const lineStart = rewritten.offsetOf((hash.line as number) + 1, 0);
  const lineText = parsed.slice(lineStart, parsed.indexOf('\n', lineStart));
  const upcoming = unrecognized(message);
  for (let length = Math.min(upcoming.length, 20); length > 0; length--) {
    const column = lineText.indexOf(upcoming.slice(0, length));
    if (column >= 0) return lineStart + column;
  }
  return lineStart + lineText.length - lineText.trimStart().length;
}

/** The input after the caret in a jison message: "...past text  upcoming\n-----^". */
function unrecognized(message: string): string {
  const lines = message.split('\n');
  const caret = lines.findIndex((line) => /^-*\^$/.test(line));
  const snippet = lines[caret - 1];
  return caret > 0 && snippet !== undefined ? snippet.slice((lines[caret]?.length ?? 1) - 1).trim() : '';
}

/**
 * Jison messages read "Parse error on line 3:\n...snippet\n-----^\nExpecting 'TXT', got 'NEWLINE'".
 * The snippet shows the rewritten text with lines glued together, so it would mislead; keep the
 * verdict, shorten long lists of expected tokens, and name jison's end-of-input token (1).
 */
function jisonMessage(message: string): string {
  if (message.startsWith('Lexical error')) {
    const text = unrecognized(message).split(/\s+/)[0] ?? '';
    return text ? `Unrecognized text \`${text}\`` : 'Unrecognized text';
  }
  const lines = message
    .split('\n')
    .map((line) => line.replace(/^Parse error on line \d+:?\s*/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('...') && !/^-*\^$/.test(line));
  const verdict = lines[0] ?? firstLine(message);
  return verdict
    .replace(/got '1'$/, "got 'EOF'")
    .replace(/^Expecting (.*), got (.*)$/, (_, list: string, got: string) => {
      const items = list.split(', ');
      const shown = items.length > 6 ? `${items.slice(0, 6).join(', ')}, … (${items.length - 6} more)` : list;
      return `Expecting ${shown}, got ${got}`;
    });
}

/** A thrown value as text. `String()` itself throws on some objects (one without a prototype, say). */
function show(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

const firstLine = (message: string): string => message.split('\n').find((line) => line.trim() !== '')?.trim() ?? message;
