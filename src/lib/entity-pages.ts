/**
 * The entity index split by area (`paging.ts`): past PAGE_ROWS entities, `/entities/` shows the
 * areas, and `/entities/areas/<area>/` lists the entities that area's features declare or relate,
 * each with only that area's features. An entity several areas use is listed in each of them.
 */
import type { EntityView } from '../core/catalog.ts';
import { entityBacklinks } from './catalog.ts';
import { byArea } from './areas.ts';
import type { FeatureEntry } from './features.ts';
import { isSplit, pagesByArea, type AreaPage } from './paging.ts';

/** On an area page, a row lists at most this many declaring features and counts the rest. */
export const ENTITY_ROW_FEATURES = 10;

export interface EntityRow {
  entity: EntityView;
  /** Distinct attribute names. */
  attributes: number;
  /** The features that declare it (on an area page: that area's, at most ENTITY_ROW_FEATURES). */
  declaredIn: string[];
  /** Declaring features not listed in `declaredIn`. */
  more: number;
  references: number;
}

const declaring = (entity: EntityView) => entity.declarations.map((d) => d.feature).filter((slug, i, all) => all.indexOf(slug) === i);

/** Every entity, with every feature that declares it: the index of a portal that fits on one page. */
export function entityRows(entities: readonly EntityView[], features: readonly FeatureEntry[]): EntityRow[] {
  return entities.map((entity) => ({
    entity,
    attributes: new Set(entity.attributes.map((a) => a.name)).size,
    declaredIn: declaring(entity),
    more: 0,
    references: entityBacklinks(features, entity.name).length,
  }));
}

/** The area pages of the entity index, or undefined while every entity fits on `/entities/`. */
export function entityPages(entities: readonly EntityView[], features: readonly FeatureEntry[]): AreaPage<EntityRow>[] | undefined {
  if (!isSplit(entities.length)) return undefined;
  const rows = entityRows(entities, features);
  const areas = byArea(features).map(({ area, features: list }) => {
    const slugs = new Set(list.map((f) => f.slug));
    const items = rows.flatMap((row) => {
      if (!row.entity.features.some((slug) => slugs.has(slug))) return [];
      const inArea = row.declaredIn.filter((slug) => slugs.has(slug));
      return [{ ...row, declaredIn: inArea.slice(0, ENTITY_ROW_FEATURES), more: row.declaredIn.length - Math.min(inArea.length, ENTITY_ROW_FEATURES) }];
    });
    return { area, items };
  });
  return pagesByArea(areas, '/entities/areas/');
}
