/**
 * `portal.json`: the whole linked model as versioned data, for ticket tools and scripts. The zod
 * schema below is the one source of the export's shape: it types `exportPortal`, validates in
 * the tests, and is published as `/portal.schema.json` through `z.toJSONSchema`.
 *
 * The export is reproducible: no timestamps, and every list in a fixed (code-point) order, so
 * the same content gives the same bytes on any machine. Every URL is root-relative and carries
 * the site's base path; each entry that has a permanent link (`/ref/<ID>/`) gives it.
 */
import { z } from 'zod';
import type { Catalog } from './catalog.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { PortalIndex, Target } from './index-items.ts';
import { scanStory } from './markdown.ts';
import type { Feature, LinkedRef, SourceRef } from './model.ts';
import { buildPermalinks, refPath } from './permalinks.ts';
import { hrefOf, resolveRef, suggestionBudget } from './resolve.ts';
import { SEVERITIES } from './schemas/edge-cases.ts';
import { FEATURE_STATUSES } from './schemas/feature.ts';
import { COMPARATORS } from './schemas/nfr.ts';
import { REF_KINDS } from './schemas/refs.ts';
import { LEVELS, STRIDE, THREAT_STATUSES } from './schemas/threats.ts';

export const PORTAL_JSON_VERSION = 1;

const url = z.string().meta({ description: 'A root-relative URL on the portal, base path included.', examples: ['/features/checkout/#CHK-NFR-01'] });
const permalink = z.string().meta({ description: 'The permanent link `/ref/<ID>/`, base path included: what a ticket links to.', examples: ['/ref/CHK-NFR-01/'] });
const sourceSchema = z.object({
  file: z.string().meta({ description: 'File relative to the content root.' }),
  line: z.number().int().min(1),
});
const typedRef = z.string().meta({ description: 'A typed reference as written.', examples: ['op:createOrder'] });

const completenessSchema = z.object({
  score: z.number(),
  max: z.number(),
  rubric: z.array(z.object({ id: z.string(), label: z.string(), met: z.boolean(), points: z.number(), detail: z.string() })),
});

const provenanceSchema = z
  .object({
    repository: z.string().nullable().meta({ description: 'Remote URL of the repository holding the bundle, without credentials.' }),
    commit: z.string().nullable().meta({ description: 'The commit the portal was built from.' }),
    path: z.string().meta({ description: 'The bundle folder inside that repository.' }),
    lastChange: z.object({ date: z.string(), author: z.string() }).nullable().meta({ description: 'The last commit that touched the bundle.' }),
    editUrl: z.string().nullable().meta({ description: 'Where to edit feature.md (GitHub, GitLab, Bitbucket).' }),
  })
  .nullable()
  .meta({ description: 'Where the bundle comes from, read from git; null outside a git work tree.' });

const featureSchema = z.object({
  slug: z.string().meta({ description: "The bundle folder's name: the feature's ID." }),
  key: z.string().meta({ description: 'The short uppercase key its item IDs start with.', examples: ['CHK'] }),
  title: z.string(),
  status: z.enum(FEATURE_STATUSES),
  owner: z.string(),
  area: z.string(),
  dir: z.string().meta({ description: 'The bundle folder relative to the content root (it may move; the slug does not).' }),
  sprint: z.string().nullable(),
  summary: z.string().nullable(),
  tickets: z.array(z.string()),
  tags: z.array(z.string()),
  dependsOn: z.array(typedRef),
  completeness: completenessSchema,
  provenance: provenanceSchema,
  permalink,
  href: url,
});

const itemBase = {
  id: z.string().meta({ description: 'Unique across the portal.', examples: ['CHK-NFR-01'] }),
  feature: z.string().meta({ description: 'The slug of the feature that holds it.' }),
  title: z.string().meta({ description: 'The statement, title or scenario.' }),
  at: sourceSchema,
  permalink,
  href: url,
};

const nfrSchema = z.object({
  kind: z.literal('nfr'),
  ...itemBase,
  category: z.string(),
  statement: z.string(),
  target: z.object({ metric: z.string(), comparator: z.enum(COMPARATORS), value: z.number(), unit: z.string() }).nullable()
    .meta({ description: 'The measurable target, or null when the NFR has none (then `reason` says why).' }),
  reason: z.string().nullable(),
  measurable: z.boolean(),
  appliesTo: z.array(typedRef),
  verification: z.string(),
  priority: z.enum(['must', 'should', 'could']),
  rationale: z.string().nullable(),
});

const threatSchema = z.object({
  kind: z.literal('threat'),
  ...itemBase,
  stride: z.array(z.enum(STRIDE)),
  targets: z.array(typedRef),
  description: z.string(),
  likelihood: z.enum(LEVELS),
  impact: z.enum(LEVELS),
  risk: z.enum(['low', 'medium', 'high', 'critical']).meta({ description: 'Derived from likelihood × impact.' }),
  mitigations: z.array(z.string()).meta({ description: 'Typed references or free text, as written.' }),
  status: z.enum(THREAT_STATUSES),
  owner: z.string().nullable(),
});

