/**
 * The story in `feature.md`: Markdown rendered to sanitised HTML. Specs come from many teams, so
 * raw HTML is not passed through (it is reported instead), links keep only safe protocols, and
 * wiki links `[[nfr:CHK-NFR-01]]` become links to their targets.
 */
import type { Code, Html, Link, Root, Text } from 'mdast';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import rehypeSlug from 'rehype-slug';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import type { Diagram } from './model.ts';
import { withTimeLimit } from './time-limit.ts';

/**
 * `[[kind:target]]` or `[[kind:target|label]]`. Neither part contains `[`, so a search never runs
 * past the next `[[`: with `[` allowed, a story of many unclosed `[[a:` took time quadratic in its length.
 */
const WIKI_LINK = /\[\[([a-z]+:[^[\]|\s]+)(?:\|([^[\]]+))?\]\]/g;

export interface StoryScan {
  /** ```mermaid blocks with the line of their first content line (relative to the body, 1-based; the fence's line for an empty block at the very end). */
  diagrams: Array<{ source: string; line: number }>;
  /** Wiki links as written, with positions relative to the body. */
  links: Array<{ raw: string; line: number; column: number }>;
  /** Raw HTML blocks, which are not rendered. */
  html: Array<{ line: number; column: number }>;
  /** Set when the story cannot be read as Markdown (see `readTree`): it is then published as plain text. */
  unreadable?: Unreadable;
}

/** Why a story could not be read as Markdown: too slow to parse, nested too deeply, or the parser failed. */
export interface Unreadable {
  reason: 'timeout' | 'too-deep' | 'failed';
  message: string;
}

const parser = unified().use(remarkParse).use(remarkGfm);

/**
 * The Markdown parser takes quadratic time on some inputs (40 KB of `*a*a*a…` take over a minute)
 * and recurses once per level of nesting. Real stories parse in milliseconds, 1 MB of prose in a
 * few seconds; a story that takes longer, or nests deeper than any real one (rendering it would
 * overflow the stack), is published as plain text and reported.
 */
export const STORY_TIME_LIMIT_MS = 4_000;
export const MAX_STORY_DEPTH = 100;

/** Stories found unreadable, so that rendering (and a second scan) does not wait for the limit again. */
const unreadableStories = new Map<string, Unreadable>();

function readTree(body: string): { tree: Root } | { unreadable: Unreadable } {
  const known = unreadableStories.get(body);
  if (known) return { unreadable: known };
  const parsed = withTimeLimit(() => parser.parse(body) as Root, STORY_TIME_LIMIT_MS);
  let unreadable: Unreadable | undefined;
  if (!parsed.ok) unreadable = { reason: parsed.reason, message: parsed.message };
  else if (depthOf(parsed.value) > MAX_STORY_DEPTH) unreadable = { reason: 'too-deep', message: `nested more than ${MAX_STORY_DEPTH} levels deep` };
  if (!unreadable) return { tree: (parsed as { value: Root }).value };
  if (unreadableStories.size >= 32) unreadableStories.clear();
  unreadableStories.set(body, unreadable);
  return { unreadable };
}

/** The depth of a tree, counted without recursion. */
function depthOf(root: Root): number {
  let deepest = 0;
  const stack: Array<[node: { children?: unknown[] }, depth: number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    for (const child of node.children ?? []) stack.push([child as { children?: unknown[] }, depth + 1]);
  }
  return deepest;
}

