/**
 * The portal-wide catalogue for pages: computed once per build, however many entity pages ask.
 * In dev, the one the core built with the live model.
 */
import { buildCatalog, type Catalog } from '../core/catalog.ts';
import type { Backlink } from '../core/model.ts';
import { getFeatures, type FeatureEntry } from './features.ts';
import { devPortal } from './live-portal.ts';

let memo: Promise<Catalog> | undefined;

export function getCatalog(): Promise<Catalog> {
  const portal = devPortal();
  if (portal) return Promise.resolve(portal.catalog);
  return (memo ??= compute());
}

const compute = async () => buildCatalog(await getFeatures()).catalog;

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
