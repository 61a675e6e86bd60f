/**
 * The bench's printed report: a text table per portal size, the scaling between sizes, the large
 * contract, page JavaScript, the live preview, and the budgets of `report.ts`. Pure, like it.
 */
import {
  evaluateBudgets, formatBytes, formatCount, formatRatio, formatSeconds, ratio, scaling,
  type BenchResult, type DevResult, type LargeResult, type PageJsResult, type SizeResult,
} from './report.ts';

/** A text table: by default the first column left-aligned, the others right-aligned (`align` says otherwise, `l` or `r` per column). */
export function table(headers: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const widths = headers.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - [...cell].length);
    return (align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'l' ? cell + fill : fill + cell;
  };
  const line = (cells: string[]) => `  ${cells.map((c, i) => pad(c, i)).join('  ')}`.trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map((r) => line(headers.map((_, i) => r[i] ?? '')))].join('\n');
}

const failed = (code: number) => (code === 0 ? '' : ` (exit ${code})`);

function sizeSection(size: SizeResult): string {
  const s = size.specport;
  const b = size.baseline;
  const row = (label: string, mine: number, theirs: number | undefined, format: (n: number) => string, mineCode = 0, theirCode = 0): string[] => [
    label,
    format(mine) + failed(mineCode),
    theirs === undefined ? '–' : format(theirs) + failed(theirCode),
    formatRatio(ratio(mine, theirs)),
  ];
  const rows = [
    ['check, cold cache', formatSeconds(size.check.coldMs) + failed(size.check.coldCode), '–', '–'],
    ['check, warm cache', formatSeconds(size.check.warmMs) + failed(size.check.warmCode), '–', '–'],
    row('build (cold cache, fresh output)', s.ms, b?.ms, formatSeconds, s.code, b?.code),
    row('peak memory of the build', s.peakRss, b?.peakRss, formatBytes),
    row('output size', s.outputBytes, b?.outputBytes, formatBytes),
    row('Pagefind index (pagefind/)', s.pagefindBytes, b?.pagefindBytes, formatBytes),
    row('pages in the Pagefind index', s.pagefindRecords, b?.pagefindRecords, formatCount),
    row('HTML pages', s.htmlPages, b?.htmlPages, formatCount),
  ];
  const lines = [`Portal of ${formatCount(size.n)} features`, table(['', 'Specport', 'bare Starlight', 'Specport ÷ baseline'], rows)];
  if (b) {
    lines.push(
      `  Pages: Specport ${formatCount(s.htmlPages)}, baseline ${formatCount(b.htmlPages)} (${formatCount(b.markdownPages)} Markdown pages, ${formatCount(b.plainPages)} plain /ref/ pages, Starlight's 404)` +
        (s.htmlPages === b.htmlPages ? ': the same count.' : ': COUNTS DIFFER.'),
    );
    if (b.unmatched.length > 0) lines.push(`  Portal pages without a baseline counterpart: ${b.unmatched.slice(0, 5).join(', ')}${b.unmatched.length > 5 ? ', …' : ''}`);
    lines.push(`  (Writing the baseline project from the portal took ${formatSeconds(b.prepareMs)}, not counted.)`);
  }
  return lines.join('\n');
}

