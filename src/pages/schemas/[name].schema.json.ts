/** `/schemas/<name>.schema.json`: the editor JSON Schemas, generated from the zod schemas `check` validates with. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { jsonSchema, SCHEMA_NAMES, schemaPath, type SchemaName } from '../../core/json-schemas.ts';
import { withBase } from '../../lib/url.ts';

export const getStaticPaths = (() => SCHEMA_NAMES.map((name) => ({ params: { name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
  const name = params.name as SchemaName;
  // The `$id` is where the schema is published, so under a base path it carries the base.
  const published = { ...jsonSchema(name), $id: withBase(`/${schemaPath(name)}`) };
  return new Response(JSON.stringify(published, null, 2), { headers: { 'Content-Type': 'application/schema+json' } });
};
