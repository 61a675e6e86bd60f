/**
 * The portal's permanent links for pages and components: the ones the core built with the model
 * (live-portal.ts), indexed once per model however many copy buttons ask (one sits next to every
 * item ID).
 */
import type { Catalog } from '../core/catalog.ts';
import type { Portal } from '../core/model.ts';
import type { Permalink } from '../core/permalinks.ts';
import { getFeatures, type FeatureEntry } from './features.ts';
import { pagePortal } from './live-portal.ts';

export interface PermalinkIndex {
  features: FeatureEntry[];
  catalog: Catalog;
  permalinks: Permalink[];
  /** `<slug>#<anchor>` → the permalink of the item or operation shown under that anchor. */
  byAnchor: Map<string, Permalink>;
}

/** One index per published model. */
const live = new WeakMap<Portal, Promise<PermalinkIndex>>();

export async function getPermalinks(): Promise<PermalinkIndex> {
  const portal = pagePortal();
  let index = live.get(portal);
  if (!index) live.set(portal, (index = getFeatures().then((features) => indexOf(features, portal.catalog, portal.permalinks))));
  return index;
}

function indexOf(features: FeatureEntry[], catalog: Catalog, permalinks: Permalink[]): PermalinkIndex {
  const byAnchor = new Map<string, Permalink>();
  for (const permalink of permalinks) {
    const hash = permalink.href.indexOf('#');
    if (permalink.feature && hash !== -1) byAnchor.set(`${permalink.feature}#${permalink.href.slice(hash + 1)}`, permalink);
  }
  return { features, catalog, permalinks, byAnchor };
}
