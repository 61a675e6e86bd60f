/** Typed access to the features: the core's model (live-portal.ts) plus each bundle's diagnostics. */
import { diagnosticsByDir, type Diagnostic } from '../core/diagnostics.ts';
import type { Feature, Portal } from '../core/model.ts';
import { pagePortal } from './live-portal.ts';

export type FeatureEntry = Feature & { diagnostics: Diagnostic[] };

const byTitle = (a: FeatureEntry, b: FeatureEntry) => a.meta.title.localeCompare(b.meta.title);
const live = new WeakMap<Portal, FeatureEntry[]>();

/** The features, by title, each with its bundle's diagnostics: one list per published model. */
export async function getFeatures(): Promise<FeatureEntry[]> {
  const portal = pagePortal();
  let entries = live.get(portal);
  if (!entries) {
    const byDir = diagnosticsByDir(portal.diagnostics, portal.features.map((f) => f.dir));
    live.set(portal, (entries = portal.features.map((feature) => ({ ...feature, diagnostics: byDir.get(feature.dir) ?? [] })).sort(byTitle)));
  }
  return entries;
}

/** Each published API document by `<slug>/<publicName>`, with its JSON text, written when a page asks. */
export async function getContracts(): Promise<Array<{ id: string; json: () => string }>> {
  return [...pagePortal().documents].map(([id, document]) => ({ id, json: () => JSON.stringify(document) }));
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
