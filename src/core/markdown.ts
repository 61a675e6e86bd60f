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
}

const parser = unified().use(remarkParse).use(remarkGfm);

/** Finds what the story holds that needs checking, with positions. */
export function scanStory(body: string): StoryScan {
  const tree = parser.parse(body) as Root;
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

/** Renders the story to sanitised HTML; headings get a `story-` prefix so they never clash with section anchors. */
export async function renderStory(body: string, resolve: ResolveLink): Promise<RenderedStory> {
  const headings: RenderedStory['headings'] = [];
  const file = await unified()
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
    .process(body);
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