const edgeCaseSchema = z.object({
  kind: z.literal('edge'),
  ...itemBase,
  scenario: z.string(),
  expected: z.string(),
  refs: z.array(typedRef),
  source: z.string().nullable(),
  severity: z.enum(SEVERITIES),
});

const operationSchema = z.object({
  id: z.string().meta({ description: 'The ID under /ref/: the operationId, or `<slug>/<operationId>` when the operationId is not unique.' }),
  operationId: z.string(),
  feature: z.string(),
  contract: z.string().meta({ description: 'The contract file inside the bundle.', examples: ['openapi.yaml'] }),
  method: z.string(),
  path: z.string(),
  summary: z.string(),
  tags: z.array(z.string()),
  responses: z.array(z.string()),
  deprecated: z.boolean(),
  secured: z.boolean(),
  at: sourceSchema,
  permalink,
  href: url,
});

const entitySchema = z.object({
  name: z.string(),
  features: z.array(z.string()),
  attributes: z.array(z.object({ name: z.string(), type: z.string(), keys: z.array(z.string()), comment: z.string(), features: z.array(z.string()) })),
  relationships: z.array(z.object({ from: z.string(), to: z.string(), label: z.string(), fromCardinality: z.string(), toCardinality: z.string(), feature: z.string() })),
  permalink,
  href: url,
});

const componentSchema = z.object({
  id: z.string(),
  label: z.string(),
  type: z.string(),
  external: z.boolean(),
  descriptions: z.array(z.string()),
  features: z.array(z.string()),
  href: url.meta({ description: 'The component on the page of the first feature (by slug) that shows it.' }),
});

const sequenceSchema = z.object({
  ref: typedRef,
  feature: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  meta: z.record(z.string(), z.unknown()).meta({ description: "The diagram's integration metadata (timeout, retries, idempotency, …) as validated." }),
  href: url,
});

const referenceSchema = z.object({
  from: z.object({
    kind: z.enum(['feature', 'story', 'nfr', 'threat', 'edge']).meta({ description: '`feature` for `depends_on`, `story` for a wiki link in feature.md, else the item kind.' }),
    id: z.string().meta({ description: 'The item ID, or the feature slug.' }),
    feature: z.string(),
  }),
  ref: typedRef,
  kind: z.enum(REF_KINDS),
  target: z.string().meta({ description: 'What follows the colon.' }),
  href: url.nullable().meta({ description: 'Where the reference leads, or null when it dangles.' }),
  permalink: permalink.nullable().meta({ description: 'The permanent link of the target, when it has one.' }),
  at: sourceSchema.meta({ description: 'Where it is written.' }),
});

const diagnosticSchema = z.object({
  severity: z.enum(['error', 'warning']),
  rule: z.string(),
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
  hint: z.string(),
});

export const portalJsonSchema = z
  .object({
    version: z.literal(PORTAL_JSON_VERSION).meta({ description: 'Bumped when a field changes meaning or goes away.' }),
    features: z.array(featureSchema),
    items: z.array(z.discriminatedUnion('kind', [nfrSchema, threatSchema, edgeCaseSchema])).meta({ description: 'Every NFR, threat and edge case.' }),
    operations: z.array(operationSchema),
    entities: z.array(entitySchema),
    components: z.array(componentSchema),
    sequences: z.array(sequenceSchema),
    references: z.array(referenceSchema).meta({ description: 'Every typed reference, where it is written and what it resolves to.' }),
    diagnostics: z.array(diagnosticSchema).meta({ description: 'The warnings `specport check` reported (a published portal has no errors).' }),
  })
  .meta({ title: 'Specport portal.json', description: 'The whole linked model of a Specport portal: features, items, operations, entities, components, sequences and references.' });

export type PortalJson = z.output<typeof portalJsonSchema>;

/** The JSON Schema of `portal.json`, as published at `/portal.schema.json`. */
export const portalJsonSchemaDocument = () => z.toJSONSchema(portalJsonSchema, { target: 'draft-2020-12', io: 'output' });

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The export of a linked portal. `warnings` are the diagnostics to publish (duplicates are
 * dropped); `base` is the site's base path, prefixed to every URL.
 */
