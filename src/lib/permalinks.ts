/**
 * The portal's permanent links for pages and components: computed once per build, however many
 * ref pages and copy buttons ask (a copy button sits next to every item ID). In dev the content
 * changes under the server, so they are recomputed whenever the collection's entries change.
 */
import { getCollection } from 'astro:content';
import { buildCatalog, type Catalog } from '../core/catalog.ts';
import { buildPermalinks, type Permalink } from '../core/permalinks.ts';
import { getFeatures, type FeatureEntry } from './features.ts';

export interface PermalinkIndex {
  features: FeatureEntry[];
  catalog: Catalog;
  permalinks: Permalink[];
  /** `<slug>#<anchor>` → the permalink of the item or operation shown under that anchor. */
  byAnchor: Map<string, Permalink>;
}

let memo: Promise<PermalinkIndex> | undefined;
let devMemo: { entries: unknown[]; index: Promise<PermalinkIndex> } | undefined;

export async function getPermalinks(): Promise<PermalinkIndex> {
  if (!import.meta.env.DEV) return (memo ??= compute());
  // The loader replaces an entry's data when its bundle changes, so identity tells what changed.
  const entries = (await getCollection('features')).map((e) => e.data);
  if (!devMemo || devMemo.entries.length !== entries.length || devMemo.entries.some((d, i) => d !== entries[i])) devMemo = { entries, index: compute() };
  return devMemo.index;
}

async function compute(): Promise<PermalinkIndex> {
  const features = await getFeatures();
  // The collision diagnostics reach the reader through `loadPortal`, like every other rule.
  const { catalog } = buildCatalog(features);
  const { permalinks } = buildPermalinks(features, catalog);
  const byAnchor = new Map<string, Permalink>();
  for (const permalink of permalinks) {
    const hash = permalink.href.indexOf('#');
    if (permalink.feature && hash !== -1) byAnchor.set(`${permalink.feature}#${permalink.href.slice(hash + 1)}`, permalink);
  }
  return { features, catalog, permalinks, byAnchor };
}
