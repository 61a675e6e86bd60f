/** Areas group features (the bundle's parent folders). Large portals navigate by area. */
import type { FeatureEntry } from './features.ts';

/** Above this many features, the sidebar lists only the reader's own area and links the others. */
export const FULL_SIDEBAR_LIMIT = 60;

/** URL segment of an area: `payments/eu` → `payments-eu`. */
export const areaSlug = (area: string) => area.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'general';

export function byArea(features: readonly FeatureEntry[]): Array<{ area: string; slug: string; features: FeatureEntry[] }> {
  const groups = new Map<string, FeatureEntry[]>();
  for (const feature of features) groups.set(feature.area, [...(groups.get(feature.area) ?? []), feature]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([area, list]) => ({ area, slug: areaSlug(area), features: list }));
}
