/**
 * The bench's figures, the ratios and budgets derived from them, and the printed report. Pure:
 * no I/O, no clock, so that it can be unit-tested.
 *
 * Sizes are binary: 1 KB = 1,024 bytes, 1 MB = 1,024 KB, 1 GB = 1,024 MB.
 */

export interface BuildFigures {
  /** Exit code of the build. */
  code: number;
  ms: number;
  peakRss: number;
  outputBytes: number;
  pagefindBytes: number;
  /** Pages Pagefind indexed: the files in `pagefind/fragment/`. */
  pagefindRecords: number;
  htmlPages: number;
}

export interface CheckFigures {
  coldMs: number;
  warmMs: number;
  coldCode: number;
  warmCode: number;
}

export interface BaselineFigures extends BuildFigures {
  /** Time taken to write the baseline project from the portal (not part of any ratio). */
  prepareMs: number;
  markdownPages: number;
  plainPages: number;
  unmatched: string[];
}

export interface SizeResult {
  n: number;
  check: CheckFigures;
  specport: BuildFigures;
  baseline?: BaselineFigures;
}

export interface ScriptFigure {
  url: string;
  bytes: number;
  gzip: number;
}

export interface PageJsFigures {
  url: string;
  scripts: ScriptFigure[];
  /** Sum of the gzip-compressed bodies of every JavaScript response. */
  gzip: number;
  bytes: number;
  /** Inline `<script>` elements of the page, compressed together (information only). */
  inlineGzip: number;
  foreign: string[];
}

export interface PageJsResult {
  n: number;
  feature: PageJsFigures;
  api: PageJsFigures;
  /** Scripts of the API page that the feature page did not request: Scalar's bundle and its chunks. */
  apiOnly: string[];
  /** Scripts the feature page requested that belong to Scalar (an API-only URL, or `@scalar/` code). */
  scalarOnFeature: string[];
  /** Whether the API page loaded any script with `@scalar/` code (a sanity check of the detection). */
  scalarOnApi: boolean;
}

export interface LargeResult {
  operations: number;
  contractBytes: number;
  check: CheckFigures;
  build: BuildFigures;
  /** Navigation start → first operation's heading rendered and visible, in the API page's own clock. */
  apiUsableMs?: number;
  apiLoadMs?: number;
  apiJsGzip?: number;
  foreign: string[];
  error?: string;
}

export interface DevEdit {
  ms: number;
  /** `live`: the open page updated by itself; `reload`: it did not within 30 s, so write → reload showing it. */
  mode: 'live' | 'reload';
}

export interface DevResult {
  n: number;
  /** Spawn → the feature page served with its title. */
  startMs: number;
  edits: DevEdit[];
  medianMs: number;
  peakRss: number;
  error?: string;
}

export interface BenchResult {
  startedAt: string;
  node: string;
  commit: string;
  machine: string;
  sizes: SizeResult[];
  pageJs?: PageJsResult;
  large?: LargeResult;
  dev?: DevResult;
  notes: string[];
}

export type Status = 'ok' | 'over' | 'n/a';

export interface BudgetLine {
  budget: string;
  figure: string;
  status: Status;
}

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

/** `512 B`, `1.5 KB`, `12.3 MB`, `2.05 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (Math.abs(bytes) < KB) return `${Math.round(bytes)} B`;
  if (Math.abs(bytes) < MB) return `${(bytes / KB).toFixed(1)} KB`;
  if (Math.abs(bytes) < GB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / GB).toFixed(2)} GB`;
}

/** A duration with three significant digits, in seconds from 1 s up: `0.421 ms`, `42.1 ms`, `880 ms`, `1.5 s`, `15.2 s`, `152 s`, `1520 s`. */
export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 s';
  if (Math.abs(ms) < 1000) return `${Number(ms.toPrecision(3)).toString()} ms`;
  const s = ms / 1000;
  if (Math.abs(s) >= 1000) return `${s.toFixed(0)} s`;
  return `${Number(s.toPrecision(3)).toString()} s`;
}

/** `1.23×`; `–` when undefined. */
export const formatRatio = (ratio: number | undefined) => (ratio === undefined || !Number.isFinite(ratio) ? '–' : `${ratio.toFixed(2)}×`);

export const formatCount = (n: number) => n.toLocaleString('en-US');

/** a ÷ b, undefined when either is missing or b is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  return a / b;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Scaling {
  small: number;
  large: number;
  /** Cost per unit (feature or page) at each end. */
  perUnitSmall: number;
  perUnitLarge: number;
  /** perUnitLarge ÷ perUnitSmall. */
  perUnitRatio: number;
  /** (tLarge − tSmall) ÷ (large − small): what one more unit costs. */
  marginal: number;
  /** marginal ÷ perUnitSmall. */
  marginalRatio: number;
  /** (tLarge ÷ tSmall) ÷ (large ÷ small): 1 is linear growth, above 1 faster than linear. */
  growth: number;
}

/** How a cost grows from `small` units to `large` units. */
export function scaling(small: { units: number; ms: number }, large: { units: number; ms: number }): Scaling {
  const perUnitSmall = small.ms / small.units;
  const perUnitLarge = large.ms / large.units;
  const marginal = (large.ms - small.ms) / (large.units - small.units);
  return {
    small: small.units,
    large: large.units,
    perUnitSmall,
    perUnitLarge,
    perUnitRatio: perUnitLarge / perUnitSmall,
    marginal,
    marginalRatio: marginal / perUnitSmall,
    growth: large.ms / small.ms / (large.units / small.units),
  };
}

/** ok when `value` ≤ `limit`; n/a when there is no value. */
export const atMost = (value: number | undefined, limit: number): Status => (value === undefined || !Number.isFinite(value) ? 'n/a' : value <= limit ? 'ok' : 'over');

