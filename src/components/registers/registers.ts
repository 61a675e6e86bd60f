/**
 * What the register pages share: the filter controls' options (with how many rows carry each
 * value) and the orders that ranked columns sort and list their values in.
 */
import { FEATURE_STATUSES } from '../../core/schemas/feature.ts';
import { STRIDE, THREAT_STATUSES } from '../../core/schemas/threats.ts';
import { byArea } from '../../lib/areas.ts';
import type { FeatureEntry } from '../../lib/features.ts';
import { isSplit, pagedPaths, pagesByArea, type AreaPage, type PagedView } from '../../lib/paging.ts';

export interface FilterOption {
  value: string;
  label: string;
  count: number;
}

/** One `<select>` above a register table; `key` is both the URL parameter and the row's `data-*` name. */
export interface Filter {
  key: string;
  label: string;
  options: FilterOption[];
  /** Rows carry several space-separated values (a threat's STRIDE categories); any may match. */
  multi?: boolean;
}

/**
 * Ranked values, most pressing first: a column that sorts by one of these puts them in this order,
 * so the first click on "Risk" shows the critical threats on top.
 */
export const RANKS = {
  'feature-status': FEATURE_STATUSES,
  priority: ['must', 'should', 'could'],
  risk: ['critical', 'high', 'medium', 'low'],
  severity: ['critical', 'high', 'medium', 'low'],
  status: THREAT_STATUSES,
  stride: STRIDE,
  method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'],
} as const satisfies Record<string, readonly string[]>;

/** `data-sort-order` of a ranked column header. */
export const rankOf = (key: keyof typeof RANKS) => RANKS[key].join(' ');

/**
 * A filter over the values the rows carry: the known order first, then any other value
 * alphabetically, each once, with its count. Values no row carries are left out.
 */
export function filterOf(
  key: string,
  label: string,
  values: Iterable<string | readonly string[]>,
  order: readonly string[] = [],
  labelOf: (value: string) => string = (value) => value,
): Filter {
  const counts = new Map<string, number>();
  let multi = false;
  for (const value of values) {
    multi ||= typeof value !== 'string';
    for (const v of typeof value === 'string' ? [value] : new Set(value)) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const rank = (v: string) => (order.includes(v) ? order.indexOf(v) : order.length);
  const options = [...counts]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([value, count]) => ({ value, label: labelOf(value), count }));
  return { key, label, options, ...(multi ? { multi } : {}) };
}

/** The filters every register has: the feature (by title) and the feature's status. */
export function featureFilters(rowFeatures: readonly FeatureEntry[]): Filter[] {
  const titles = new Map(rowFeatures.map((f) => [f.slug, f.meta.title]));
  const feature = filterOf('feature', 'Feature', rowFeatures.map((f) => f.slug), [], (slug) => titles.get(slug) ?? slug);
  feature.options.sort((a, b) => a.label.localeCompare(b.label));
  return [feature, filterOf('feature-status', 'Feature status', rowFeatures.map((f) => f.meta.status), RANKS['feature-status'])];
}

/** The `data-*` attributes every register row carries for the feature filters. */
export const featureData = (feature: FeatureEntry) => ({ 'data-feature': feature.slug, 'data-feature-status': feature.meta.status });

/** One feature's rows in a register: a register page holds whole features. */
export interface FeatureRows<Row> {
  feature: FeatureEntry;
  rows: Row[];
}

export type RegisterView<Row> = PagedView<FeatureRows<Row>>;

/**
 * `getStaticPaths` of a register at `base` (`/registers/threats/`): one page of every row, or,
 * past PAGE_ROWS rows, an overview of the areas and each area's pages (`paging.ts`).
 */
export function registerPaths<Row>(features: readonly FeatureEntry[], rowsOf: (feature: FeatureEntry) => Row[], base: string) {
  const groups = features.map((feature) => ({ feature, rows: rowsOf(feature) })).filter((g) => g.rows.length > 0);
  const total = groups.reduce((sum, g) => sum + g.rows.length, 0);
  const bySlug = new Map(groups.map((g) => [g.feature.slug, g]));
  const areas = byArea(features).map(({ area, features: list }) => ({ area, items: list.flatMap((f) => bySlug.get(f.slug) ?? []) }));
  return pagedPaths(groups, isSplit(total) ? pagesByArea(areas, base, (g) => g.rows.length) : undefined);
}

/** The rows a register view shows in its table; none for the overview. */
export function rowsOf<Row>(view: RegisterView<Row>): Row[] {
  return view.kind === 'all' ? view.items.flatMap((g) => g.rows) : view.kind === 'area' ? view.page.items.flatMap((g) => g.rows) : [];
}

/** One line of a register's overview: an area, its rows, its pages and its rows by filter value. */
export interface AreaSummary {
  area: string;
  rows: number;
  pages: Array<{ number: number; href: string }>;
  /** The register's filters (but the Feature filter) over the area's rows, with their counts. */
  breakdown: Filter[];
}

/** The overview of a split register: the whole register, then each area, counted by the register's filters. */
export interface RegisterOverview {
  all: AreaSummary;
  areas: AreaSummary[];
}

/** The overview of a split register; undefined for a view that shows rows. */
export function registerOverview<Row>(view: RegisterView<Row>, filtersOf: (rows: Row[]) => Filter[]): RegisterOverview | undefined {
  if (view.kind !== 'overview') return undefined;
  const summary = (area: string, pages: ReadonlyArray<AreaPage<FeatureRows<Row>>>, rows: Row[]): AreaSummary => ({
    area,
    rows: rows.length,
    pages: pages.map((p) => ({ number: p.number, href: p.href })),
    breakdown: filtersOf(rows).filter((f) => f.key !== 'feature'),
  });
  return {
    all: summary('All areas', [], view.items.flatMap((g) => g.rows)),
    areas: [...Map.groupBy(view.pages, (p) => p.area)].map(([area, pages]) => summary(area, pages, pages.flatMap((p) => p.items.flatMap((g) => g.rows)))),
  };
}
