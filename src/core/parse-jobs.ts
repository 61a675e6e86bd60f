/**
 * The parts of a bundle that can be parsed on another thread: its `feature.md`, its item files
 * and its API contracts; once linked, its story's HTML; and, in a build, its diagrams' drawings.
 * Each is a function of files on disk or of plain data alone, and its result is plain data, so the
 * parse worker and the main thread run the same code here and get the same result.
 */
import type { DiagramFacts, DiagramSvg } from './diagram-svg.ts';
import type { Diagnostic } from './diagnostics.ts';
import { parseFeatureMd } from './feature-md.ts';
import { parseItemFile, type ItemFileName } from './items.ts';
import { freezeItems, positionsOf, type FrozenItems, type Positions } from './located-positions.ts';
import { renderStory, scanStory, type RenderedStory, type StoryScan } from './markdown.ts';
import type { FeatureFrontmatter } from './schemas/feature.ts';
import { parseContract, type ContractContext, type ContractResult } from './openapi.ts';
import { readText } from './read.ts';

/** `feature.md`, as read: its frontmatter to parse and its story to scan. */
export interface FeatureJob {
  kind: 'feature';
  text: string;
  file: string;
}

/** A story to render, with where each of its wiki links leads (as `link` resolved them) and what its scan found. */
export interface StoryJob {
  kind: 'story';
  body: string;
  links: Array<[raw: string, to: { href: string; label: string } | undefined]>;
  scanned: Pick<StoryScan, 'unreadable'>;
}

/** One item file (`nfr.yaml`, …) to read and parse; `file` is its path relative to the content root. */
export interface ItemFileJob {
  kind: 'items';
  name: ItemFileName;
  abs: string;
  file: string;
  limit: number;
}

/** One contract to parse, as `parseContract(abs, ctx)`. */
export interface ContractJob {
  kind: 'contract';
  abs: string;
  ctx: ContractContext;
}

/** One diagram to draw, as `drawDiagram(body, facts, idPrefix)`. */
export interface DrawJob {
  kind: 'draw';
  body: string;
  facts: DiagramFacts;
  idPrefix: string;
}

export type ParseJob = FeatureJob | StoryJob | ItemFileJob | ContractJob | DrawJob;

/** `feature.md` parsed: its frontmatter with the place of each field, and what its story holds. */
export interface FeatureResult {
  meta: FeatureFrontmatter | undefined;
  metaPositions: Positions;
  body: string;
  bodyLine: number;
  story: StoryScan;
  diagnostics: Diagnostic[];
}

/** An item file's reading problems, then, when it could be read, its items and their problems. */
export interface ItemFileResult {
  read: Diagnostic[];
  parsed?: { items: FrozenItems; diagnostics: Diagnostic[] };
}

export type JobResult<J extends ParseJob> = J extends FeatureJob ? FeatureResult : J extends StoryJob ? RenderedStory : J extends ItemFileJob ? ItemFileResult : J extends DrawJob ? DiagramSvg | string : ContractResult;

export async function runParseJob<J extends ParseJob>(job: J): Promise<JobResult<J>> {
  if (job.kind === 'feature') {
    const { meta, locate, body, bodyLine, diagnostics } = parseFeatureMd(job.text, job.file);
    return { meta, metaPositions: positionsOf(meta, locate), body, bodyLine, story: scanStory(body), diagnostics } satisfies FeatureResult as JobResult<J>;
  }
  if (job.kind === 'story') {
    const links = new Map(job.links);
    return (await renderStory(job.body, (raw) => links.get(raw), job.scanned)) as JobResult<J>;
  }
  if (job.kind === 'contract') return (await parseContract(job.abs, job.ctx)) as JobResult<J>;
  if (job.kind === 'draw') {
    // Loaded on the first drawing only: a check never draws, and the renderer is large.
    const { drawDiagram } = await import('./diagram-svg.ts');
    return drawDiagram(job.body, job.facts, job.idPrefix) as JobResult<J>;
  }
  const { name, abs, file, limit } = job;
  const read = await readText(abs, file, limit);
  if (read.text === undefined) return { read: read.diagnostics } as JobResult<J>;
  const { items, diagnostics } = parseItemFile(name, read.text, file);
  return { read: read.diagnostics, parsed: { items: freezeItems(items), diagnostics } } as JobResult<J>;
}