function scalingSection(small: SizeResult, large: SizeResult): string {
  const sp = scaling({ units: small.n, ms: small.specport.ms }, { units: large.n, ms: large.specport.ms });
  const spPages = scaling({ units: small.specport.htmlPages, ms: small.specport.ms }, { units: large.specport.htmlPages, ms: large.specport.ms });
  const b = small.baseline && large.baseline ? scaling({ units: small.n, ms: small.baseline.ms }, { units: large.n, ms: large.baseline.ms }) : undefined;
  const bPages =
    small.baseline && large.baseline ? scaling({ units: small.baseline.htmlPages, ms: small.baseline.ms }, { units: large.baseline.htmlPages, ms: large.baseline.ms }) : undefined;
  const S = formatCount(small.n);
  const L = formatCount(large.n);
  const ms = (v: number | undefined) => (v === undefined ? '–' : formatSeconds(v));
  const rows = [
    [`build per feature at ${S} (t ÷ N)`, ms(sp.perUnitSmall), ms(b?.perUnitSmall)],
    [`build per feature at ${L}`, ms(sp.perUnitLarge), ms(b?.perUnitLarge)],
    [`  ratio ${L} ÷ ${S}`, formatRatio(sp.perUnitRatio), formatRatio(b?.perUnitRatio)],
    [`marginal feature (t${L} − t${S}) ÷ ${formatCount(large.n - small.n)}`, ms(sp.marginal), ms(b?.marginal)],
    [`  marginal ÷ per feature at ${S}`, formatRatio(sp.marginalRatio), formatRatio(b?.marginalRatio)],
    [`build per page at ${S}`, ms(spPages.perUnitSmall), ms(bPages?.perUnitSmall)],
    [`build per page at ${L}`, ms(spPages.perUnitLarge), ms(bPages?.perUnitLarge)],
    [`  ratio ${L} ÷ ${S}`, formatRatio(spPages.perUnitRatio), formatRatio(bPages?.perUnitRatio)],
    [`marginal page`, ms(spPages.marginal), ms(bPages?.marginal)],
    [`  marginal ÷ per page at ${S}`, formatRatio(spPages.marginalRatio), formatRatio(bPages?.marginalRatio)],
  ];
  const checkCold = scaling({ units: small.n, ms: small.check.coldMs }, { units: large.n, ms: large.check.coldMs });
  const checkWarm = scaling({ units: small.n, ms: small.check.warmMs }, { units: large.n, ms: large.check.warmMs });
  return [
    `Scaling, ${S} → ${L} features`,
    table(['', 'Specport', 'bare Starlight'], rows),
    `  check, cold: ${formatSeconds(small.check.coldMs)} → ${formatSeconds(large.check.coldMs)}; (t${L} ÷ t${S}) ÷ ${formatCount(large.n / small.n)} = ${formatRatio(checkCold.growth)} of linear`,
    `  check, warm: ${formatSeconds(small.check.warmMs)} → ${formatSeconds(large.check.warmMs)}; ${formatRatio(checkWarm.growth)} of linear`,
  ].join('\n');
}

function largeSection(large: LargeResult): string {
  const rows = [
    ['contract', `${formatBytes(large.contractBytes)} of JSON, ${formatCount(large.operations)} operations`],
    ['check, cold cache', formatSeconds(large.check.coldMs) + failed(large.check.coldCode)],
    ['check, warm cache', formatSeconds(large.check.warmMs) + failed(large.check.warmCode)],
    ['build (cold cache)', formatSeconds(large.build.ms) + failed(large.build.code)],
    ['peak memory of the build', formatBytes(large.build.peakRss)],
    ['output size', formatBytes(large.build.outputBytes)],
    ['API page: navigation → first operation rendered', large.apiUsableMs === undefined ? 'not measured' : formatSeconds(large.apiUsableMs)],
    ['API page: load event', large.apiLoadMs === undefined ? 'not measured' : formatSeconds(large.apiLoadMs)],
    ['API page: JavaScript, gzip', large.apiJsGzip === undefined ? 'not measured' : formatBytes(large.apiJsGzip)],
  ];
  const lines = ['One bundle with a very large contract', table(['', 'Specport'], rows, ['l', 'l'])];
  if (large.error) lines.push(`  Problem: ${large.error}`);
  return lines.join('\n');
}

