/**
 * Writes the editor JSON Schemas to `schemas/<name>.schema.json`, generated from the zod schemas.
 * Run it after changing a schema: `node scripts/write-schemas.ts`; a unit test fails while the
 * committed files are stale.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonSchemas, schemaPath, type SchemaName } from '../src/core/json-schemas.ts';

const root = path.resolve(import.meta.dirname, '..');
await mkdir(path.join(root, 'schemas'), { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  const file = path.join(root, schemaPath(name as SchemaName));
  await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path.relative(root, file)}`);
}