/** Finds what the story holds that needs checking, with positions. */
export function scanStory(body: string): StoryScan {
  const read = readTree(body);
  if ('unreadable' in read) return { diagrams: [], links: [], html: [], unreadable: read.unreadable };
  const tree = read.tree;
  const lineStarts = [0];
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineColumn = (offset: number) => {
    // Binary search for the last line starting at or before `offset`: stories can have many links and lines.
    let line = 0;
    let high = lineStarts.length - 1;
    while (line < high) {
      const middle = (line + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) line = middle;
      else high = middle - 1;
    }
    return { line: line + 1, column: offset - lineStarts[line]! + 1 };
  };
  const scan: StoryScan = { diagrams: [], links: [], html: [] };
  visit(tree, (node) => {
    const start = node.position?.start ?? { line: 1, column: 1 };
    // An empty block left open at the end of the story has no line after its fence: use the fence's.
    if (node.type === 'code' && (node as Code).lang === 'mermaid') scan.diagrams.push({ source: (node as Code).value, line: Math.min(start.line + 1, node.position?.end.line ?? start.line + 1) });
    if (node.type === 'html') scan.html.push({ line: start.line, column: start.column });
    if (node.type === 'text' && node.position?.start.offset !== undefined && node.position.end.offset !== undefined) {
      // Search the raw source, not the parsed text, so escapes, entities and list markers keep their columns.
      const from = node.position.start.offset;
      for (const match of body.slice(from, node.position.end.offset).matchAll(WIKI_LINK)) {
        scan.links.push({ raw: match[1]!, ...lineColumn(from + match.index) });
      }
    }
  });
  return scan;
}

export interface RenderedStory {
  html: string;
  headings: Array<{ depth: number; slug: string; text: string }>;
  /** Set when the story could not be read as Markdown in time and is shown as plain text. */
  plain?: true;
}

export type ResolveLink = (raw: string) => { href: string; label: string } | undefined;

const schema: SanitizeSchema = {
  ...defaultSchema,
  // Our own ids (rehype-slug runs after sanitising); classes only where rendering needs them.
  clobberPrefix: '',
  attributes: {
    ...defaultSchema.attributes,
    pre: [...(defaultSchema.attributes?.['pre'] ?? []), ['className', 'mermaid']],
    code: [...(defaultSchema.attributes?.['code'] ?? []), ['className', /^language-[\w-]+$/]],
    a: [
      ...(defaultSchema.attributes?.['a'] ?? []).filter((a) => !(Array.isArray(a) && a[0] === 'className')),
      ['className', 'data-footnote-backref', 'sp-ref', 'sp-ref-broken'],
    ],
  },
};

/**
 * Renders the story to sanitised HTML; headings get a `story-` prefix so they never clash with
 * section anchors. `scanned` is what scanStory() found in it, first in the pipeline, under the time
 * limit: a story it found unreadable is shown as plain text; any other parsed within the limit, and
 * rendering takes time in proportion to what parsing built, so it is rendered without a limit of
 * its own (a limit costs a watchdog thread per call). Without `scanned`, the story is scanned first.
 */
export async function renderStory(body: string, resolve: ResolveLink, scanned: Pick<StoryScan, 'unreadable'> = scanStory(body)): Promise<RenderedStory> {
  if (scanned.unreadable) return plainStory(body);
  try {
    return render(body, resolve);
  } catch {
    return plainStory(body);
  }
}

/** The story as preformatted text, escaped: what was written, without any Markdown. */
function plainStory(body: string): RenderedStory {
  const text = body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return { html: `<pre class="story-plain">${text}</pre>`, headings: [], plain: true };
}

