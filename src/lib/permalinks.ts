/**
 * The portal's permanent links for pages and components: computed once per build, however many
 * ref pages and copy buttons ask (a copy button sits next to every item ID). In dev the content
 * changes under the server, so they follow the live model.
 */
import { buildCatalog, type Catalog } from '../core/catalog.ts';
import type { Portal } from '../core/model.ts';
import { buildPermalinks, type Permalink } from '../core/permalinks.ts';
import { getFeatures, type FeatureEntry } from './features.ts';
import { devPortal } from './live-portal.ts';

export interface PermalinkIndex {
  features: FeatureEntry[];
  catalog: Catalog;
  permalinks: Permalink[];
  /** `<slug>#<anchor>` → the permalink of the item or operation shown under that anchor. */
  byAnchor: Map<string, Permalink>;
}

let memo: Promise<PermalinkIndex> | undefined;
/** In dev, one index per published model. */
const live = new WeakMap<Portal, Promise<PermalinkIndex>>();

export async function getPermalinks(): Promise<PermalinkIndex> {
  const portal = devPortal();
  if (!portal) return (memo ??= compute());
  let index = live.get(portal);
  // The core built the catalogue and the links with the model; only the lookup is made here.
  if (!index) live.set(portal, (index = getFeatures().then((features) => indexOf(features, portal.catalog, portal.permalinks))));
  return index;
}

async function compute(): Promise<PermalinkIndex> {
  const features = await getFeatures();
  // The collision diagnostics reach the reader through `loadPortal`, like every other rule.
  const { catalog } = buildCatalog(features);
  return indexOf(features, catalog, buildPermalinks(features, catalog).permalinks);
}

function indexOf(features: FeatureEntry[], catalog: Catalog, permalinks: Permalink[]): PermalinkIndex {
  const byAnchor = new Map<string, Permalink>();
  for (const permalink of permalinks) {
    const hash = permalink.href.indexOf('#');
    if (permalink.feature && hash !== -1) byAnchor.set(`${permalink.feature}#${permalink.href.slice(hash + 1)}`, permalink);
  }
  return { features, catalog, permalinks, byAnchor };
}