export function exportPortal(features: readonly Feature[], catalog: Catalog, warnings: readonly Diagnostic[], options: { base?: string } = {}): PortalJson {
  const base = (options.base ?? '/').replace(/\/$/, '');
  const url = (href: string) => `${base}${href}`;
  const { permalinks } = buildPermalinks(features, catalog);
  // Every permalink leads to its own place, so the target URL finds the permalink of any reference.
  const byHref = new Map(permalinks.map((p) => [p.href, p]));
  const permalinkOf = (href: string | undefined) => {
    const found = href === undefined ? undefined : byHref.get(href);
    return found ? url(found.path) : null;
  };
  const sorted = [...features].sort((a, b) => compare(a.slug, b.slug));

  const references: PortalJson['references'] = [];
  const addRefs = (from: PortalJson['references'][number]['from'], refs: readonly LinkedRef[]) => {
    for (const ref of refs) {
      references.push({ from, ref: ref.raw, kind: ref.kind, target: ref.target, href: ref.href ? url(ref.href) : null, permalink: permalinkOf(ref.href), at: source(ref.at) });
    }
  };
  for (const f of sorted) {
    addRefs({ kind: 'feature', id: f.slug, feature: f.slug }, f.dependsOn);
    for (const nfr of f.nfrs) addRefs({ kind: 'nfr', id: nfr.id, feature: f.slug }, nfr.appliesTo);
    for (const threat of f.threats) {
      addRefs({ kind: 'threat', id: threat.id, feature: f.slug }, [...threat.targets, ...threat.mitigationItems.flatMap((m) => ('ref' in m ? [m.ref] : []))]);
    }
    for (const edge of f.edgeCases) addRefs({ kind: 'edge', id: edge.id, feature: f.slug }, edge.links);
  }
  for (const { feature, ref } of storyReferences(sorted)) addRefs({ kind: 'story', id: feature, feature }, [ref]);

  return {
    version: PORTAL_JSON_VERSION,
    features: sorted.map((f) => {
      const href = `/features/${f.slug}/`;
      return {
        slug: f.slug, key: f.meta.id, title: f.meta.title, status: f.meta.status, owner: f.meta.owner, area: f.area, dir: f.dir,
        sprint: f.meta.sprint ?? null, summary: f.meta.summary ?? null, tickets: f.meta.tickets, tags: f.meta.tags, dependsOn: f.meta.depends_on,
        completeness: { score: f.completeness.score, max: f.completeness.max, rubric: f.completeness.rubric.map(({ id, label, met, points, detail }) => ({ id, label, met, points, detail })) },
        provenance: f.provenance
          ? {
              repository: f.provenance.repository ?? null, commit: f.provenance.commit ?? null, path: f.provenance.path,
              lastChange: f.provenance.lastChange ?? null, editUrl: f.provenance.editUrl ?? null,
            }
          : null,
        permalink: permalinkOf(href) ?? url(refPath(f.slug)), href: url(href),
      };
    }),
    items: sorted.flatMap((f): PortalJson['items'] => {
      const common = (id: string, title: string, at: SourceRef) => {
        const href = `/features/${f.slug}/#${id}`;
        return { id, feature: f.slug, title, at: source(at), permalink: permalinkOf(href) ?? url(refPath(id)), href: url(href) };
      };
      return [
        ...f.nfrs.map((n) => ({
          kind: 'nfr' as const, ...common(n.id, n.statement, n.at), category: n.category, statement: n.statement,
          target: n.target === 'none' ? null : { ...n.target }, reason: n.reason ?? null, measurable: n.measurable, appliesTo: n.applies_to,
          verification: n.verification, priority: n.priority, rationale: n.rationale ?? null,
        })),
        ...f.threats.map((t) => ({
          kind: 'threat' as const, ...common(t.id, t.title, t.at), stride: t.stride, targets: t.target, description: t.description,
          likelihood: t.likelihood, impact: t.impact, risk: t.risk, mitigations: t.mitigations, status: t.status, owner: t.owner ?? null,
        })),
        ...f.edgeCases.map((e) => ({
          kind: 'edge' as const, ...common(e.id, e.scenario, e.at), scenario: e.scenario, expected: e.expected, refs: e.refs,
          source: e.source ?? null, severity: e.severity,
        })),
      ];
    }),
    operations: sorted.flatMap((f) =>
      f.contracts.flatMap((contract) =>
        contract.operations.map((op) => {
          const href = `/features/${f.slug}/#${op.operationId}`;
          const id = byHref.get(href)?.id ?? `${f.slug}/${op.operationId}`;
          return {
            id, operationId: op.operationId, feature: f.slug, contract: contract.name,
            method: op.method, path: op.path, summary: op.summary, tags: op.tags, responses: op.responses, deprecated: op.deprecated, secured: op.secured,
            at: { file: contract.file, line: op.line }, permalink: url(refPath(id)), href: url(href),
          };
        }),
      ),
    ),
    entities: [...catalog.entities].sort((a, b) => compare(a.name, b.name)).map((e) => {
      const href = `/entities/${e.segment}/`;
      return {
        name: e.name, features: [...e.features].sort(compare),
        attributes: e.attributes.map(({ name, type, keys, comment, features: declaredBy }) => ({ name, type, keys, comment, features: declaredBy })),
        relationships: e.relationships
          .map(({ from, to, label, fromCardinality, toCardinality, feature }) => ({ from, to, label, fromCardinality, toCardinality, feature }))
          .sort((a, b) => compare(a.feature, b.feature) || compare(a.from, b.from) || compare(a.to, b.to) || compare(a.label, b.label)),
        permalink: permalinkOf(href) ?? url(refPath(`entity/${e.segment}`)), href: url(href),
      };
    }),
    components: [...catalog.components].sort((a, b) => compare(a.id, b.id)).map((c) => ({
      id: c.id, label: c.label, type: c.type, external: c.external, descriptions: c.descriptions, features: [...c.features].sort(compare),
      href: url(`/features/${[...c.features].sort(compare)[0] ?? ''}/#component-${c.id}`),
    })),
    sequences: sorted.flatMap((f) => f.sequences.map((s) => ({
      ref: `sequence:${f.slug}/${s.name}`, feature: f.slug, name: s.name, title: s.meta.title ?? s.diagram.title ?? null,
      meta: { ...s.meta }, href: url(`/features/${f.slug}/#${s.anchor}`),
    }))),
    references,
    diagnostics: dedupe(warnings).map(({ severity, rule, file, line, column, message, hint }) => ({ severity, rule, file, line, column, message, hint })),
  };
}