function render(body: string, resolve: ResolveLink): RenderedStory {
  const headings: RenderedStory['headings'] = [];
  const file = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(() => (tree: Root) => {
      visit(tree, 'code', (node: Code, index, parent) => {
        if (node.lang !== 'mermaid' || !parent || index === undefined) return;
        // An unknown node type with hName becomes exactly that element (no <pre><code> wrapper).
        parent.children[index] = { type: 'mermaid', data: { hName: 'pre', hProperties: { className: ['mermaid'] }, hChildren: [{ type: 'text', value: node.value }] } } as never;
      });
      visit(tree, 'html', (node: Html, index, parent) => {
        // Shown as text so nothing is silently lost; the check reports it.
        if (parent && index !== undefined) parent.children[index] = { type: 'inlineCode', value: node.value } as never;
      });
      visit(tree, 'text', (node: Text, index, parent) => {
        if (!parent || index === undefined || !WIKI_LINK.test(node.value)) return;
        WIKI_LINK.lastIndex = 0;
        const parts: Array<Text | Link> = [];
        let last = 0;
        for (const match of node.value.matchAll(WIKI_LINK)) {
          if (match.index > last) parts.push({ type: 'text', value: node.value.slice(last, match.index) });
          const target = resolve(match[1]!);
          const label = match[2] ?? match[1]!.slice(match[1]!.indexOf(':') + 1);
          parts.push({
            type: 'link',
            url: target?.href ?? '#',
            title: target?.label ?? `Unresolved reference ${match[1]}`,
            data: { hProperties: { className: [target ? 'sp-ref' : 'sp-ref-broken'] } },
            children: [{ type: 'text', value: label }],
          });
          last = match.index + match[0].length;
        }
        if (last < node.value.length) parts.push({ type: 'text', value: node.value.slice(last) });
        parent.children.splice(index, 1, ...(parts as never[]));
        return index + parts.length;
      });
    })
    .use(remarkRehype)
    .use(rehypeSanitize, schema)
    .use(() => (tree) => {
      // The story sits under the page's "Story" section: its headings start one level below.
      visit(tree as never, 'element', (node: { tagName: string }) => {
        const level = /^h([1-6])$/.exec(node.tagName)?.[1];
        if (level) node.tagName = `h${Math.min(6, Math.max(3, Number(level) + 1))}`;
      });
    })
    .use(rehypeSlug, { prefix: 'story-' })
    .use(() => (tree) => {
      visit(tree as never, 'element', (node: { tagName: string; properties?: Record<string, unknown>; children: unknown[] }) => {
        const depth = /^h([3-4])$/.exec(node.tagName)?.[1];
        if (depth && typeof node.properties?.['id'] === 'string') {
          headings.push({ depth: Number(depth), slug: node.properties['id'], text: textOf(node) });
        }
      });
    })
    .use(rehypeStringify)
    .processSync(body);
  return { html: escapeAttributeBrackets(String(file)), headings };
}

/**
 * A tag of the serialised story. Text escapes every `<`, so each `<` opens a tag; attribute values
 * are double-quoted with `"` escaped, so `[^"]*` is exactly one value.
 */
const TAG = /<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:="[^"]*")?)*\s*\/?>/g;

/**
 * Writes `<` and `>` inside attribute values as character references. The serialiser leaves them
 * as they are, which browsers read correctly, but a link title such as `"<script>"` would then put
 * `<script` into the page's HTML, where search indexers and other text-level tools see a tag.
 */
function escapeAttributeBrackets(html: string): string {
  return html.replace(TAG, (tag) => tag.replace(/="([^"]*)"/g, (_, value: string) => `="${value.replaceAll('<', '&#x3C;').replaceAll('>', '&#x3E;')}"`));
}

function textOf(node: { value?: unknown; children?: unknown[] }): string {
  if (typeof node.value === 'string') return node.value;
  return (node.children ?? []).map((c) => textOf(c as never)).join('');
}

/** A ```mermaid block as the rendered story holds it (its text escaped; raw HTML in a story is never rendered). */
const MERMAID_BLOCK = /<pre class="mermaid">[\s\S]*?<\/pre>/g;

/**
 * The rendered story cut at its ```mermaid blocks, each block replaced by its parsed diagram so the
 * page can show it like a bundle's diagram files. A block Mermaid rejected stays as it is; so does
 * the whole story when its blocks and `diagrams` do not match up.
 */
export function storyParts(html: string, diagrams: ReadonlyArray<Diagram | null>): Array<string | Diagram> {
  const blocks = html.match(MERMAID_BLOCK) ?? [];
  if (blocks.length === 0 || blocks.length !== diagrams.length) return [html];
  const parts: Array<string | Diagram> = [];
  const between = html.split(MERMAID_BLOCK);
  between.forEach((text, i) => {
    if (text) parts.push(text);
    if (i < blocks.length) parts.push(diagrams[i] ?? blocks[i]!);
  });
  return parts;
}
