/**
 * The pure parts of `npm run bench`: page text extraction for the bare-Starlight baseline,
 * Markdown escaping, ratios and budgets, formatting and the command line. No timing here.
 */
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../scripts/bench/options.ts';
import {
  decodeEntities,
  escapeMarkdown,
  extractStarlightPage,
  htmlToBlocks,
  innerHtmlOf,
  routeOfFile,
  textOf,
  toMarkdownPage,
} from '../../scripts/bench/page-text.ts';
import {
  atMost,
  evaluateBudgets,
  formatBytes,
  formatRatio,
  formatSeconds,
  median,
  ratio,
  scaling,
  type BenchResult,
  type SizeResult,
} from '../../scripts/bench/report.ts';
import { referenceMs } from '../../scripts/bench/reference.ts';
import { renderReport, table } from '../../scripts/bench/render.ts';

/** The shape of a built Starlight page: sidebar, title outside the content, content, scripts. */
const starlightPage = (content: string, options: { indexed?: boolean; title?: string } = {}) => `<!DOCTYPE html><html lang="en"><head><title>x | Specport</title>
<script>document.documentElement.dataset.theme = "dark";</script><style>main { color: red }</style></head>
<body><nav class="sidebar"><a href="/">Home</a><a href="/features/a/">Sidebar entry</a></nav>
<main${options.indexed === false ? '' : ' data-pagefind-body'} class="astro-1" lang="en"><div class="content-panel"><div class="sl-container"><h1 id="_top" class="astro-2">${options.title ?? 'Cart &amp; stock'}</h1></div></div>
<div class="content-panel"><div class="sl-container"><div class="sl-markdown-content">${content}</div></div></div>
<footer><p>Footer text</p></footer></main></body></html>`;

