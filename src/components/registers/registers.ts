/**
 * What the register pages share: the filter controls' options (with how many rows carry each
 * value) and the orders that ranked columns sort and list their values in.
 */
import { FEATURE_STATUSES } from '../../core/schemas/feature.ts';
import { STRIDE, THREAT_STATUSES } from '../../core/schemas/threats.ts';
import type { FeatureEntry } from '../../lib/features.ts';

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
