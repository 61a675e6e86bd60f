/** The portal-wide catalogue for pages: the one the core built with the model (live-portal.ts). */
import type { Catalog } from '../core/catalog.ts';
import type { Backlink } from '../core/model.ts';
import type { FeatureEntry } from './features.ts';
import { pagePortal } from './live-portal.ts';

export const getCatalog = async (): Promise<Catalog> => pagePortal().catalog;

/**
 * Everything that references an entity (`entity:Order`), across features. A reference is stored
 * on the declaring feature it resolved to, under `entity-<Name>`; several features may declare
 * the entity, so the links are gathered from all of them, each once.
 */
export function entityBacklinks(features: readonly FeatureEntry[], name: string): Backlink[] {
  const links: Backlink[] = [];
  for (const feature of features) {
    for (const link of feature.backlinks[`entity-${name}`] ?? []) {
      if (!links.some((l) => l.feature === link.feature && l.from === link.from)) links.push(link);
    }
  }
  return links.sort((a, b) => a.feature.localeCompare(b.feature) || a.from.localeCompare(b.from));
}