describe('page text for the baseline', () => {
  it('decodes named and numeric character references, leaving unknown ones as written', () => {
    expect(decodeEntities('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &#x2192; &#8212; &nbsp;')).toBe('a & b <c> "d" \'e\' → — \u00a0');
    expect(decodeEntities('&unknown; &#0; &#x110000;')).toBe('&unknown; \ufffd \ufffd');
    expect(decodeEntities('no references')).toBe('no references');
  });

  it('finds the inner HTML of an element across nested elements of the same name', () => {
    const html = '<div class="a"><div class="b"><div>1</div><div>2</div></div><p>3</p></div><div>after</div>';
    expect(innerHtmlOf(html, (_, attrs) => attrs.includes('"b"'))).toBe('<div>1</div><div>2</div>');
    expect(innerHtmlOf(html, (_, attrs) => attrs.includes('"a"'))).toBe('<div class="b"><div>1</div><div>2</div></div><p>3</p>');
    expect(innerHtmlOf(html, (name) => name === 'section')).toBeUndefined();
    // A `<div` inside a script or a comment does not count.
    expect(innerHtmlOf('<div id="x"><script>"<div>"</script><!-- <div> -->y</div>z', (_, attrs) => attrs.includes('"x"'))).toBe('<script>"<div>"</script><!-- <div> -->y');
  });

  it('turns block elements into paragraphs and h2–h6 into headings, dropping what is not text', () => {
    const blocks = htmlToBlocks(
      '<p class="sp-summary">A <strong>server-side</strong> cart.</p>' +
        '<div class="sl-heading-wrapper"><h2 id="story">Story</h2><a class="sl-anchor-link" href="#story"><span class="sr-only">Section titled “Story”</span></a></div>' +
        '<dl><div><dt>Status</dt><dd><span>ready</span></dd></div></dl>' +
        '<script>var x = "<p>not text</p>";</script><style>p{}</style><svg><text>chart</text><svg><text>inner</text></svg></svg>' +
        '<template><p>hidden</p></template>' +
        '<table><tr><th>ID</th><th>Statement</th></tr><tr><td>F1-NFR-01</td><td>p95 &le; 100&nbsp;ms</td></tr></table>' +
        '<h4>Deep</h4><h1>Inner title</h1>text<br>more  \n  text',
    );
    expect(blocks).toEqual([
      { kind: 'paragraph', text: 'A server-side cart.' },
      { kind: 'heading', level: 2, text: 'Story' },
      { kind: 'paragraph', text: 'Status' },
      { kind: 'paragraph', text: 'ready' },
      { kind: 'paragraph', text: 'ID Statement' },
      { kind: 'paragraph', text: 'F1-NFR-01 p95 ≤ 100 ms' },
      { kind: 'heading', level: 4, text: 'Deep' },
      { kind: 'heading', level: 2, text: 'Inner title' },
      { kind: 'paragraph', text: 'text' },
      { kind: 'paragraph', text: 'more text' },
    ]);
  });

  it('keeps a lone < and attribute values holding > as they are', () => {
    expect(textOf('<p title="a > b">1 < 2</p><a href="/x?a=1&amp;b=2">link</a>')).toBe('1 < 2 link');
  });

  it("extracts a Starlight page's title, content text and Pagefind status, without sidebar, scripts or footer", () => {
    const page = extractStarlightPage(starlightPage('<p>Story &lt;b&gt; text.</p><h2>NFRs</h2><p>F1-NFR-01</p>'));
    expect(page).toEqual({
      title: 'Cart & stock',
      indexed: true,
      blocks: [
        { kind: 'paragraph', text: 'Story <b> text.' },
        { kind: 'heading', level: 2, text: 'NFRs' },
        { kind: 'paragraph', text: 'F1-NFR-01' },
      ],
    });
    expect(extractStarlightPage(starlightPage('<p>API</p>', { indexed: false }))?.indexed).toBe(false);
  });

  it('does not take a page without Starlight content (a /ref/ page) for a Starlight page', () => {
    const ref = '<!doctype html><html><head><meta http-equiv="refresh" content="0; url=/features/a/#X"></head><body><main data-pagefind-body><h1><code>X</code></h1><p>NFR in A</p></main></body></html>';
    expect(extractStarlightPage(ref)).toBeUndefined();
  });

  it('escapes every character that could start Markdown or HTML, so the text renders as written', () => {
    expect(escapeMarkdown('a *b* _c_ `d` [e](f) <g> {h} #i |j| ~k~ &amp; op:x !l \\ $m ^n "o" \'p\'')).toBe(
      'a \\*b\\* \\_c\\_ \\`d\\` \\[e\\]\\(f\\) \\<g\\> \\{h\\} \\#i \\|j\\| \\~k\\~ \\&amp; op\\:x \\!l \\\\ \\$m \\^n \\"o\\" \\\'p\\\'',
    );
    // Line starts that would make a list item, a heading underline or an ordered list.
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('= underline')).toBe('\\= underline');
    expect(escapeMarkdown('+ item')).toBe('\\+ item');
    expect(escapeMarkdown('12. twelve')).toBe('12\\. twelve');
    expect(escapeMarkdown('3) three')).toBe('3\\) three');
    expect(escapeMarkdown('a - b = c 1. d')).toBe('a - b = c 1. d');
  });

  it('maps built files to routes', () => {
    expect(routeOfFile('index.html')).toBe('');
    expect(routeOfFile('features/a/index.html')).toBe('features/a/');
    expect(routeOfFile('entities/Order/index.html')).toBe('entities/Order/');
    expect(routeOfFile('404.html')).toBe('404.html');
  });

  it('writes a Markdown page with the title, an explicit slug that keeps the case, and pagefind: false when not indexed', () => {
    const page = { title: 'Order "entity"', indexed: false, blocks: [{ kind: 'heading' as const, level: 3, text: 'Attributes' }, { kind: 'paragraph' as const, text: 'id <PK>' }] };
    expect(toMarkdownPage(page, 'entities/Order/')).toBe('---\ntitle: "Order \\"entity\\""\nslug: "entities/Order"\npagefind: false\n---\n\n### Attributes\n\nid \\<PK\\>\n');
    expect(toMarkdownPage({ title: 'Home', indexed: true, blocks: [] }, '')).toBe('---\ntitle: "Home"\n---\n\n\n');
  });
});

describe('figures', () => {
  it('formats bytes in binary units, durations with three significant digits, ratios with two decimals', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(150 * 1024)).toBe('150.0 KB');
    expect(formatBytes(12.34 * 2 ** 20)).toBe('12.3 MB');
    expect(formatBytes(2 * 2 ** 30)).toBe('2.00 GB');
    expect(formatSeconds(880)).toBe('880 ms');
    expect(formatSeconds(42.1)).toBe('42.1 ms');
    expect(formatSeconds(0.4213)).toBe('0.421 ms');
    expect(formatSeconds(-48.8)).toBe('-48.8 ms');
    expect(formatSeconds(1500)).toBe('1.5 s');
    expect(formatSeconds(15_234)).toBe('15.2 s');
    expect(formatSeconds(152_400)).toBe('152 s');
    expect(formatSeconds(1_520_000)).toBe('1520 s');
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(undefined)).toBe('–');
  });

  it('computes ratios only when both figures exist and the divisor is not 0', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('derives per-unit, marginal and growth figures between two sizes', () => {
    // 100 features in 20 s, 1,000 in 290 s: 0.2 s and 0.29 s per feature, 0.3 s per added feature.
    const s = scaling({ units: 100, ms: 20_000 }, { units: 1000, ms: 290_000 });
    expect(s.perUnitSmall).toBe(200);
    expect(s.perUnitLarge).toBe(290);
    expect(s.perUnitRatio).toBeCloseTo(1.45);
    expect(s.marginal).toBe(300);
    expect(s.marginalRatio).toBeCloseTo(1.5);
    expect(s.growth).toBeCloseTo(1.45);
    // A fixed start-up cost makes growth sub-linear.
    expect(scaling({ units: 100, ms: 1000 }, { units: 1000, ms: 3000 }).growth).toBeCloseTo(0.3);
  });

  it('marks a figure ok at or under its limit, over above it, n/a when missing', () => {
    expect(atMost(1.5, 1.5)).toBe('ok');
    expect(atMost(1.51, 1.5)).toBe('over');
    expect(atMost(undefined, 1.5)).toBe('n/a');
    expect(atMost(NaN, 1.5)).toBe('n/a');
  });

  it('aligns table columns: the first to the left, the others to the right unless told', () => {
    expect(table(['', 'a', 'b'], [['row', '1', '10'], ['longer row', '100', '2']])).toBe(
      ['                a   b', '  ──────────  ───  ──', '  row           1  10', '  longer row  100   2'].join('\n'),
    );
    expect(table(['k', 'v'], [['a', 'long value'], ['b', 'x']], ['l', 'l'])).toBe(['  k  v', '  ─  ──────────', '  a  long value', '  b  x'].join('\n'));
  });
});