/** The smallest and the largest measured size, when there are two. */
function ends(result: BenchResult): { small: SizeResult | undefined; large: SizeResult | undefined } {
  const sorted = [...result.sizes].sort((a, b) => a.n - b.n);
  if (sorted.length === 0) return { small: undefined, large: undefined };
  return { small: sorted.length > 1 ? sorted[0] : undefined, large: sorted[sorted.length - 1] };
}

export function evaluateBudgets(result: BenchResult): BudgetLine[] {
  const lines: BudgetLine[] = [];
  const { small, large } = ends(result);
  const L = large ? formatCount(large.n) : 'N';
  const S = small ? formatCount(small.n) : 'n';

  const buildRatio = large?.baseline && large.specport.code === 0 && large.baseline.code === 0 ? ratio(large.specport.ms, large.baseline.ms) : undefined;
  lines.push({
    budget: `build of ${L} features ≤ 1.5× bare Starlight (same pages)`,
    figure: buildRatio === undefined ? 'not measured' : `${formatRatio(buildRatio)} (${formatSeconds(large!.specport.ms)} vs ${formatSeconds(large!.baseline!.ms)})`,
    status: atMost(buildRatio, 1.5),
  });

  const perFeature = small && large && small.specport.code === 0 && large.specport.code === 0 ? scaling({ units: small.n, ms: small.specport.ms }, { units: large.n, ms: large.specport.ms }) : undefined;
  lines.push({
    budget: `per-feature build cost at ${L} within 20% of that at ${S}`,
    figure: perFeature ? `${formatRatio(perFeature.perUnitRatio)} (${formatSeconds(perFeature.perUnitLarge)} vs ${formatSeconds(perFeature.perUnitSmall)} per feature)` : 'not measured',
    // Cheaper per feature at the larger size is within budget too.
    status: atMost(perFeature?.perUnitRatio, 1.2),
  });

  for (const kind of ['cold', 'warm'] as const) {
    const ms = large ? (kind === 'cold' ? large.check.coldMs : large.check.warmMs) : undefined;
    lines.push({ budget: `check of ${L} bundles (${kind} cache) ≤ 3 s`, figure: ms === undefined ? 'not measured' : formatSeconds(ms), status: atMost(ms, 3000) });
  }

  const checkGrowth = small && large ? scaling({ units: small.n, ms: small.check.coldMs }, { units: large.n, ms: large.check.coldMs }).growth : undefined;
  lines.push({
    budget: `check (cold) grows no more than linearly, ${S} → ${L}`,
    figure: checkGrowth === undefined ? 'not measured' : `${formatRatio(checkGrowth)} of linear (${formatSeconds(small!.check.coldMs)} → ${formatSeconds(large!.check.coldMs)})`,
    status: atMost(checkGrowth, 1),
  });

  lines.push({
    budget: `peak memory of the ${L}-feature build ≤ 2 GB`,
    // The floor: bare Starlight with the same pages (and Pagefind over them) may itself need more.
    figure: large ? `${formatBytes(large.specport.peakRss)}${large.baseline ? ` (bare Starlight: ${formatBytes(large.baseline.peakRss)})` : ''}` : 'not measured',
    status: atMost(large?.specport.peakRss, 2 * GB),
  });

  const js = result.pageJs;
  lines.push({
    budget: 'feature page ships ≤ 150 KB of compressed JavaScript',
    figure: js ? `${formatBytes(js.feature.gzip)} gzip in ${js.feature.scripts.length} scripts` : 'not measured',
    status: atMost(js?.feature.gzip, 150 * KB),
  });
  lines.push({
    budget: "Scalar's bundle loads only on API pages",
    figure: js ? `${js.scalarOnFeature.length} Scalar script(s) on the feature page; ${js.apiOnly.length} API-only script(s)${js.scalarOnApi ? ' with Scalar' : ', none with Scalar code'} on the API page` : 'not measured',
    status: js ? (js.scalarOnFeature.length === 0 && js.scalarOnApi ? 'ok' : 'over') : 'n/a',
  });

  const foreign = [...(js?.feature.foreign ?? []), ...(js?.api.foreign ?? []), ...(result.large?.foreign ?? [])];
  const browserRan = Boolean(js) || result.large?.apiUsableMs !== undefined;
  lines.push({
    budget: 'no request to another host than the local server',
    figure: browserRan ? (foreign.length === 0 ? 'none' : `${foreign.length}: ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}`) : 'not measured',
    status: browserRan ? (foreign.length === 0 ? 'ok' : 'over') : 'n/a',
  });

  const dev = result.dev;
  const devMs = dev && dev.edits.length > 0 ? dev.medianMs : undefined;
  const modes = dev ? [...new Set(dev.edits.map((e) => e.mode))].join('/') : '';
  lines.push({
    budget: `dev: an edit to one bundle of ${dev ? formatCount(dev.n) : L} features shows ≤ 1 s`,
    figure: devMs === undefined ? (dev?.error ? `failed: ${dev.error}` : 'not measured') : `${formatSeconds(devMs)} median of ${dev!.edits.length} (${modes === 'live' ? 'page updated by itself' : modes === 'reload' ? 'never by itself: write → reload' : 'mixed: live and reload'})`,
    // An edit that only shows after a reload misses the budget whatever its time.
    status: devMs === undefined ? 'n/a' : dev!.edits.some((e) => e.mode === 'reload') ? 'over' : atMost(devMs, 1000),
  });
  return lines;
}

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

export function renderReport(result: BenchResult): string {
  const sections: string[] = [];
  sections.push(
    [
      `Specport bench — ${result.startedAt}`,
      `  commit ${result.commit}, Node ${result.node}, ${result.machine}`,
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
