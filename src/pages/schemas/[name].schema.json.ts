/** `/schemas/<name>.schema.json`: the editor JSON Schemas, generated from the zod schemas `check` validates with. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { jsonSchema, SCHEMA_NAMES, type SchemaName } from '../../core/json-schemas.ts';

export const getStaticPaths = (() => SCHEMA_NAMES.map((name) => ({ params: { name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) =>
  new Response(JSON.stringify(jsonSchema(params.name as SchemaName), null, 2), { headers: { 'Content-Type': 'application/schema+json' } });
