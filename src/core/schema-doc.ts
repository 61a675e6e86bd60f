/**
 * Field tables for the docs, generated from the zod schemas (through their JSON Schema), so the
 * documentation cannot drift from what `check` enforces.
 */
import { z } from 'zod';

export interface FieldRow {
  /** Dotted path, e.g. `target.metric`. */
  field: string;
  type: string;
  required: boolean;
  description: string;
  example?: string | undefined;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  description?: string;
  examples?: unknown[];
  pattern?: string;
  default?: unknown;
};

/** One row per field, nested objects flattened with dotted names. */
export function fieldRows(schema: z.ZodType): FieldRow[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rowsOf(json, '');
}

function rowsOf(schema: JsonSchema, prefix: string): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const field = prefix ? `${prefix}.${name}` : name;
    rows.push({
      field,
      type: typeOf(property),
      required: (schema.required ?? []).includes(name) && property.default === undefined,
      description: property.description ?? '',
      example: property.examples?.[0] === undefined ? undefined : JSON.stringify(property.examples[0]),
    });
    for (const variant of [property, ...(property.anyOf ?? [])]) {
      if (variant.properties) rows.push(...rowsOf(variant, field));
    }
  }
  return rows;
}

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return `one of: ${schema.enum.map((v) => String(v)).join(', ')}`;
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'values'}`;
  if (schema.type === 'object' && schema.properties) return 'object';
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  return schema.type ?? 'any';
}