const source = (at: SourceRef) => ({ file: at.file, line: at.line });

function dedupe(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list
    .filter((d) => {
      const key = `${d.file}\0${d.line}\0${d.column}\0${d.rule}\0${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.rule, b.rule) || compare(a.message, b.message));
}

/**
 * Wiki links in stories, as written and where, resolved the way `link` resolves them (the model
 * keeps a story's links only in its rendered HTML, so they are scanned again from the body).
 */
function storyReferences(features: readonly Feature[]): Array<{ feature: string; ref: LinkedRef }> {
  const index = indexOf(features);
  const budget = suggestionBudget();
  const out: Array<{ feature: string; ref: LinkedRef }> = [];
  for (const feature of features) {
    const file = `${feature.dir === '.' ? '' : `${feature.dir}/`}feature.md`;
    for (const wiki of scanStory(feature.body).links) {
      const at = { file, line: feature.bodyLine + wiki.line - 1 };
      const { ref, target } = resolveRef(index, wiki.raw, feature.slug, at, budget);
      if (ref) out.push({ feature: feature.slug, ref: { ...ref, at, href: target ? hrefOf(target) : undefined } });
    }
  }
  return out;
}

/** The index `resolveRef` reads, rebuilt from the linked features (first definition wins, as in `buildIndex`). */
function indexOf(features: readonly Feature[]): PortalIndex {
  const index: PortalIndex = { features: new Map(), items: new Map(), operations: new Map(), entities: new Map(), components: new Map(), sequences: new Map() };
  const push = (map: Map<string, Target[]>, key: string, target: Target) => map.set(key, [...(map.get(key) ?? []), target]);
  for (const f of features) {
    const at = { file: `${f.dir}/feature.md`, line: 1 };
    index.features.set(f.slug, { kind: 'feature', feature: f.slug, anchor: '', label: f.meta.title, at });
    const items = [
      ...f.nfrs.map((i) => ({ kind: 'nfr' as const, id: i.id, label: i.statement, at: i.at })),
      ...f.threats.map((i) => ({ kind: 'threat' as const, id: i.id, label: i.title, at: i.at })),
      ...f.edgeCases.map((i) => ({ kind: 'edge' as const, id: i.id, label: i.scenario, at: i.at })),
    ];
    for (const i of items) if (!index.items.has(i.id)) index.items.set(i.id, { kind: i.kind, feature: f.slug, anchor: i.id, label: i.label, at: i.at });
    const seen = new Set<string>();
    for (const c of f.contracts) {
      for (const op of c.operations) {
        if (seen.has(op.operationId)) continue;
        seen.add(op.operationId);
        push(index.operations, op.operationId, { kind: 'op', feature: f.slug, anchor: op.operationId, label: `${op.method} ${op.path}`, at: { file: c.file, line: op.line } });
      }
    }
    for (const e of f.dataModel?.entities ?? []) push(index.entities, e.name, { kind: 'entity', feature: f.slug, anchor: `entity-${e.name}`, label: e.name, at });
    for (const c of f.context?.components ?? []) push(index.components, c.id, { kind: 'component', feature: f.slug, anchor: `component-${c.id}`, label: c.label || c.id, at });
    for (const q of f.sequences) index.sequences.set(`${f.slug}/${q.name}`, { kind: 'sequence', feature: f.slug, anchor: q.anchor, label: q.meta.title ?? q.name, at });
  }
  return index;
}
