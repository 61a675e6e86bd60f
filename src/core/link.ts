/**
 * Link: resolve every typed reference across bundles, collect backlinks, score completeness and
 * render the story. The output is the model the portal publishes.
 */
import type { ParsedBundle } from './bundle.ts';
import { completenessOf } from './completeness.ts';
import { checkCoverage, checkSequence, sequenceChecksSignature, type SequenceFindings } from './consistency.ts';
import { problem, pushAll, type Diagnostic } from './diagnostics.ts';
import { buildIndex, idRules, type IndexReader, type PortalIndex } from './index-items.ts';
import type { LinkMemo } from './link-memo.ts';
import type { RenderedStory } from './markdown.ts';
import { runParseJob, type StoryJob } from './parse-jobs.ts';
import { runOffThread } from './parse-pool.ts';
import type { ParseCache } from './parse-cache.ts';
import type { Backlink, Feature, LinkedRef, SourceRef } from './model.ts';
import { hrefOf, resolveRef, suggestionBudget, type SuggestionBudget } from './resolve.ts';
import type { RefKind } from './schemas/refs.ts';
import { riskOf } from './schemas/threats.ts';

/** Frontmatter for a bundle whose `feature.md` could not be read, so its page still shows what was found. */
const fallbackMeta = (slug: string) => ({ title: slug, id: slug.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 10) || 'UNKNOWN', status: 'draft' as const, owner: 'unknown', tickets: [], depends_on: [], tags: [] });

/** The feature a run published for a linked bundle, and its backlinks in order. */
export interface Published {
  feature: Feature;
  backlinks: readonly Backlink[];
}

/** One bundle linked: its feature (backlinks still empty), the backlinks it gives other items, and its problems. */
export interface LinkedBundle {
  feature: Feature;
  backlinks: ReadonlyArray<{ feature: string; anchor: string; backlink: Backlink }>;
  diagnostics: Diagnostic[];
}

