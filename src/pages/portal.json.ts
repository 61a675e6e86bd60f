/** `/portal.json`: the whole linked model as data, in the shape `/portal.schema.json` describes. */
import type { APIRoute } from 'astro';
import { exportPortal } from '../core/export.ts';
import { getPermalinks } from '../lib/permalinks.ts';

export const GET: APIRoute = async () => {
  const { features, catalog } = await getPermalinks();
  // Each bundle's entry carries its own diagnostics; a published portal has no errors, only warnings.
  const warnings = features.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'warning'));
  const json = exportPortal(features, catalog, warnings, { base: import.meta.env.BASE_URL });
  return new Response(JSON.stringify(json), { headers: { 'Content-Type': 'application/json' } });
};
