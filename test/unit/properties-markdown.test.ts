/**
 * Property-based tests of the story in `feature.md`: `scanStory` (wiki links, Mermaid blocks, raw
 * HTML, with positions) and `renderStory` (sanitised HTML). Stories come from many teams, so the
 * rendered HTML must be inert whatever they write: no script, no event handler, no dangerous URL,
 * no embedded document or style. The inputs mix known XSS payloads with Markdown syntax and
 * random text, so the sanitiser meets them in every position (links, images, autolinks,
 * reference definitions, footnotes, tables, headings, code, wiki links).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderStory, scanStory, type ResolveLink } from '../../src/core/markdown.ts';
import { anyText, lineCount, runs } from '../helpers/properties.ts';

const TIMEOUT = 60_000;

/** Payloads that have broken Markdown sanitisers, each in the place it attacks. */
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//x.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html,<script>alert(1)</script>">',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<a href="javascript:alert(1)">x</a>',
  '<div style="x:expression(alert(1))">x</div>',
  '<!-- <script>alert(1)</script> -->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<details open ontoggle=alert(1)>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<input onfocus=alert(1) autofocus>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x]( javascript:alert(1) )',
  '[x](<javascript:alert(1)>)',
  '[x](java&#x09;script:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](java%0ascript:alert(1))',
  '[x](\u0001javascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](javascript:alert(1) "title onmouseover=alert(1)")',
  '[x](https://example.com" onmouseover="alert(1))',
  '![x](javascript:alert(1))',
  '![x](x" onerror="alert(1))',
  '<javascript:alert(1)>',
  '<vbscript:msgbox(1)>',
  '[ref]\n\n[ref]: javascript:alert(1)',
  '[ref][]\n\n[ref]: <data:text/html,<script>alert(1)</script>> "t"',
  'Note[^1].\n\n[^1]: <img src=x onerror=alert(1)> [x](javascript:alert(1))',
  '| a | b |\n| - | - |\n| <script>alert(1)</script> | [x](javascript:alert(1)) |',
  '- [ ] <input onclick=alert(1)>',
  '# <img src=x onerror=alert(1)>',
  '```mermaid\n%%{init: {"securityLevel": "loose"}}%%\nflowchart LR\n  a["<img src=x onerror=alert(1)>"] --> b\n  click a "javascript:alert(1)"\n```',
  '```js" onclick="alert(1)\nx\n```',
  '`<script>alert(1)</script>`',
  '[[nfr:CHK-NFR-01|<script>alert(1)</script>]]',
  '[[op:javascript:alert(1)]]',
  '[[op:x"onmouseover="alert(1)]]',
  '[[feature:cart|[x](javascript:alert(1))]]',
  '[<script>alert(1)</script>](https://example.com)',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  'javascript:alert(1)',
  'http://a.example/<script>',
];

/** Markdown structure the payloads are dropped into. */
const SYNTAX = ['\n', '\n\n', ' ', '> ', '- ', '1. ', '    ', '# ', '**', '_', '`', '```\n', '~~~mermaid\n', '```mermaid\n', '[', ']', '(', ')', '<', '>', '!', '|', '\\', '&', '"', "'", '[[', ']]', ':'];

const story = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
      { weight: 3, arbitrary: fc.constantFrom(...SYNTAX) },
      { weight: 2, arbitrary: anyText(20) },
      { weight: 1, arbitrary: fc.constantFrom('## Story', 'As a shopper I rely on [[nfr:CHK-NFR-01]].', 'See [[op:createOrder|order creation]].') },
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

/** A resolver like the portal's, whose labels are item titles: text an author wrote. */
const resolver = fc.record({ resolves: fc.boolean(), label: fc.oneof(fc.constantFrom(...PAYLOADS), anyText(20)) }).map(
  ({ resolves, label }): ResolveLink =>
    (raw) => (resolves ? { href: `/ref/${encodeURIComponent(raw.slice(raw.indexOf(':') + 1))}/`, label } : undefined),
);

/** Elements and attributes that run code, load documents or restyle the page. */
const FORBIDDEN_TAGS = new Set(['script', 'iframe', 'object', 'embed', 'style', 'svg', 'math', 'form', 'base', 'link', 'meta', 'frame', 'frameset', 'applet', 'template', 'noscript', 'textarea', 'button', 'select']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'action', 'formaction', 'poster', 'background', 'longdesc', 'data', 'xlink:href', 'ping']);
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'xmpp', 'irc', 'ircs']);

/** Decodes character references as a browser would in an attribute value. */
function decodeAttribute(value: string): string {
  const named: Record<string, string> = { amp: '&', quot: '"', lt: '<', gt: '>', apos: "'" };
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&(amp|quot|lt|gt|apos);/gi, (_, name: string) => named[name.toLowerCase()]!);
}

/**
 * Checks that `html` is inert. Every `<` must open a well-formed tag (text escapes it), so the
 * tags and attributes read here are all the browser would see.
 */