export async function link(
  parsed: readonly ParsedBundle[],
  options: {
    weights?: Readonly<Partial<Record<string, number>>>;
    /** Prefixed to story links (`/specs/`); `/` by default. */
    base?: string;
    /** Stories rendered by earlier runs, by their text and where their links lead. */
    cache?: ParseCache | undefined;
    /** A live preview's earlier runs: bundles whose parse and whose reads of the index are unchanged are not linked again. */
    memo?: LinkMemo<LinkedBundle, Published> | undefined;
    /** Render stories on the parse worker (parse-pool.ts), while this thread links the next bundles. */
    offThread?: boolean;
    /** Render stories to HTML (default); when false, their links are checked but `storyHtml` is empty. */
    render?: boolean;
  } = {},
): Promise<{ features: Feature[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const bundles: ParsedBundle[] = [];
  const slugs = new Map<string, ParsedBundle>();
  for (const bundle of parsed) {
    const first = slugs.get(bundle.slug);
    if (first) {
      diagnostics.push(problem(idRules, 'ids/duplicate-slug', { file: `${bundle.dir}/feature.md` }, `The folder name "${bundle.slug}" is also used by ${first.dir}; both would publish /features/${bundle.slug}/.`, 'Rename one of the bundle folders; the folder name is the feature slug.'));
      continue;
    }
    slugs.set(bundle.slug, bundle);
    bundles.push(bundle);
  }

  const { index, diagnostics: indexDiagnostics } = buildIndex(bundles);
  pushAll(diagnostics, indexDiagnostics);
  const renderer = options.render === false ? undefined : options.offThread ? (job: StoryJob) => runOffThread(job) : (job: StoryJob) => runParseJob(job);
  const context = { index, budget: suggestionBudget(), weights: options.weights, base: options.base ?? '/', cache: options.cache, render: renderer };
  const run = options.memo?.run(index, JSON.stringify([context.weights ?? null, context.base, options.render !== false]), () => sequenceChecksSignature(index));

  // Every bundle is linked up to its story at once, in order; each finishes once its story is rendered.
  const linked = await Promise.all(
    bundles.map(async (bundle): Promise<LinkedBundle> => {
      const kept = run?.reuse(bundle);
      if (kept) return kept;
      const recording = run?.record(bundle);
      const fresh = await linkBundle(bundle, { ...context, reader: recording?.index ?? index });
      recording?.keep(fresh, bundle.sequences.length > 0);
      return fresh;
    }),
  );

  // Backlinks in the order the bundles are linked; one per referring item, however often it refers.
  const backlinks = new Map<string, Map<string, Backlink[]>>();
  for (const { backlinks: given, diagnostics: found } of linked) {
    pushAll(diagnostics, found);
    for (const { feature, anchor, backlink } of given) {
      const byAnchor = backlinks.get(feature) ?? new Map<string, Backlink[]>();
      backlinks.set(feature, byAnchor);
      const list = byAnchor.get(anchor) ?? [];
      byAnchor.set(anchor, list);
      if (!list.some((b) => b.feature === backlink.feature && b.from === backlink.from)) list.push(backlink);
    }
  }
  const features = linked.map((result): Feature => {
    const byAnchor = backlinks.get(result.feature.slug);
    const given = byAnchor ? [...byAnchor.values()].flat() : [];
    // A kept result is shared with earlier runs: the feature it published is reused while its
    // backlinks are the same ones, else each run completes its own copy.
    const last = options.memo?.published.get(result);
    if (last && last.backlinks.length === given.length && last.backlinks.every((b, i) => b === given[i])) return last.feature;
    const feature = { ...result.feature, backlinks: byAnchor ? Object.fromEntries(byAnchor) : {} };
    options.memo?.published.set(result, { feature, backlinks: given });
    return feature;
  });
  return { features, diagnostics };
}

/** A story left unrendered: a check wants its links' diagnostics only. */
const UNRENDERED: RenderedStory = { html: '', headings: [] };

/** What linking one bundle works with. */
interface LinkContext {
  /** The index as this bundle reads it (a recording view in a live preview). */
  reader: IndexReader;
  /** The index itself, which sequences are checked against. */
  index: PortalIndex;
  budget: SuggestionBudget;
  weights: Readonly<Partial<Record<string, number>>> | undefined;
  base: string;
  cache: ParseCache | undefined;
  /** Renders a story, here or on the parse worker; absent when stories are not rendered. */
  render: ((job: StoryJob) => Promise<RenderedStory>) | undefined;
}

/** Links one bundle against the portal's index. */
async function linkBundle(
  bundle: ParsedBundle,
  context: LinkContext,
): Promise<LinkedBundle> {
  const diagnostics: Diagnostic[] = [];
  const backlinks: Array<{ feature: string; anchor: string; backlink: Backlink }> = [];

  /** Resolves one reference written in this bundle, recording the backlink. */
  const linkRef = (raw: string, from: { id: string; kind: RefKind | 'story'; anchor: string; label: string }, at: SourceRef & { column?: number }): LinkedRef => {
    const { ref, target, diagnostic } = resolveRef(context.reader, raw, bundle.slug, at, context.budget);
    if (diagnostic) diagnostics.push(diagnostic);
    const base = ref ?? { kind: 'feature' as const, target: raw, raw };
    if (!target) return { ...base, at };
    const isSelf = target.feature === bundle.slug && target.anchor === from.anchor;
    if (!isSelf) {
      backlinks.push({ feature: target.feature, anchor: target.anchor, backlink: { feature: bundle.slug, from: from.id, fromKind: from.kind, href: `/features/${bundle.slug}/${from.anchor ? `#${from.anchor}` : ''}`, label: from.label } });
    }
    return { ...base, at, href: hrefOf(target), label: target.label };
  };

  const meta = bundle.meta ?? fallbackMeta(bundle.slug);
  const featureFile = `${bundle.dir === '.' ? '' : `${bundle.dir}/`}feature.md`;
  const self = { id: 'feature.md', kind: 'feature' as const, anchor: '', label: meta.title };
  const dependsOn = meta.depends_on.map((raw, i) => linkRef(raw, self, { file: featureFile, ...bundle.locateMeta(['depends_on', i]) }));

  const nfrs = bundle.nfrs.map(({ item, at, locate }) => ({
    ...item, feature: bundle.slug, at, measurable: item.target !== 'none',
    appliesTo: item.applies_to.map((raw, i) => linkRef(raw, { id: item.id, kind: 'nfr', anchor: item.id, label: item.statement }, locate(['applies_to', i]))),
  }));
  const threats = bundle.threats.map(({ item, at, locate }) => {
    const from = { id: item.id, kind: 'threat' as const, anchor: item.id, label: item.title };
    return {
      ...item, feature: bundle.slug, at, risk: riskOf(item.likelihood, item.impact),
      // A single `target: op:x` string locates at the string itself; a list at each entry.
      targets: item.target.map((raw, i) => linkRef(raw, from, locate(['target', i]))),
      mitigationItems: item.mitigations.map((text, i) => (/^[a-z]+:\S+$/.test(text.trim()) && !/^https?:/.test(text) ? { ref: linkRef(text, from, locate(['mitigations', i])) } : { text })),
    };
  });
  const edgeCases = bundle.edgeCases.map(({ item, at, locate }) => ({
    ...item, feature: bundle.slug, at,
    links: item.refs.map((raw, i) => linkRef(raw, { id: item.id, kind: 'edge', anchor: item.id, label: item.scenario }, locate(['refs', i]))),
  }));

  // Wiki links in the story are checked here, with their exact positions, then rendered.
  const storyRefs = new Map<string, LinkedRef>();
  for (const wiki of bundle.story.links) {
    const at = { file: featureFile, line: bundle.bodyLine + wiki.line - 1, column: wiki.column };
    storyRefs.set(wiki.raw, linkRef(wiki.raw, { ...self, id: 'feature.md', kind: 'story' }, at));
  }
  const resolve = (raw: string) => {
    const ref = storyRefs.get(raw);
    return ref?.href ? { href: `${context.base.replace(/\/$/, '')}${ref.href}`, label: ref.label ?? raw } : undefined;
  };
  const links = [...storyRefs.keys()].map((raw): [string, ReturnType<typeof resolve>] => [raw, resolve(raw)]);
  const render = context.render;
  const job: StoryJob = { kind: 'story', body: bundle.body, links, scanned: bundle.story.unreadable ? { unreadable: bundle.story.unreadable } : {} };
  const story = !render
    ? UNRENDERED
    : context.cache
      ? await context.cache.derived(['story', bundle.body, links.map(([, to]) => to)], () => render(job), (rendered) => !rendered.plain)
      : await render(job);

  const contracts = bundle.contracts.map((c) => c.contract);
  const findings = new Map<string, SequenceFindings>();
  for (const sequence of bundle.sequences) {
    // Checked against the whole index: the memo compares what it was checked against instead.
    const checked = checkSequence(sequence, context.index);
    findings.set(sequence.name, checked.findings);
    pushAll(diagnostics, checked.diagnostics);
  }
  pushAll(diagnostics, checkCoverage(bundle.slug, contracts, threats, nfrs));
  const feature: Feature = {
    slug: bundle.slug, dir: bundle.dir, area: bundle.area, meta, body: bundle.body, bodyLine: bundle.bodyLine,
    storyHtml: story.html, storyHeadings: story.headings, storyDiagrams: bundle.storyDiagrams,
    context: bundle.context, dataModel: bundle.dataModel, sequences: bundle.sequences, contracts,
    nfrs, threats, edgeCases, dependsOn,
    completeness: completenessOf({ slug: bundle.slug, context: bundle.context, dataModel: bundle.dataModel, contracts, sequences: bundle.sequences, findings, nfrs, edgeCases, threats }, context.weights),
    backlinks: {},
    files: bundle.files,
  };
  return { feature, backlinks, diagnostics };
}
