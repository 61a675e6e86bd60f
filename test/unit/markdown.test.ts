import { describe, expect, it } from 'vitest';
import { renderStory, scanStory, storyParts } from '../../src/core/markdown.ts';
import type { Diagram } from '../../src/core/model.ts';

const body = [
  '## Story', // 1
  '', // 2
  'As a shopper I rely on [[nfr:CHK-NFR-01]] and [[op:createOrder|order creation]].', // 3
  '', // 4
  '<script>window.pwned = 1</script>', // 5
  '', // 6
  '```mermaid', // 7
  'flowchart LR', // 8
  '  a --> b', // 9
  '```', // 10
  '', // 11
  '[bad](javascript:alert(1))', // 12
].join('\n');

describe('scanStory', () => {
  it('finds wiki links, Mermaid blocks and raw HTML with their positions', () => {
    const scan = scanStory(body);
    expect(scan.links).toEqual([
      { raw: 'nfr:CHK-NFR-01', line: 3, column: 24 },
      { raw: 'op:createOrder', line: 3, column: 47 },
    ]);
    expect(scan.diagrams).toEqual([{ source: 'flowchart LR\n  a --> b', line: 8 }]);
    expect(scan.html).toEqual([{ line: 5, column: 1 }]);
  });
});

describe('renderStory', () => {
  const resolve = (raw: string) => (raw === 'nfr:CHK-NFR-01' ? { href: '/features/checkout/#CHK-NFR-01', label: 'Fast orders' } : undefined);

  it('renders wiki links as links to their targets, and dangling ones as marked text', async () => {
    const { html } = await renderStory(body, resolve);
    expect(html).toContain('<a href="/features/checkout/#CHK-NFR-01" title="Fast orders" class="sp-ref">CHK-NFR-01</a>');
    expect(html).toContain('class="sp-ref-broken">order creation</a>');
  });

  it('never renders raw HTML or javascript: links', async () => {
    const { html } = await renderStory(body, resolve);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&#x3C;script>');
  });

  it('turns mermaid blocks into elements the diagram renderer picks up', async () => {
    const { html } = await renderStory(body, resolve);
    expect(html).toContain('<pre class="mermaid">flowchart LR\n  a --> b</pre>');
  });

  it('nests story headings under the page section and prefixes their anchors', async () => {
    const { headings, html } = await renderStory(body, resolve);
    expect(headings).toEqual([{ depth: 3, slug: 'story-story', text: 'Story' }]);
    expect(html).toContain('<h3 id="story-story">');
  });
});

describe('storyParts', () => {
  const diagram = (source: string) => ({ source, file: 'a/feature.md' }) as unknown as Diagram;

  it('cuts the story at its Mermaid blocks and puts each parsed diagram in its place', () => {
    const html = '<p>Before</p><pre class="mermaid">flowchart LR\nA --&gt; B</pre><ul><li><pre class="mermaid">bad</pre></li></ul><p>After</p>';
    const first = diagram('flowchart LR\nA --> B');
    expect(storyParts(html, [first, null])).toEqual(['<p>Before</p>', first, '<ul><li>', '<pre class="mermaid">bad</pre>', '</li></ul><p>After</p>']);
  });

  it('keeps the story whole when its blocks and the parsed diagrams do not match up', () => {
    const html = '<p>x</p><pre class="mermaid">a</pre>';
    expect(storyParts(html, [])).toEqual([html]);
    expect(storyParts('<p>no diagrams</p>', [])).toEqual(['<p>no diagrams</p>']);
  });
});