function expectInert(html: string): void {
  const lower = html.toLowerCase();
  for (const needle of ['<script', '<iframe', '<object', '<embed', '<style']) expect(lower, html).not.toContain(needle);
  const TAG = /<\/?([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:="[^"]*")?)*)\s*\/?>/y;
  for (let index = html.indexOf('<'); index !== -1; index = html.indexOf('<', index + 1)) {
    TAG.lastIndex = index;
    const tag = TAG.exec(html);
    expect(tag, `a "<" that opens no well-formed tag at ${index} in ${html}`).not.toBeNull();
    const [, name, attributes] = tag!;
    expect(FORBIDDEN_TAGS.has(name!.toLowerCase()), `<${name}> in ${html}`).toBe(false);
    for (const [, attribute, raw] of attributes!.matchAll(/\s+([^\s"'>/=]+)(?:="([^"]*)")?/g)) {
      const attr = attribute!.toLowerCase();
      expect(attr.startsWith('on'), `event handler ${attr} in ${html}`).toBe(false);
      expect(['srcdoc', 'style', 'formaction'], html).not.toContain(attr);
      // Named references other than the basic ones would escape the decoding below.
      expect(raw ?? '', html).not.toMatch(/&(?!(amp|quot|lt|gt|apos);|#)/i);
      if (!URL_ATTRIBUTES.has(attr)) continue;
      // Browsers ignore leading controls and spaces, and tabs and line breaks anywhere, in URLs.
      const url = decodeAttribute(raw ?? '').replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '').toLowerCase();
      expect(url, html).not.toMatch(/^(javascript|vbscript|data):/);
      const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
      if (scheme) expect(SAFE_SCHEMES.has(scheme), `${attr}="${raw}" in ${html}`).toBe(true);
    }
  }
}

describe('renderStory', () => {
  it('renders inert HTML for any story, with story-prefixed headings', async () => {
    await fc.assert(
      fc.asyncProperty(story, resolver, async (body, resolve) => {
        const { html, headings } = await renderStory(body, resolve);
        expectInert(html);
        for (const heading of headings) {
          expect([3, 4]).toContain(heading.depth);
          // GFM's own "Footnotes" heading keeps its fixed anchor; every written heading is prefixed.
          expect(heading.slug).toMatch(/^(story-|footnote-label$)/);
        }
      }),
      { numRuns: runs(300), examples: PAYLOADS.map((payload): [string, ResolveLink] => [payload, (raw) => ({ href: `/ref/${raw}/`, label: payload })]) },
    );
  }, TIMEOUT);

  // Found by the properties: the serialiser kept `<` and `>` in attribute values, so a link title
  // or an item title (the label of a wiki link) put `<script` and `<img` into the page's HTML.
  it('writes angle brackets in attribute values as character references', async () => {
    const { html } = await renderStory('[x](/a "<script>alert(1)</script>") and [[op:x]], a="<b>" ![<i>](/i.png)', () => ({ href: '/ref/x/', label: '<img src=x onerror=alert(1)>' }));
    expect(html).toBe(
      '<p><a href="/a" title="&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;">x</a> and ' +
        '<a href="/ref/x/" title="&#x3C;img src=x onerror=alert(1)&#x3E;" class="sp-ref">x</a>, ' +
        'a="<code>&#x3C;b></code>" <img src="/i.png" alt="&#x3C;i&#x3E;"></p>',
    );
  });

  it('never throws on random text', async () => {
    await fc.assert(
      fc.asyncProperty(anyText(300), async (body) => {
        expectInert((await renderStory(body, () => undefined)).html);
      }),
      { numRuns: runs(200) },
    );
  }, TIMEOUT);
});

describe('scanStory', () => {
  it('finds wiki links at their own text, and blocks and raw HTML inside the story', () => {
    fc.assert(
      fc.property(fc.oneof(story, anyText(300)), (body) => {
        const scan = scanStory(body);
        const lines = body.split('\n');
        const offsetOf = (line: number, column: number) => lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
        for (const link of scan.links) {
          expect(link.line).toBeGreaterThanOrEqual(1);
          expect(link.column).toBeGreaterThanOrEqual(1);
          expect(body.startsWith(`[[${link.raw}`, offsetOf(link.line, link.column)), `${JSON.stringify(link)} in ${JSON.stringify(body)}`).toBe(true);
        }
        for (const block of [...scan.html, ...scan.diagrams.map((d) => ({ line: d.line, column: 1 }))]) {
          expect(block.line).toBeGreaterThanOrEqual(1);
          expect(block.column).toBeGreaterThanOrEqual(1);
        }
        for (const html of scan.html) expect(html.line).toBeLessThanOrEqual(lineCount(body));
        // A block's first content line, or its fence line when it is empty: a line of the story either way.
        for (const diagram of scan.diagrams) expect(diagram.line, JSON.stringify(body)).toBeLessThanOrEqual(lineCount(body));
      }),
      { numRuns: runs(400), examples: [['```mermaid'], ['- ```mermaid\nflowchart LR\n```']] },
    );
  }, TIMEOUT);
});
