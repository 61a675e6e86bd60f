/**
 * The system landscape split by area (`paging.ts`): past PAGE_ROWS components and relations,
 * `/system/` shows the areas and the relations between them, and each area's features get pages
 * of their own (`/system/<area>/`), drawing only the components and relations those features draw.
 */
import type { Catalog, ComponentView, RelationView } from '../core/catalog.ts';
import { homeOf, type Home } from '../core/landscape.ts';
import { byArea } from './areas.ts';
import type { FeatureEntry } from './features.ts';
import { isSplit, pagedPaths, pagesByArea, type AreaPage } from './paging.ts';

/** A component or relation as one page lists it: with the features on that page, and how many others draw it. */
export type Listed<T extends { features: string[] }> = T & {
  /** Features off this page that touch it too. */
  elsewhere: number;
};

export interface PageLandscape {
  components: Array<Listed<ComponentView>>;
  relations: Array<Listed<RelationView>>;
}

/** A feature weighs the components and relations its context diagram draws (at least 1, to be listed). */
const weight = (feature: FeatureEntry) => Math.max(1, (feature.context?.components.length ?? 0) + (feature.context?.relations.length ?? 0));

/** `getStaticPaths` of `/system/[...page]`: the whole landscape, or the overview and each area's pages. */
export function landscapePaths(features: FeatureEntry[], catalog: Pick<Catalog, 'components' | 'relations'>) {
  const split = isSplit(catalog.components.length + catalog.relations.length);
  const areas = byArea(features).map(({ area, features: items }) => ({ area, items }));
  return pagedPaths(features, split ? pagesByArea(areas, '/system/', weight) : undefined);
}

/** The part of the landscape a page's features draw: their components and relations, each listing only those features. */
export function pageLandscape(catalog: Pick<Catalog, 'components' | 'relations'>, page: AreaPage<FeatureEntry>): PageLandscape {
  const slugs = new Set(page.items.map((f) => f.slug));
  const listed = <T extends { features: string[] }>(list: readonly T[]): Array<Listed<T>> =>
    list.flatMap((item) => {
      const features = item.features.filter((slug) => slugs.has(slug));
      return features.length > 0 ? [{ ...item, features, elsewhere: item.features.length - features.length }] : [];
    });
  return { components: listed(catalog.components), relations: listed(catalog.relations) };
}

/** One line of the overview: an area, what its features draw, and its pages. */
export interface LandscapeAreaSummary {
  area: string;
  features: number;
  /** Components its features touch, and how many of them features of other areas touch too. */
  components: number;
  shared: number;
  relations: number;
  pages: ReadonlyArray<AreaPage<FeatureEntry>>;
}

export function areaSummaries(catalog: Pick<Catalog, 'components' | 'relations'>, pages: ReadonlyArray<AreaPage<FeatureEntry>>): LandscapeAreaSummary[] {
  return [...Map.groupBy(pages, (p) => p.area)].map(([area, list]) => {
    const slugs = new Set(list.flatMap((p) => p.items.map((f) => f.slug)));
    const components = catalog.components.filter((c) => c.areas.includes(area));
    return {
      area,
      features: slugs.size,
      components: components.length,
      shared: components.filter((c) => c.areas.length > 1).length,
      relations: catalog.relations.filter((r) => r.features.some((slug) => slugs.has(slug))).length,
      pages: list,
    };
  });
}

/**
 * The relations between areas, as the overview diagram draws them: a component inside one area
 * stands for its area, components of several areas are "shared", external systems are one side;
 * relations within one side are left out. Areas come first, then shared components, then external systems.
 */
export function relationsBetweenAreas(catalog: Pick<Catalog, 'components' | 'relations'>): Array<{ from: Home; to: Home; count: number }> {
  const byId = new Map(catalog.components.map((c) => [c.id, c]));
  const keyOf = (side: Home) => (side.kind === 'area' ? `area:${side.area}` : side.kind);
  const rank = (side: Home) => ['area', 'shared', 'external'].indexOf(side.kind);
  const compare = (a: Home, b: Home) => rank(a) - rank(b) || keyOf(a).localeCompare(keyOf(b));
  const edges = new Map<string, { from: Home; to: Home; count: number }>();
  for (const relation of catalog.relations) {
    const from = byId.get(relation.from);
    const to = byId.get(relation.to);
    if (!from || !to) continue;
    const sides = [homeOf(from), homeOf(to)] as const;
    const key = `${keyOf(sides[0])}\u0000${keyOf(sides[1])}`;
    if (keyOf(sides[0]) === keyOf(sides[1])) continue;
    const edge = edges.get(key) ?? { from: sides[0], to: sides[1], count: 0 };
    edge.count++;
    edges.set(key, edge);
  }
  return [...edges.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to));
}
