/**
 * Parse: one bundle folder into its artefacts. Every file is claimed by an artefact or reported;
 * none is silently dropped.
 */
import path from 'node:path';
import { problem, pushAll, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import { slugProblem } from './feature-md.ts';
import { importThreatModel, isThreatModelText } from './importers/index.ts';
import type { ItemFileName, Located } from './items.ts';
import { locator, reviveItems } from './located-positions.ts';
import { MAX_STORY_DEPTH, STORY_TIME_LIMIT_MS, type StoryScan, type Unreadable } from './markdown.ts';
import { mermaidRules, parseDiagram, type DiagramRole, type ParseDiagramOptions } from './mermaid.ts';
import type { Contract, Diagram, Sequence } from './model.ts';
import { runParseJob, type ContractJob, type ItemFileJob, type ParseJob } from './parse-jobs.ts';
import { runOffThread } from './parse-pool.ts';
import { readText, SIZE_LIMITS, type SizeLimits } from './read.ts';
import type { ScannedBundle } from './scan.ts';
import { validateSchema } from './schema-errors.ts';
import type { EdgeCase } from './schemas/edge-cases.ts';
import type { FeatureFrontmatter } from './schemas/feature.ts';
import type { Nfr } from './schemas/nfr.ts';
import { sequenceFrontmatterSchema } from './schemas/sequence.ts';
import type { Threat } from './schemas/threats.ts';
import { parseYaml, type DocPath } from './yaml.ts';

export const bundleRules = {
  'bundle/unknown-file': { severity: 'warning', description: 'A file in a bundle that is not part of the bundle format; it is not published.' },
  'feature/raw-html': { severity: 'warning', description: 'Raw HTML in `feature.md` is shown as text, never rendered.' },
  'feature/story-unreadable': {
    severity: 'error',
    description: 'The story in `feature.md` takes too long to parse as Markdown, or nests too deeply; it is published as plain text.',
  },
} as const satisfies Record<string, RuleInfo>;

/** A bundle after parsing, before cross-bundle linking. */
export interface ParsedBundle {
  slug: string;
  dir: string;
  abs: string;
  area: string;
  meta?: FeatureFrontmatter | undefined;
  /** Where a frontmatter field of `feature.md` was written. */
  locateMeta: (path: DocPath) => { line: number; column: number };
  body: string;
  bodyLine: number;
  story: StoryScan;
  /** Each ```mermaid block of the story as Mermaid parsed it, in order; `null` where Mermaid rejected it. */
  storyDiagrams: Array<Diagram | null>;
  context?: Diagram | undefined;
  dataModel?: Diagram | undefined;
  sequences: Sequence[];
  contracts: Array<{ contract: Contract; document: Record<string, unknown> }>;
  nfrs: Located<Nfr>[];
  threats: Located<Threat>[];
  edgeCases: Located<EdgeCase>[];
  /** Every file of the bundle, relative to the content root. */
  files: string[];
  diagnostics: Diagnostic[];
}

/** The item files, in the order their problems are reported, and the field of the parsed bundle each fills. */
const ITEM_FILE_KEYS = [['nfr.yaml', 'nfrs'], ['threats.yaml', 'threats'], ['edge-cases.yaml', 'edgeCases']] as const satisfies ReadonlyArray<readonly [ItemFileName, keyof ParsedBundle]>;

/** The fixed file names of the format; anything else must be a sequence, a contract or a `$ref`'d fragment. */
const KNOWN = ['feature.md', 'context.mmd', 'data-model.mmd', 'nfr.yaml', 'threats.yaml', 'edge-cases.yaml', 'openapi.yaml', 'openapi.yml', 'openapi.json'];
const isContract = (name: string) => /^openapi\.(ya?ml|json)$/.test(name) || /^api\/[^/]+\.(ya?ml|json)$/.test(name);
const isSequence = (name: string) => /^sequences\/[^/]+\.mmd$/.test(name);

export interface ParseOptions {
  /** File size limits from the configuration; the defaults of read.ts otherwise. */
  limits?: SizeLimits;
  /** Time left for diagrams that hang Mermaid's parser, shared by every bundle of one load. */
  hangBudget?: HangBudget;
  /**
   * Parse item files and contracts on the parse worker (parse-pool.ts), on another core, while
   * this thread reads the story and diagrams. Worth it for many bundles, not for one: the worker
   * takes a moment to start.
   */
  offThread?: boolean;
}

/**
 * Each diagram Mermaid's parser hangs on costs its full time limit, so a portal of many such
 * diagrams would take minutes. Once hung diagrams have used up this much time, the remaining
 * diagrams are reported as not checked instead of being parsed: the run still ends, with errors.
 */
export const HANG_BUDGET_MS = 5_000;

export interface HangBudget {
  remainingMs: number;
}

export async function parseBundle(bundle: ScannedBundle, options: ParseOptions = {}): Promise<ParsedBundle> {
  const limits = options.limits ?? SIZE_LIMITS;
  const slug = path.basename(bundle.abs);
  const prefix = bundle.dir === '.' ? '' : `${bundle.dir}/`;
  const file = (name: string) => `${prefix}${name}`;
  const diagnostics: Diagnostic[] = [];
  const claimed = new Set<string>();
  const read = async (name: string) => {
    claimed.add(name);
    const result = await readText(path.join(bundle.abs, name), file(name), limits.file);
    pushAll(diagnostics, result.diagnostics);
    return result.text;
  };
  const has = (name: string) => bundle.files.includes(name);
  // Item files and contracts are parsed from the start (on the parse worker, when there is one);
  // their results are taken below in the order of the format, so diagnostics keep their order.
  const run = <J extends ParseJob>(job: J) => (options.offThread ? runOffThread(job) : runParseJob(job));
  const itemFiles = ITEM_FILE_KEYS.filter(([name]) => has(name)).map(([name, key]) => {
    const job: ItemFileJob = { kind: 'items', name, abs: path.join(bundle.abs, name), file: file(name), limit: limits.file };
    return { name, key, result: run(job) };
  });
  const contracts = bundle.files.filter(isContract).map((name) => {
    const job: ContractJob = { kind: 'contract', abs: path.join(bundle.abs, name), ctx: { bundleDir: bundle.abs, file: file(name), maxBytes: limits.contract } };
    return { name, result: run(job) };
  });

  const parsed: ParsedBundle = {
    slug,
    dir: bundle.dir,
    abs: bundle.abs,
    area: defaultArea(bundle.dir),
    locateMeta: () => ({ line: 1, column: 1 }),
    body: '',
    bodyLine: 1,
    story: { diagrams: [], links: [], html: [] },
    storyDiagrams: [],
    sequences: [],
    contracts: [],
    nfrs: [],
    threats: [],
    edgeCases: [],
    files: bundle.files.map(file),
    diagnostics,
  };

  const slugIssue = slugProblem(slug, file('feature.md'));
  if (slugIssue) diagnostics.push(slugIssue);

  // A link leading out of the content root was reported by the scan; it is never followed.
  const featureText = bundle.refused?.includes('feature.md') ? undefined : await read('feature.md');
  if (featureText !== undefined) {
    const feature = await run({ kind: 'feature', text: featureText, file: file('feature.md') });
    pushAll(diagnostics, feature.diagnostics);
    Object.assign(parsed, { meta: feature.meta, locateMeta: locator(feature.metaPositions), body: feature.body, bodyLine: feature.bodyLine, story: feature.story });
    if (feature.meta?.area) parsed.area = feature.meta.area;
    if (parsed.story.unreadable) diagnostics.push(unreadableStory(parsed.story.unreadable, file('feature.md'), parsed.bodyLine));
    for (const block of parsed.story.diagrams) {
      const result = await checkDiagram(block.source, file('feature.md'), { role: 'inline', lineOffset: parsed.bodyLine + block.line - 2 }, options.hangBudget);
      pushAll(diagnostics, result.diagnostics);
      parsed.storyDiagrams.push(result.diagram ?? null);
    }
    for (const html of parsed.story.html) {
      diagnostics.push(
        problem(bundleRules, 'feature/raw-html', { file: file('feature.md'), line: parsed.bodyLine + html.line - 1, column: html.column }, 'Raw HTML in the story is shown as text, not rendered.', 'Write it in Markdown instead; raw HTML is not rendered because specs come from many teams.'),
      );
    }
  }

  const diagram = async (name: string, role: DiagramRole) => {
    const text = await read(name);
    if (text === undefined) return undefined;
    const result = await checkDiagram(text, file(name), { role }, options.hangBudget);
    pushAll(diagnostics, result.diagnostics);
    return result.diagram;
  };
  if (has('context.mmd')) parsed.context = await diagram('context.mmd', 'context');
  if (has('data-model.mmd')) parsed.dataModel = await diagram('data-model.mmd', 'data-model');

  for (const name of bundle.files.filter(isSequence)) {
    const parsedDiagram = await diagram(name, 'sequence');
    if (!parsedDiagram) continue;
    const sequenceName = path.posix.basename(name, '.mmd');
    parsed.sequences.push({ name: sequenceName, anchor: `sequence-${sequenceName}`, diagram: parsedDiagram, meta: sequenceMeta(parsedDiagram, diagnostics) });
  }

  for (const { name, key, result: pending } of itemFiles) {
    claimed.add(name);
    const result = await pending;
    pushAll(diagnostics, result.read);
    if (!result.parsed) continue;
    pushAll(diagnostics, result.parsed.diagnostics);
    (parsed[key] as unknown[]) = reviveItems(result.parsed.items);
  }

  for (const { name, result: pending } of contracts) {
    claimed.add(name);
    const result = await pending;
    pushAll(diagnostics, result.diagnostics);
    for (const included of result.files ?? []) claimed.add(included);
    if (result.contract && result.document) parsed.contracts.push({ contract: { ...result.contract, includes: result.files.map(file) }, document: result.document });
  }

  // Threat models exported from Threat Dragon or as OTM, under any JSON name, recognised by content.
  for (const name of bundle.files.filter((f) => !claimed.has(f) && f.endsWith('.json') && !isContract(f) && !f.startsWith('api/'))) {
    const result = await readText(path.join(bundle.abs, name), file(name), limits.file);
    if (result.text === undefined || !isThreatModelText(result.text)) continue;
    claimed.add(name);
    const imported = importThreatModel(result.text, file(name), {
      featureKey: parsed.meta?.id ?? slug.toUpperCase().replace(/[^A-Z0-9]+/g, ''),
      components: parsed.context?.components ?? [],
      takenIds: new Set(parsed.threats.map((t) => t.item.id)),
    });
    pushAll(diagnostics, imported.diagnostics);
    pushAll(parsed.threats, imported.threats);
  }

  for (const name of bundle.files.filter((f) => !claimed.has(f))) {
    const near = KNOWN.find((known) => similar(name, known));
    diagnostics.push(
      problem(bundleRules, 'bundle/unknown-file', { file: file(name) }, `"${name}" is not part of the bundle format, so it is not published.`,
        near ? `Did you mean "${near}"? Rename the file.` : 'Bundles hold feature.md, context.mmd, openapi.yaml (or api/*.yaml), data-model.mmd, sequences/*.mmd, nfr.yaml, edge-cases.yaml and threats.yaml. Move other files elsewhere.'),
    );
  }
  return parsed;
}

/** parseDiagram() within what is left of the hang budget, if there is one. */
async function checkDiagram(source: string, file: string, options: ParseDiagramOptions, budget: HangBudget | undefined): ReturnType<typeof parseDiagram> {
  if (!budget) return parseDiagram(source, file, options);
  if (budget.remainingMs <= 0) {
    return {
      diagnostics: [
        problem(mermaidRules, 'mermaid/timeout', { file, line: (options.lineOffset ?? 0) + 1 }, 'This diagram was not checked: earlier diagrams hung Mermaid\'s parser and used up the time for diagrams.',
          'Fix the diagrams reported as not finishing in time, then check again.'),
      ],
    };
  }
  // Never more than mermaid.ts's own limit per diagram, which is the whole budget.
  const timeoutMs = Math.min(budget.remainingMs, HANG_BUDGET_MS);
  const result = await parseDiagram(source, file, { ...options, timeoutMs });
  // The worker spent the whole limit on it; time spent waiting in the queue behind other bundles' diagrams is not counted.
  if (result.diagnostics.some((d) => d.rule === 'mermaid/timeout')) budget.remainingMs -= timeoutMs;
  return result;
}

/** A story the Markdown parser could not read: said plainly, at the line the story starts. */
function unreadableStory(unreadable: Unreadable, file: string, line: number): Diagnostic {
  const why = {
    timeout: `Parsing the story as Markdown did not finish within ${STORY_TIME_LIMIT_MS / 1000} s`,
    'too-deep': `The story nests lists, quotes, links or emphasis more than ${MAX_STORY_DEPTH} levels deep`,
    failed: `The Markdown parser failed on the story (${unreadable.message})`,
  }[unreadable.reason];
  return problem(bundleRules, 'feature/story-unreadable', { file, line }, `${why}; it is published as plain text.`,
    'Look for long runs of `*`, `_`, `[`, `]` or `>` without spaces, or very deep nesting: write them as a code block or in words.');
}

/** Integration metadata from the sequence's front matter, validated with line numbers. */
function sequenceMeta(diagram: Diagram, diagnostics: Diagnostic[]): Sequence['meta'] {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(diagram.source);
  if (!match) return {};
  const yaml = parseYaml(match[1]!, diagram.file, 1);
  if (yaml.value === undefined) return {}; // the Mermaid parser reported the front matter already
  const result = validateSchema(sequenceFrontmatterSchema, yaml.value, { file: diagram.file, locate: yaml.locate });
  pushAll(diagnostics, result.diagnostics);
  return result.data ?? {};
}

/** The area of a bundle is its parent folder (`commerce/checkout` is in `commerce`). */
function defaultArea(dir: string): string {
  const parent = path.posix.dirname(dir);
  return parent === '.' || parent === '' ? 'general' : parent;
}

/** Same name but for plural, separator or extension: `nfrs.yml` for `nfr.yaml`. */
function similar(name: string, known: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\.ya?ml$|\.json$|\.md$|\.mmd$/, '').replace(/[_\s]/g, '-').replace(/s$/, '');
  return norm(path.posix.basename(name)) === norm(known) && name !== known;
}
