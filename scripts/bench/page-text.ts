/**
 * The visible text of a built page, for the bench's bare-Starlight baseline: a Specport page that
 * uses the Starlight layout becomes a Markdown page with the same title and the same text.
 *
 * No DOM library: a portal of 1,000 features has ~50,000 pages, so this is a small tokenizer over
 * the HTML string. It only ever reads (never evaluates) the page, skips what is not text (scripts,
 * styles, templates, SVG) and returns plain text, which the Markdown writer escapes.
 */

export interface TextBlock {
  kind: 'heading' | 'paragraph';
  /** 2–6 for headings. */
  level?: number;
  text: string;
}

export interface StarlightPage {
  /** The page's `<h1>` text. */
  title: string;
  /** The main content (`.sl-markdown-content`, else `<main>`) as headings and paragraphs. */
  blocks: TextBlock[];
  /** Whether Pagefind indexes the page (`<main data-pagefind-body>`). */
  indexed: boolean;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', hellip: '…',
  mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', middot: '·', times: '×',
  larr: '←', rarr: '→', uarr: '↑', darr: '↓', check: '✓', bull: '•', laquo: '«', raquo: '»', le: '≤', ge: '≥',
};

/** Decodes character references; unknown named ones stay as written, as browsers do. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      // Out of range, surrogates and NUL become U+FFFD, as in the HTML standard.
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

/** Elements whose content is never visible text. */
const SKIPPED = new Set(['script', 'style', 'template', 'svg', 'math', 'noscript', 'iframe', 'object', 'canvas', 'head', 'title']);
/** Elements whose content is raw text up to their end tag (a `<` inside does not start a tag). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
/** Elements that start a new paragraph. */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary',
  'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);
/** Table cells and similar: separated by a space. */
const SPACED = new Set(['td', 'th', 'option']);

interface Token {
  type: 'open' | 'close' | 'text';
  name?: string;
  attrs?: string;
  selfClosing?: boolean;
  text?: string;
  start: number;
  end: number;
}

/**
 * Yields tags and text from `start` on. Comments, doctypes and processing instructions are
 * dropped; a `<` that starts no tag is text; raw-text elements yield their content as one text
 * token. Attribute values may hold `>` inside quotes.
 */
function* tokens(html: string, start = 0): Generator<Token> {
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/y;
  let i = start;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      yield { type: 'text', text: html.slice(i), start: i, end: html.length };
      return;
    }
    if (lt > i) yield { type: 'text', text: html.slice(i, lt), start: i, end: lt };
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      i = close === -1 ? html.length : close + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const close = html.indexOf('>', lt);
      i = close === -1 ? html.length : close + 1;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(html);
    if (!m) {
      yield { type: 'text', text: '<', start: lt, end: lt + 1 };
      i = lt + 1;
      continue;
    }
    const name = m[2]!.toLowerCase();
    const attrs = m[3]!;
    const end = lt + m[0].length;
    if (m[1]) {
      yield { type: 'close', name, start: lt, end };
      i = end;
      continue;
    }
    const selfClosing = attrs.trimEnd().endsWith('/');
    yield { type: 'open', name, attrs, selfClosing, start: lt, end };
    i = end;
    if (RAW_TEXT.has(name) && !selfClosing) {
      const close = new RegExp(`</${name}`, 'gi');
      close.lastIndex = end;
      const stop = close.exec(html)?.index ?? html.length;
      if (stop > end) yield { type: 'text', text: html.slice(end, stop), start: end, end: stop };
      i = stop;
    }
  }
}

const hasClass = (attrs: string, name: string) => {
  const m = /\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '').split(/\s+/).includes(name) : false;
};

/**
 * The inner HTML of the first element whose start tag matches `isStart`, up to its matching end
 * tag (or the end of the document when it is never closed); undefined when there is none.
 */
export function innerHtmlOf(html: string, isStart: (name: string, attrs: string) => boolean, from = 0): string | undefined {
  let name: string | undefined;
  let contentStart = 0;
  let depth = 0;
  for (const token of tokens(html, from)) {
    if (name === undefined) {
      if (token.type === 'open' && isStart(token.name!, token.attrs!)) {
        if (token.selfClosing || VOID.has(token.name!)) return '';
        name = token.name!;
        contentStart = token.end;
        depth = 1;
      }
      continue;
    }
    if (token.name !== name) continue;
    if (token.type === 'open' && !token.selfClosing) depth++;
    else if (token.type === 'close' && --depth === 0) return html.slice(contentStart, token.start);
  }
  return name === undefined ? undefined : html.slice(contentStart);
}

const collapse = (text: string) => text.replace(/[\s\u00a0]+/g, ' ').trim();

/** The text of an HTML fragment, on one line, tags removed and whitespace collapsed. */
export function textOf(fragment: string): string {
  return htmlToBlocks(fragment).map((b) => b.text).join(' ');
}

