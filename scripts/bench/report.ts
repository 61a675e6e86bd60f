/**
 * The bench's figures, and the ratios and budgets derived from them (render.ts prints them). Pure:
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
  /** How long the reference work took (reference.ts) at the start and at the end of the run. */
  reference?: { startMs: number | undefined; endMs?: number | undefined };
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
    figure:
      devMs === undefined
        ? dev?.error
          ? `failed: ${dev.error}`
          : 'not measured'
        : `${formatSeconds(devMs)} median of ${dev!.edits.length}, ${dev!.edits.filter((e) => e.ms <= 1000).length} within 1 s, slowest ${formatSeconds(Math.max(...dev!.edits.map((e) => e.ms)))} (${modes === 'live' ? 'page updated by itself' : modes === 'reload' ? 'never by itself: write → reload' : 'mixed: live and reload'})`,
    // An edit that only shows after a reload misses the budget whatever its time.
    status: devMs === undefined ? 'n/a' : dev!.edits.some((e) => e.mode === 'reload') ? 'over' : atMost(devMs, 1000),
  });
  return lines;
}
