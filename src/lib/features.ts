/**
 * Typed access to the features: the core's model plus each bundle's diagnostics. A build reads
 * the `features` collection; the dev server reads the live model (live-portal.ts).
 */
import { getCollection } from 'astro:content';
import { diagnosticsByDir, type Diagnostic } from '../core/diagnostics.ts';
import type { Feature, Portal } from '../core/model.ts';
import { devPortal } from './live-portal.ts';

export type FeatureEntry = Feature & { diagnostics: Diagnostic[] };

const byTitle = (a: FeatureEntry, b: FeatureEntry) => a.meta.title.localeCompare(b.meta.title);
const live = new WeakMap<Portal, FeatureEntry[]>();

export async function getFeatures(): Promise<FeatureEntry[]> {
  const portal = devPortal();
  if (portal) {
    let entries = live.get(portal);
    if (!entries) {
      const byDir = diagnosticsByDir(portal.diagnostics, portal.features.map((f) => f.dir));
      live.set(portal, (entries = portal.features.map((feature) => ({ ...feature, diagnostics: byDir.get(feature.dir) ?? [] })).sort(byTitle)));
    }
    return entries;
  }
  const entries = await getCollection('features');
  return entries.map((e) => e.data as unknown as FeatureEntry).sort(byTitle);
}

/** Each published API document by `<slug>/<publicName>`, with its JSON text (written on demand in dev). */
export async function getContracts(): Promise<Array<{ id: string; json: () => string }>> {
  const portal = devPortal();
  if (portal) return [...portal.documents].map(([id, document]) => ({ id, json: () => JSON.stringify(document) }));
  return (await getCollection('contracts')).map((entry) => ({ id: entry.id, json: () => (entry.data as { json: string }).json }));
}

/** Only http(s) and mailto links from specs become links; anything else is shown as text. */
export function safeUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