/**
 * An HTML fragment as a list of headings and paragraphs: block elements separate paragraphs,
 * `<h2>`–`<h6>` become headings (an `<h1>` inside content becomes a level-2 heading), everything
 * not shown as text is dropped, and Starlight's own heading anchor links ("Section titled …") are
 * left out, since the baseline's Starlight adds them again.
 */
export function htmlToBlocks(fragment: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let buffer = '';
  let heading: number | undefined;
  /** Name and depth of the element being skipped, if any. */
  let skip: { name: string; depth: number } | undefined;
  const flush = () => {
    const text = collapse(buffer);
    buffer = '';
    if (!text) return;
    if (heading !== undefined) blocks.push({ kind: 'heading', level: heading, text });
    else blocks.push({ kind: 'paragraph', text });
  };
  for (const token of tokens(fragment)) {
    if (skip) {
      if (token.name === skip.name) {
        if (token.type === 'open' && !token.selfClosing) skip.depth++;
        else if (token.type === 'close' && --skip.depth === 0) skip = undefined;
      }
      continue;
    }
    if (token.type === 'text') {
      buffer += decodeEntities(token.text!);
      continue;
    }
    const name = token.name!;
    if (token.type === 'open') {
      if (SKIPPED.has(name) || (name === 'a' && hasClass(token.attrs!, 'sl-anchor-link'))) {
        if (!token.selfClosing && !VOID.has(name)) skip = { name, depth: 1 };
        continue;
      }
      const level = /^h([1-6])$/.exec(name);
      if (level) {
        flush();
        heading = Math.max(2, Number(level[1]));
        continue;
      }
      if (BLOCK.has(name)) flush();
      else if (SPACED.has(name)) buffer += ' ';
      continue;
    }
    // An end tag.
    if (/^h[1-6]$/.test(name)) {
      flush();
      heading = undefined;
      continue;
    }
    if (BLOCK.has(name)) flush();
    else if (SPACED.has(name)) buffer += ' ';
  }
  flush();
  return blocks;
}

/**
 * A built Starlight page's title, content text and whether Pagefind indexes it; undefined when
 * the page does not use Starlight's layout (no `.sl-markdown-content`).
 */
export function extractStarlightPage(html: string): StarlightPage | undefined {
  const contentAt = html.search(/<[a-zA-Z][^>]*\bclass\s*=\s*["'][^"']*\bsl-markdown-content\b/);
  if (contentAt === -1) return undefined;
  const mainAt = html.search(/<main\b/i);
  const mainTag = mainAt === -1 ? '' : html.slice(mainAt, html.indexOf('>', mainAt) + 1);
  const indexed = /\sdata-pagefind-body(?=[\s=>])/.test(mainTag);
  const h1 = innerHtmlOf(html, (name) => name === 'h1', mainAt === -1 ? 0 : mainAt);
  const content = innerHtmlOf(html, (_, attrs) => hasClass(attrs, 'sl-markdown-content'), contentAt) ?? '';
  return { title: h1 === undefined ? '' : textOf(h1), blocks: htmlToBlocks(content), indexed };
}

/**
 * Escapes text for a Markdown (`.md`, not MDX) paragraph so that it renders as the same text:
 * every character that could start markup (emphasis, code, links, HTML, entities, directives,
 * tables) is backslash-escaped, and so is anything that would make the line a list item, heading
 * or thematic break. Markdown allows a backslash before any ASCII punctuation.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>()#+!|~&$:^"']/g, (c) => `\\${c}`)
    .replace(/^([-=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** The route of a built HTML file relative to the output folder: `features/a/index.html` → `features/a/`. */
export function routeOfFile(relative: string): string {
  const posix = relative.split('\\').join('/');
  if (posix === 'index.html') return '';
  if (posix.endsWith('/index.html')) return posix.slice(0, -'index.html'.length);
  return posix;
}

/**
 * The Markdown source of a baseline page at `route` (`features/a/`, `''` for the home page): the
 * slug is given explicitly so that Starlight keeps the route's case (`entities/Order/`), and
 * pages Pagefind leaves out in the portal are left out in the baseline too.
 */
export function toMarkdownPage(page: StarlightPage, route: string): string {
  const slug = route.replace(/\/$/, '');
  const front = [`title: ${JSON.stringify(page.title || slug || 'Home')}`];
  if (slug) front.push(`slug: ${JSON.stringify(slug)}`);
  if (!page.indexed) front.push('pagefind: false');
  const body = page.blocks.map((b) => (b.kind === 'heading' ? `${'#'.repeat(b.level ?? 2)} ${escapeMarkdown(b.text)}` : escapeMarkdown(b.text)));
  return `---\n${front.join('\n')}\n---\n\n${body.join('\n\n')}\n`;
}