const GB = 2 ** 30;
const size = (n: number, specportMs: number, baselineMs: number, checkMs: number, peakRss = GB): SizeResult => ({
  n,
  check: { coldMs: checkMs, warmMs: checkMs / 4, coldCode: 0, warmCode: 0 },
  specport: { code: 0, ms: specportMs, peakRss, outputBytes: 100 * n, pagefindBytes: 10 * n, pagefindRecords: 40 * n, htmlPages: 50 * n },
  baseline: { code: 0, ms: baselineMs, peakRss: GB / 2, outputBytes: 80 * n, pagefindBytes: 10 * n, pagefindRecords: 40 * n, htmlPages: 50 * n, prepareMs: 1, markdownPages: 5 * n, plainPages: 45 * n - 1, unmatched: [] },
});

const bench = (sizes: SizeResult[], extra: Partial<BenchResult> = {}): BenchResult => ({
  startedAt: '2026-01-01T00:00:00.000Z',
  node: 'v24.0.0',
  commit: 'abc1234',
  machine: '2 cores',
  sizes,
  notes: [],
  ...extra,
});

const status = (result: BenchResult, start: string) => evaluateBudgets(result).find((b) => b.budget.startsWith(start))?.status;
const figure = (result: BenchResult, start: string) => evaluateBudgets(result).find((b) => b.budget.startsWith(start))?.figure;

