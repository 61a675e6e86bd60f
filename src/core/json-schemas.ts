/**
 * JSON Schemas for editors, generated from the zod schemas that `check` validates with, so
 * autocompletion and `check` cannot drift apart. They describe the *input* side (what a person
 * writes), not what the core reads it as: `tickets: PAY-1` is fine although the model holds a list.
 *
 * Written to `schemas/<name>.schema.json` by `scripts/write-schemas.ts` (the files YAML bundles
 * point at with `# yaml-language-server: $schema=…`) and published at `/schemas/<name>.schema.json`.
 */
import { z } from 'zod';
import { configSchema } from './config.ts';
import { edgeCasesFileSchema } from './schemas/edge-cases.ts';
import { featureFrontmatterSchema } from './schemas/feature.ts';
import { COMPARATORS, NFR_CATEGORIES, nfrFileSchema } from './schemas/nfr.ts';
import { REF_KINDS } from './schemas/refs.ts';
import { sequenceFrontmatterSchema } from './schemas/sequence.ts';
import { threatsFileSchema } from './schemas/threats.ts';

export type JsonSchema = Record<string, unknown>;

interface Source {
  schema: z.ZodType;
  title: string;
  description: string;
}

const SOURCES = {
  nfr: { schema: nfrFileSchema, title: 'Specport nfr.yaml', description: 'Non-functional requirements of a feature bundle: a top-level `nfrs:` list, each measurable or explicitly not.' },
  threats: { schema: threatsFileSchema, title: 'Specport threats.yaml', description: 'The STRIDE threat model of a feature bundle: a top-level `threats:` list.' },
  'edge-cases': { schema: edgeCasesFileSchema, title: 'Specport edge-cases.yaml', description: 'The edge-case catalogue of a feature bundle: a top-level `edge_cases:` list.' },
  feature: { schema: featureFrontmatterSchema, title: 'Specport feature.md frontmatter', description: 'The YAML frontmatter of `feature.md`, the file that makes a folder a feature bundle.' },
  sequence: { schema: sequenceFrontmatterSchema, title: 'Specport sequence front matter', description: "Integration metadata in the Mermaid front matter (`---` block) of a `sequences/*.mmd` diagram; Mermaid's own keys such as `config` are allowed too." },
  config: { schema: configSchema, title: 'Specport configuration', description: '`specport.config.yaml`: optional portal configuration, such as rule severities.' },
} as const satisfies Record<string, Source>;

export type SchemaName = keyof typeof SOURCES;
export const SCHEMA_NAMES = Object.keys(SOURCES) as SchemaName[];

/** Where a schema is published on the site and written in the project, relative to either root. */
export const schemaPath = (name: SchemaName) => `schemas/${name}.schema.json`;

/** Every editor schema by name: `nfr`, `threats`, `edge-cases`, `feature`, `sequence`, `config`. */
export function jsonSchemas(): Record<SchemaName, JsonSchema> {
  return Object.fromEntries(SCHEMA_NAMES.map((name) => [name, jsonSchema(name)])) as Record<SchemaName, JsonSchema>;
}

/** One editor schema, draft 2020-12, with `$id`, `title` and `description` first. */
export function jsonSchema(name: SchemaName): JsonSchema {
  const { schema, title, description } = SOURCES[name];
  const generated = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema: json }) => typedReference(zodSchema, json),
  }) as JsonSchema;
  const { $schema, ...rest } = generated;
  const result: JsonSchema = { $schema, $id: `/${schemaPath(name)}`, title, description, ...rest };
  if (name === 'nfr') hintNfr(result);
  return result;
}

/**
 * A typed reference is checked by a zod refinement, which JSON Schema cannot carry; rebuild it as
 * a `pattern` from the kinds its description lists (`refString` in `schemas/refs.ts` writes them).
 */
function typedReference(zodSchema: unknown, json: JsonSchema): void {
  if (json.type !== 'string' || json.pattern !== undefined) return;
  const description = z.globalRegistry.get(zodSchema as z.ZodType)?.description;
  if (!description?.startsWith('A typed reference:')) return;
  const kinds = REF_KINDS.filter((kind) => description.includes(`\`${kind}:\``));
  if (kinds.length === 0) return;
  json.pattern = `^(${kinds.join('|')}):[^\\s:\\]\\[]+$`;
}

/**
 * `category` and `comparator` accept more than the canonical values (unknown categories warn,
 * comparators have aliases such as `lte`), so they stay open strings; `examples` still gives
 * editors the canonical values to complete.
 */
function hintNfr(schema: JsonSchema): void {
  const item = (schema as { properties?: { nfrs?: { items?: JsonSchema } } }).properties?.nfrs?.items;
  const properties = item?.properties as Record<string, JsonSchema> | undefined;
  if (properties?.category) properties.category.examples = [...NFR_CATEGORIES];
  const target = properties?.target?.anyOf as JsonSchema[] | undefined;
  const measurable = target?.find((variant) => variant.type === 'object')?.properties as Record<string, JsonSchema> | undefined;
  if (measurable?.comparator) measurable.comparator.examples = [...COMPARATORS];
}
