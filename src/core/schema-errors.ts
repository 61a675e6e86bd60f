/**
 * Turns zod issues into diagnostics a person can act on: the line of the offending field, what is
 * wrong, and what to write instead (the allowed values, the closest known field name).
 * Modelled on Starlight's `parseWithFriendlyErrors`.
 */
import type { z } from 'zod';
import { distance } from 'fastest-levenshtein';
import { problem, pushAll, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { DocPath } from './yaml.ts';

export const schemaRules = {
  'schema/missing-field': { severity: 'error', description: 'A required field is missing.' },
  'schema/invalid-value': { severity: 'error', description: 'A field has a value of the wrong type or outside the allowed set.' },
  'schema/unknown-field': { severity: 'warning', description: 'A field the format does not know; it is ignored.' },
} as const satisfies Record<string, RuleInfo>;

export interface SchemaContext {
  file: string;
  locate(path: DocPath): { line: number; column: number };
  /** Where the validated value sits in its document, e.g. `['nfrs', 2]`. */
  prefix?: DocPath;
}

type Issue = z.core.$ZodIssue;

/**
 * Validates `value` against `schema`. Unknown fields are reported as warnings and then ignored,
 * so one typo does not hide the rest of the file from the portal.
 */
export function validateSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  ctx: SchemaContext,
): { data?: z.output<S>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let input = value;
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return { data: result.data, diagnostics };
    const issues = flatten(result.error.issues, []);
    const unknown = issues.filter((i) => i.code === 'unrecognized_keys');
    const other = issues.filter((i) => i.code !== 'unrecognized_keys');
    for (const issue of unknown) pushAll(diagnostics, unknownKeys(schema, issue, ctx));
    if (other.length > 0 || unknown.length === 0 || attempt === 1) {
      for (const issue of other) diagnostics.push(toDiagnostic(schema, issue, ctx));
      return { diagnostics };
    }
    input = withoutKeys(input, unknown);
  }
  return { diagnostics };
}

/** Union failures carry one issue list per branch: keep the branch that got furthest. */
function flatten(issues: readonly Issue[], prefix: PropertyKey[]): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path } as Issue];
    const branches = issue.errors.map((branch) => flatten(branch, path));
    const deep = branches.filter((b) => b.every((i) => i.path.length > path.length || i.code === 'unrecognized_keys'));
    const best = (deep.length > 0 ? deep : []).sort((a, b) => a.length - b.length)[0];
    return best ?? [{ ...issue, path } as Issue];
  });
}

function toDiagnostic(schema: z.ZodType, issue: Issue, ctx: SchemaContext): Diagnostic {
  const full = [...(ctx.prefix ?? []), ...issue.path];
  const field = fieldName(full);
  const at = { file: ctx.file, ...ctx.locate(full) };
  const input = (issue as { input?: unknown }).input;
  const absent = input === undefined && ['invalid_type', 'invalid_union', 'invalid_value'].includes(issue.code);
  if (absent && !hasKey(ctx, full)) {
    const description = describe(schemaAt(schema, issue.path));
    return problem(
      schemaRules,
      'schema/missing-field',
      at,
      `Missing required field \`${field}\`.`,
      `Add \`${lastKey(issue.path)}:\` here${description ? ` — ${lowerFirst(description)}` : ''}.`,
    );
  }
  return problem(schemaRules, 'schema/invalid-value', at, `\`${field}\`: ${messageOf(issue, input)}`, hintOf(schema, issue));
}

/** Whether the document has the key at all (a key with an empty value is present but invalid). */
function hasKey(ctx: SchemaContext, path: DocPath): boolean {
  const parent = ctx.locate(path.slice(0, -1));
  const self = ctx.locate(path);
  return self.line !== parent.line || self.column !== parent.column;
}

function messageOf(issue: Issue, input: unknown): string {
  const primitive = input === null || ['string', 'number', 'boolean'].includes(typeof input);
  const shown = primitive ? ` (found ${JSON.stringify(input)?.slice(0, 60)})` : '';
  switch (issue.code) {
    case 'invalid_value':
      return `not an allowed value${shown}.`;
    case 'invalid_type':
      return `expected ${issue.expected}${shown}.`;
    default:
      return `${issue.message}${shown}.`;
  }
}

