/**
 * `specport.config.yaml` (or `.yml`, `.json`): optional portal configuration, validated like a
 * bundle file: title, content roots, base path, site URL, rubric weights, file size limits and rule
 * severities. With no file, everything takes its default.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { RUBRIC_LINES } from './completeness.ts';
import { problem, type Diagnostic, type RuleInfo, type Severity } from './diagnostics.ts';
import { readText, SIZE_LIMITS } from './read.ts';
import { validateSchema } from './schema-errors.ts';
import { parseYaml } from './yaml.ts';

export const configRules = {
  'config/unknown-rule': { severity: 'error', description: 'The configuration sets the severity of a rule that does not exist.' },
} as const satisfies Record<string, RuleInfo>;

/** `2MB`, `512 KB`, `1.5GB`, or a plain number of bytes. Units are binary: 1 KB is 1024 bytes. */
const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)\s*$/i;
const UNIT_BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
const NOT_A_SIZE = 'expected a size: a whole number of bytes, or a number with B, KB, MB or GB';

/** A file size limit as written in the config (`fallback` when absent), read as a number of bytes. */
const byteSize = (description: string, fallback: string) =>
  z
    .union([
      z.number().refine((n) => Number.isInteger(n) && n > 0, { error: NOT_A_SIZE }),
      // A zero size would refuse every file. JSON Schema patterns have no flags, hence the spelled-out case.
      z
        .string()
        .refine((text) => Number(SIZE_PATTERN.exec(text)?.[1] ?? 0) > 0, { error: NOT_A_SIZE })
        .meta({ pattern: '^\\s*\\d+(\\.\\d+)?\\s*([Bb]|[KkMmGg][Bb])\\s*$' }),
    ], { error: NOT_A_SIZE })
    // Examples twice: JSON Schema takes the input side's, the hints of `check` the outer ones.
    .meta({ examples: ['512KB', fallback, 1048576] })
    .default(fallback)
    .transform((value) => {
      if (typeof value === 'number') return value;
      const [, amount, unit] = SIZE_PATTERN.exec(value)!;
      return Math.max(1, Math.round(Number(amount) * UNIT_BYTES[unit!.toUpperCase()]!));
    })
    .meta({ description, examples: ['512KB', fallback, 1048576] });

/** `2097152` → `2MB`: the defaults of read.ts as a person would write them. */
const asMegabytes = (bytes: number) => `${bytes / 1024 / 1024}MB`;

export const CONFIG_FILES = ['specport.config.yaml', 'specport.config.yml', 'specport.config.json'] as const;

export const configSchema = z.strictObject({
  title: z.string().min(1).default('Specport').meta({ description: 'The portal title, shown in the header and the browser tab.', examples: ['Trailhead specs'] }),
  content: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .optional()
    .meta({ description: 'The content root, or a list of them, relative to the config file (`content` by default); `--content` overrides it.', examples: ['specs', ['content', 'vendor/payments-specs']] }),
  base: z
    .string()
    .regex(/^\/([A-Za-z0-9._~-]+\/?)*$/, 'a path such as "/specs/"')
    .optional()
    .meta({ description: 'The path the portal is served under when it does not own its host’s root, such as GitHub Pages project sites.', examples: ['/specs/'] }),
  site: z.url().optional().meta({ description: 'The full URL of the published portal; enables absolute permanent links and the sitemap.', examples: ['https://specs.example.com'] }),
  completeness: z
    .strictObject({
      weights: z
        .partialRecord(z.enum(RUBRIC_LINES), z.number().min(0))
        .default({})
        .meta({ description: `Weight per rubric line (default 1 each): ${RUBRIC_LINES.join(', ')}.`, examples: [{ 'threat-coverage': 2, 'data-model': 0.5 }] }),
    })
    .default({ weights: {} })
    .meta({ description: 'How the completeness score weighs its rubric lines; the score stays on a 0–10 scale.' }),
  limits: z
    .strictObject({
      file: byteSize('The largest bundle file read, other than API contracts: `feature.md`, YAML files, diagrams.', asMegabytes(SIZE_LIMITS.file)),
      contract: byteSize('The largest API contract read, and the largest file a contract references.', asMegabytes(SIZE_LIMITS.contract)),
    })
    .default({ file: SIZE_LIMITS.file, contract: SIZE_LIMITS.contract })
    .meta({ description: 'File size limits, as a number of bytes or with a unit (`512KB`, `2MB`, `1GB`). A larger file is reported, not read.' }),
  rules: z
    .record(z.string(), z.enum(['off', 'warning', 'error']))
    .default({})
    .meta({ description: 'Severity per rule ID: `off`, `warning` or `error`.', examples: [{ 'consistency/unknown-call': 'error', 'scan/outside-bundle': 'off' }] }),
});

export type Config = z.output<typeof configSchema>;

/** The base path with one leading and one trailing slash: `specs` and `/specs` become `/specs/`. */
export function normaliseBase(base: string | undefined): string {
  const trimmed = (base ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}

/** The configured content roots, resolved against `dir` (the config file's folder). */
export function contentRoots(config: Config, dir: string): string[] {
  const roots = config.content === undefined ? ['content'] : [config.content].flat();
  return roots.map((root) => path.resolve(dir, root));
}

/** The first config file found in `dir`, parsed and validated; problems are diagnostics, never throws. */
export async function loadConfig(dir: string, known?: Readonly<Record<string, RuleInfo>>): Promise<{ config: Config; diagnostics: Diagnostic[]; file?: string }> {
  const empty: Config = configSchema.parse({});
  let found: string | undefined;
  for (const name of CONFIG_FILES) {
    if (await access(path.join(dir, name)).then(() => true, () => false)) {
      found = name;
      break;
    }
  }
  if (!found) return { config: empty, diagnostics: [] };
  const read = await readText(path.join(dir, found), found);
  if (read.text === undefined) return { config: empty, diagnostics: read.diagnostics, file: found };
  const yaml = parseYaml(read.text, found);
  if (yaml.value === undefined) return { config: empty, diagnostics: yaml.diagnostics, file: found };
  const { data, diagnostics } = validateSchema(configSchema, yaml.value, { file: found, locate: yaml.locate });
  const config = data ?? empty;
  for (const rule of Object.keys(config.rules)) {
    if (!known || rule in known) continue;
    const near = Object.keys(known).filter((r) => r.split('/')[0] === rule.split('/')[0]);
    diagnostics.push(
      problem(configRules, 'config/unknown-rule', { file: found, ...yaml.locate(['rules', rule]) }, `There is no rule "${rule}".`,
        near.length > 0 ? `Rules in this group: ${near.join(', ')}.` : 'The rules are listed on the "Writing spec bundles" page of the portal.'),
    );
    delete config.rules[rule];
  }
  return { config, diagnostics, file: found };
}

/** Applies configured severities: `off` drops a rule's diagnostics, the others replace its severity. */
export function applySeverities(diagnostics: readonly Diagnostic[], rules: Config['rules']): Diagnostic[] {
  return diagnostics.flatMap((d) => {
    const setting = rules[d.rule];
    if (setting === undefined) return [d];
    if (setting === 'off') return [];
    return [{ ...d, severity: setting as Severity }];
  });
}