describe('budgets', () => {
  it('evaluates the build, scaling, check and memory budgets against the largest and smallest sizes', () => {
    const result = bench([size(1000, 150_000, 100_000, 2_900, 1.9 * GB), size(100, 14_000, 10_000, 400)]);
    expect(status(result, 'build of 1,000 features')).toBe('ok'); // 1.5×
    expect(status(result, 'per-feature build cost at 1,000')).toBe('ok'); // 150 ÷ 140 = 1.07
    expect(status(result, 'check of 1,000 bundles (cold')).toBe('ok');
    expect(status(result, 'check (cold) grows')).toBe('ok'); // 2.9 ÷ 0.4 ÷ 10 = 0.73
    expect(status(result, 'peak memory')).toBe('ok');
    // The figure names the floor next to it: bare Starlight's own peak.
    expect(evaluateBudgets(result).find((b) => b.budget.startsWith('peak memory'))?.figure).toBe('1.90 GB (bare Starlight: 512.0 MB)');
    expect(status(result, 'feature page')).toBe('n/a');
    expect(status(result, 'dev')).toBe('n/a');

    const worse = bench([size(100, 10_000, 10_000, 200), size(1000, 160_000, 100_000, 3_100, 4 * GB)]);
    expect(status(worse, 'build of 1,000 features')).toBe('over'); // 1.6×
    expect(status(worse, 'per-feature build cost')).toBe('over'); // 1.6
    expect(status(worse, 'check of 1,000 bundles (cold')).toBe('over');
    expect(status(worse, 'check (cold) grows')).toBe('over'); // 1.55
    expect(status(worse, 'peak memory')).toBe('over');
  });

  it('leaves the scaling budgets n/a with a single size, and the build budget n/a when a build failed', () => {
    const one = bench([size(1000, 150_000, 100_000, 2_000)]);
    expect(status(one, 'per-feature')).toBe('n/a');
    expect(status(one, 'check (cold) grows')).toBe('n/a');
    const failed = size(1000, 150_000, 100_000, 2_000);
    failed.baseline!.code = 1;
    expect(status(bench([failed]), 'build of 1,000')).toBe('n/a');
  });

  it('evaluates page JavaScript, Scalar, foreign requests and the dev edit', () => {
    const scripts = [{ url: 'http://127.0.0.1/_astro/page.js', bytes: 400_000, gzip: 140 * 1024 }];
    const pageJs = {
      n: 1000,
      feature: { url: 'http://127.0.0.1/features/f/', scripts, gzip: 140 * 1024, bytes: 400_000, inlineGzip: 1000, foreign: [] },
      api: { url: 'http://127.0.0.1/features/f/api/', scripts, gzip: 600 * 1024, bytes: 2_000_000, inlineGzip: 1000, foreign: [] },
      apiOnly: ['http://127.0.0.1/_astro/api.js'],
      scalarOnFeature: [],
      scalarOnApi: true,
    };
    const ok = bench([], { pageJs, dev: { n: 1000, startMs: 60_000, edits: [{ ms: 900, mode: 'live' }, { ms: 700, mode: 'live' }, { ms: 2000, mode: 'live' }], medianMs: 900, peakRss: GB } });
    expect(status(ok, 'feature page ships')).toBe('ok');
    expect(status(ok, "Scalar's bundle")).toBe('ok');
    expect(status(ok, 'no request')).toBe('ok');
    expect(status(ok, 'dev')).toBe('ok');
    expect(figure(ok, 'dev')).toBe('900 ms median of 3, 2 within 1 s, slowest 2 s (page updated by itself)');

    const bad = bench([], {
      pageJs: { ...pageJs, feature: { ...pageJs.feature, gzip: 151 * 1024, foreign: ['https://cdn.example.com/x.js'] }, scalarOnFeature: ['http://127.0.0.1/_astro/api.js'] },
      dev: { n: 1000, startMs: 60_000, edits: [{ ms: 500, mode: 'reload' }], medianMs: 500, peakRss: GB },
    });
    expect(status(bad, 'feature page ships')).toBe('over');
    expect(status(bad, "Scalar's bundle")).toBe('over');
    expect(status(bad, 'no request')).toBe('over');
    // Only visible after a reload: over, however fast.
    expect(status(bad, 'dev')).toBe('over');
  });

  it('prints every section and a budget table with units', () => {
    const text = renderReport(bench([size(100, 14_000, 10_000, 400), size(1000, 150_000, 100_000, 2_900)]));
    expect(text).toContain('Portal of 100 features');
    expect(text).toContain('Portal of 1,000 features');
    expect(text).toContain('Scaling, 100 → 1,000 features');
    expect(text).toContain('Pages: Specport 50,000, baseline 50,000');
    expect(text).toContain('the same count.');
    expect(text).toMatch(/pages in the Pagefind index\s+40,000\s+40,000\s+1\.00×/);
    expect(text).toMatch(/build \(cold cache, fresh output\)\s+150 s\s+100 s\s+1\.50×/);
    expect(text).toMatch(/Budgets\n/);
    expect(text).toMatch(/build of 1,000 features ≤ 1\.5× bare Starlight \(same pages\)\s+1\.50× \(150 s vs 100 s\)\s+ok/);
    expect(text).not.toContain('Machine speed');
  });

  it('says how fast the machine was at the start and at the end of the run', () => {
    const text = renderReport(bench([size(100, 14_000, 10_000, 400)], { reference: { startMs: 1_430, endMs: undefined } }));
    expect(text).toContain('the reference work (scripts/bench/reference.ts) took 1.43 s at the start and not measured at the end');
  });
});

describe('the reference work', () => {
  it('is timed in fresh processes, as the median', () => {
    const ms = referenceMs(1);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(120_000);
  }, 180_000);
});

describe('command line', () => {
  it('defaults to 100 and 1,000 features with every part on', () => {
    expect(parseOptions([])).toEqual({ sizes: [100, 1000], skipLarge: false, skipDev: false, skipBrowser: false, keep: false });
  });

  it('takes sizes, flags and a JSON file', () => {
    expect(parseOptions(['--sizes', '1000,20,1_000', '--skip-large', '--skip-dev', '--skip-browser', '--json', 'out.json', '--keep'])).toEqual({
      sizes: [20, 1000],
      skipLarge: true,
      skipDev: true,
      skipBrowser: true,
      json: 'out.json',
      keep: true,
    });
  });

  it('refuses sizes that are not whole numbers, and unknown options', () => {
    expect(() => parseOptions(['--sizes', '100,abc'])).toThrow(/whole numbers/);
    expect(() => parseOptions(['--sizes', '0'])).toThrow(/whole numbers/);
    expect(() => parseOptions(['--fast'])).toThrow();
  });
});
