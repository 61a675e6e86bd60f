/** `/portal.schema.json`: the JSON Schema of `/portal.json`, generated from the zod schema that types the export. */
import type { APIRoute } from 'astro';
import { portalJsonSchemaDocument } from '../core/export.ts';

export const GET: APIRoute = () =>
  new Response(JSON.stringify(portalJsonSchemaDocument(), null, 2), { headers: { 'Content-Type': 'application/schema+json' } });
