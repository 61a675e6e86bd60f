/** Typed access to the `features` collection: the core's model plus the bundle's diagnostics. */
import { getCollection } from 'astro:content';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Feature } from '../core/model.ts';

export type FeatureEntry = Feature & { diagnostics: Diagnostic[] };

export async function getFeatures(): Promise<FeatureEntry[]> {
  const entries = await getCollection('features');
  return entries.map((e) => e.data as unknown as FeatureEntry).sort((a, b) => a.meta.title.localeCompare(b.meta.title));
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
