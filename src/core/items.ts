/**
 * The YAML item files of a bundle: `nfr.yaml`, `threats.yaml`, `edge-cases.yaml`. Each item is
 * validated on its own, so one broken NFR is reported without hiding the rest of the file.
 */
import type { z } from 'zod';
import { distance } from 'fastest-levenshtein';
import { problem, pushAll, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { SourceRef } from './model.ts';
import { schemaRules, validateSchema } from './schema-errors.ts';
import { edgeCaseSchema, type EdgeCase } from './schemas/edge-cases.ts';
import { NFR_CATEGORIES, nfrSchema, type Nfr } from './schemas/nfr.ts';
import { threatSchema, type Threat } from './schemas/threats.ts';
import { parseYaml, type DocPath } from './yaml.ts';

export const itemRules = {
  'nfr/unknown-category': { severity: 'warning', description: 'An NFR category the portal does not know; it is kept, but filters group it apart.' },
} as const satisfies Record<string, RuleInfo>;

/** The item files, by name: their top-level key and the schema of one item. */
export const ITEM_FILES = {
  'nfr.yaml': { key: 'nfrs', item: nfrSchema },
  'threats.yaml': { key: 'threats', item: threatSchema },
  'edge-cases.yaml': { key: 'edge_cases', item: edgeCaseSchema },
} as const;

export type ItemFileName = keyof typeof ITEM_FILES;
type ItemOf = { 'nfr.yaml': Nfr; 'threats.yaml': Threat; 'edge-cases.yaml': EdgeCase };

export interface Located<T> {
  item: T;
  at: SourceRef;
  /** Where a field of the item was written, e.g. `['applies_to', 2]`, so a bad reference points at its own line. */
  locate: (path: DocPath) => SourceRef & { column: number };
}

/** Parses one item file; `file` is relative to the content root. */
export function parseItemFile<N extends ItemFileName>(
  name: N,
  text: string,
  file: string,
): { items: Located<ItemOf[N]>[]; diagnostics: Diagnostic[] } {
  const { key, item: schema } = ITEM_FILES[name];
  const yaml = parseYaml(text.replace(/^\uFEFF/, ''), file);
  const diagnostics = [...yaml.diagnostics];
  if (yaml.value === undefined) return { items: [], diagnostics };

  const root = yaml.value as Record<string, unknown> | null;
  const list = root && typeof root === 'object' && !Array.isArray(root) ? root[key] : undefined;
  if (!Array.isArray(list)) {
    diagnostics.push(
      problem(schemaRules, root && typeof root === 'object' && key in root ? 'schema/invalid-value' : 'schema/missing-field', { file, ...yaml.locate([key]) },
        `\`${name}\` must hold a top-level \`${key}:\` list.`, `Start the file with \`${key}:\` and list the items below it, each starting with \`- id:\`.`),
    );
    return { items: [], diagnostics };
  }
  for (const extra of Object.keys(root!).filter((k) => k !== key)) {
    diagnostics.push(
      problem(schemaRules, 'schema/unknown-field', { file, ...yaml.locate([extra]) }, `Unknown top-level field \`${extra}\`; it is ignored.`, `\`${name}\` holds only the \`${key}:\` list.`),
    );
  }
  const items: Located<ItemOf[N]>[] = [];
  list.forEach((value, index) => {
    const result = validateSchema(schema as z.ZodType, value, { file, locate: yaml.locate, prefix: [key, index] });
    pushAll(diagnostics, result.diagnostics);
    if (result.data && name === 'nfr.yaml') pushAll(diagnostics, categoryCheck(result.data as Nfr, file, (path) => yaml.locate([key, index, ...path])));
    if (result.data) {
      items.push({ item: result.data as ItemOf[N], at: { file, line: yaml.locate([key, index]).line }, locate: (path) => ({ file, ...yaml.locate([key, index, ...path]) }) });
    }
  });
  return { items, diagnostics };
}

/** Categories are open, but a typo (`latncy`) would split the registers' filters: warn with the closest. */
function categoryCheck(nfr: Nfr, file: string, locate: (path: DocPath) => { line: number; column: number }): Diagnostic[] {
  if ((NFR_CATEGORIES as readonly string[]).includes(nfr.category)) return [];
  const near = NFR_CATEGORIES.filter((c) => distance(c, nfr.category) <= 2);
  return [
    problem(itemRules, 'nfr/unknown-category', { file, ...locate(['category']) }, `"${nfr.category}" is not a known NFR category.`,
      near.length > 0 ? `Did you mean "${near[0]}"?` : `Known categories: ${NFR_CATEGORIES.join(', ')}. Keep yours if none fits.`),
  ];
}