function pageJsSection(js: PageJsResult): string {
  const short = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
  const rows = [
    ['JavaScript responses', formatCount(js.feature.scripts.length), formatCount(js.api.scripts.length)],
    ['JavaScript, uncompressed', formatBytes(js.feature.bytes), formatBytes(js.api.bytes)],
    ['JavaScript, gzip -9', formatBytes(js.feature.gzip), formatBytes(js.api.gzip)],
    ['inline <script>, gzip -9 (not in the sum)', formatBytes(js.feature.inlineGzip), formatBytes(js.api.inlineGzip)],
    ['requests to other hosts', formatCount(js.feature.foreign.length), formatCount(js.api.foreign.length)],
  ];
  const biggest = [...js.feature.scripts].sort((a, b) => b.gzip - a.gzip).slice(0, 5);
  return [
    `Page JavaScript (portal of ${formatCount(js.n)} features, ${short(js.feature.url)} and ${short(js.api.url)})`,
    table(['', 'feature page', 'API page'], rows),
    `  Largest scripts on the feature page: ${biggest.map((s) => `${short(s.url).replace(/^.*\//, '')} ${formatBytes(s.gzip)}`).join(', ')}`,
    `  Scalar: ${js.apiOnly.length} script(s) only the API page requests (${formatBytes(js.api.scripts.filter((s) => js.apiOnly.includes(s.url)).reduce((sum, s) => sum + s.gzip, 0))} gzip); ` +
      (js.scalarOnFeature.length === 0 ? 'none of them, and no script with Scalar code, on the feature page.' : `on the feature page: ${js.scalarOnFeature.map(short).join(', ')}`),
  ].join('\n');
}

function devSection(dev: DevResult): string {
  const lines = [`Live preview (astro dev, portal of ${formatCount(dev.n)} features)`];
  const rows = [
    ['start → feature page served', formatSeconds(dev.startMs)],
    ...dev.edits.map((e, i) => [`edit ${i + 1}: write → new title in the <h1>`, `${formatSeconds(e.ms)} (${e.mode === 'live' ? 'by itself' : 'after reload'})`]),
    ['median', dev.edits.length > 0 ? formatSeconds(dev.medianMs) : '–'],
    ['peak memory of the dev server', formatBytes(dev.peakRss)],
  ];
  lines.push(table(['', 'Specport'], rows, ['l', 'l']));
  if (dev.edits.some((e) => e.mode === 'reload')) lines.push('  The page did not update by itself within 30 s; the figure is write → a reload that shows the edit.');
  if (dev.error) lines.push(`  Problem: ${dev.error}`);
  return lines.join('\n');
}

const showMs = (ms: number | undefined) => (ms === undefined ? 'not measured' : formatSeconds(ms));

export function renderReport(result: BenchResult): string {
  const sections: string[] = [];
  sections.push(
    [
      `Specport bench — ${result.startedAt}`,
      `  commit ${result.commit}, Node ${result.node}, ${result.machine}`,
      ...(result.reference ? [`  Machine speed: the reference work (scripts/bench/reference.ts) took ${showMs(result.reference.startMs)} at the start and ${showMs(result.reference.endMs)} at the end; the lower, the faster.`] : []),
      '  Times are wall time of the whole process; memory is the peak resident set of its process tree; 1 KB = 1,024 bytes.',
      ...result.notes.map((n) => `  ${n}`),
    ].join('\n'),
  );
  const sorted = [...result.sizes].sort((a, b) => a.n - b.n);
  for (const size of sorted) sections.push(sizeSection(size));
  if (sorted.length > 1) sections.push(scalingSection(sorted[0]!, sorted[sorted.length - 1]!));
  if (result.large) sections.push(largeSection(result.large));
  if (result.pageJs) sections.push(pageJsSection(result.pageJs));
  if (result.dev) sections.push(devSection(result.dev));
  const budgets = evaluateBudgets(result);
  sections.push(['Budgets', table(['budget', 'figure', ''], budgets.map((b) => [b.budget, b.figure, b.status]), ['l', 'l', 'l'])].join('\n'));
  return `${sections.join('\n\n')}\n`;
}