function hintOf(schema: z.ZodType, issue: Issue): string {
  if (issue.code === 'invalid_value') return `Use one of: ${issue.values.map((v) => String(v)).join(', ')}.`;
  if (issue.code === 'too_small' && issue.origin === 'array') return `List at least ${String(issue.minimum)} entr${issue.minimum === 1 ? 'y' : 'ies'}.`;
  if (issue.code === 'too_small') return 'Write a non-empty value.';
  const description = describe(schemaAt(schema, issue.path));
  const example = exampleOf(schemaAt(schema, issue.path));
  const sentences =
    issue.code === 'invalid_type'
      ? [`Write ${article(issue.expected)} here${description ? ` — ${lowerFirst(description)}` : ''}`]
      : [issue.message, description];
  if (example) sentences.push(`For example: ${example}`);
  return sentences
    .filter((s): s is string => Boolean(s))
    .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`))
    .join(' ');
}

function unknownKeys(schema: z.ZodType, issue: Issue & { code: 'unrecognized_keys' }, ctx: SchemaContext): Diagnostic[] {
  const known = Object.keys(shapeOf(schemaAt(schema, issue.path)) ?? {});
  return issue.keys.map((key) => {
    const guess = closest(key, known);
    const full = [...(ctx.prefix ?? []), ...issue.path, key];
    return problem(
      schemaRules,
      'schema/unknown-field',
      { file: ctx.file, ...ctx.locate(full) },
      `Unknown field \`${fieldName(full)}\`; it is ignored.`,
      guess ? `Did you mean \`${guess}\`? Known fields: ${known.join(', ')}.` : `Remove it, or use one of the known fields: ${known.join(', ')}.`,
    );
  });
}

function withoutKeys(value: unknown, issues: ReadonlyArray<Issue & { code: 'unrecognized_keys' }>): unknown {
  const copy = structuredClone(value);
  for (const issue of issues) {
    let node: unknown = copy;
    for (const key of issue.path) node = (node as Record<PropertyKey, unknown> | undefined)?.[key];
    if (node && typeof node === 'object') for (const key of issue.keys) delete (node as Record<string, unknown>)[key];
  }
  return copy;
}

/* Walking zod's internal definitions: the public API has no "schema at path". */
type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; in?: z.ZodType; options?: z.ZodType[] };
const defOf = (schema: z.ZodType | undefined) => (schema as unknown as { _zod?: { def: Def } } | undefined)?._zod?.def;

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    const inner = def?.innerType ?? def?.in;
    if (!inner) return current;
    current = inner;
  }
  return current;
}

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(schema));
  if (def?.shape) return def.shape;
  for (const option of def?.options ?? []) {
    const shape = shapeOf(option);
    if (shape) return shape;
  }
  return undefined;
}

function schemaAt(schema: z.ZodType, path: DocPath): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const def = defOf(unwrap(current));
    if (typeof key === 'number') {
      current = def?.element ?? def?.options?.map((o) => defOf(unwrap(o))?.element).find(Boolean);
    } else {
      current = shapeOf(current)?.[String(key)];
    }
    if (!current) return undefined;
  }
  return current;
}

function meta(schema: z.ZodType | undefined): { description?: string; examples?: unknown[] } | undefined {
  for (let s = schema, i = 0; s && i < 10; i++) {
    const m = (s as unknown as { meta?: () => { description?: string; examples?: unknown[] } | undefined }).meta?.();
    if (m?.description || m?.examples) return m;
    const def = defOf(s);
    s = def?.innerType ?? def?.in;
  }
  return undefined;
}

const describe = (schema: z.ZodType | undefined) => meta(schema)?.description?.replace(/\.$/, '');
const exampleOf = (schema: z.ZodType | undefined) => {
  const example = meta(schema)?.examples?.[0];
  return example === undefined ? undefined : `\`${JSON.stringify(example)}\``;
};

const fieldName = (path: DocPath) =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') || '(root)';
const lastKey = (path: DocPath) => String([...path].reverse().find((k) => typeof k !== 'number') ?? '');
const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
const article = (word: string) => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

/** The known name within edit distance 2, for "did you mean". */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}
