/**
 * Permanent links: `/ref/<ID>/` for every feature, NFR, threat, edge case, operation and entity,
 * the URL a sprint ticket links to. A permanent link is built from the feature slug and the item's
 * ID, never from the bundle's folder, so it survives moving a bundle.
 *
 * All kinds share one namespace under `/ref/`, so an entity named like a feature (`Cart` and
 * `cart`) would claim the same page. Letter case is ignored when comparing, because the build
 * writes one folder per link and macOS and Windows file systems ignore case: `ref/Cart/` would
 * silently overwrite `ref/cart/`. Collisions are resolved by rank (items, then features, then
 * operations, then entities): the higher rank keeps the short link, the other gets its qualified
 * form, and the collision is reported so the author can rename one of the two.
 */
import { z } from 'zod';
import { entitySegment, type Catalog, type EntityView } from './catalog.ts';
import { problem, pushAll, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { Feature, SourceRef } from './model.ts';
import { hrefOf } from './resolve.ts';

export const permalinkRules = {
  'ids/permalink-collision': {
    severity: 'warning',
    description: 'Two things claim the same permanent link /ref/<ID>/ (letter case ignored); the one of lower rank gets a qualified link.',
  },
} as const satisfies Record<string, RuleInfo>;

/** What a permanent link can point at; the names of typed references (`nfr:`, `op:`, …). */
export const PERMALINK_KINDS = ['feature', 'nfr', 'threat', 'edge', 'op', 'entity'] as const;
export type PermalinkKind = (typeof PERMALINK_KINDS)[number];

export const permalinkSchema = z.object({
  id: z.string().meta({
    description: 'What follows `/ref/`: an item ID, a feature slug, an operationId (`<slug>/<operationId>` when the operationId is not unique portal-wide) or an entity name.',
    examples: ['CHK-NFR-01', 'checkout', 'createOrder', 'checkout/createOrder', 'Order'],
  }),
  kind: z.enum(PERMALINK_KINDS).meta({ description: 'What the link points at, named as in typed references.' }),
  feature: z.string().nullable().meta({ description: 'The slug of the feature that holds the item; null for entities, which belong to the portal.' }),
  features: z.array(z.string()).meta({ description: 'Every feature that declares it (one, except for entities).' }),
  ref: z.string().meta({ description: 'The typed reference that names it.', examples: ['nfr:CHK-NFR-01', 'op:checkout/createOrder'] }),
  path: z.string().meta({ description: 'The permanent link, without the base path.', examples: ['/ref/CHK-NFR-01/'] }),
  href: z.string().meta({ description: 'Where the permanent link leads, without the base path.', examples: ['/features/checkout/#CHK-NFR-01'] }),
  aliases: z.array(z.string()).meta({ description: 'Other links under /ref/ that lead to the same place, e.g. the qualified `<slug>/<operationId>` of an operation.' }),
  title: z.string().meta({ description: 'A line that names it: the feature title, the NFR statement, `POST /orders`, …' }),
  summary: z.string().meta({ description: 'A sentence more, for the link page and search results; may be empty.' }),
});

export type Permalink = z.output<typeof permalinkSchema>;

/** `/ref/<id>/`, with each segment of the ID escaped. */
export const refPath = (id: string) => `/ref/${id.split('/').map(encodeURIComponent).join('/')}/`;

/**
 * An operationId or entity name as one folder name that every static server serves as written:
 * runs of other characters become `-`, as in entity URLs. Item IDs and slugs are such names
 * already (their schemas say so); the rare other name gets a link that differs from it, which the
 * copy button and `portal.json` give, and any clash with another link is resolved as below.
 */
export const urlSegment = (name: string) => {
  const segment = entitySegment(name);
  return segment === '.' || segment === '..' ? '-' : segment;
};

interface Claim {
  permalink: Omit<Permalink, 'id' | 'path' | 'aliases'>;
  /** IDs to try in order; the first one not taken wins. */
  candidates: string[];
  /** Qualified forms that should also work when free (never reported). */
  aliases: string[];
  rank: number;
  at: SourceRef;
  /** How the diagnostics name it: `the entity "Cart"`. */
  name: string;
  /** Its place in the order claims are served in, as one string (`orderOf`), once asked for. */
  order?: string;
  /** Its candidates and aliases as compared (`fold`), once asked for. */
  folded?: { candidates: string[]; aliases: string[] };
}

const RANK: Record<PermalinkKind, number> = { nfr: 0, threat: 0, edge: 0, feature: 1, op: 2, entity: 3 };
const NAMES: Record<PermalinkKind, string> = { nfr: 'NFR', threat: 'threat', edge: 'edge case', feature: 'feature', op: 'operation', entity: 'entity' };

/** Code-point order, so the result does not depend on the machine's locale. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const fold = (id: string) => id.toLowerCase();

/**
 * Every permanent link of the portal, and a warning for each collision between two of them.
 * Pure and deterministic: the same features give the same links, whatever their order.
 */
export function buildPermalinks(
  features: readonly Feature[],
  catalog: Catalog,
  /** Keep what is built for the next call over mostly the same feature objects (a live preview). */
  keep = false,
): { permalinks: Permalink[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const claims: Claim[] = [];
  // How many features define each operationId. Within a feature, a repeated operationId is an
  // error of its own (`ids/duplicate-operation`) and shares the first one's anchor, so it counts once.
  const opCount = new Map<string, number>();
  for (const feature of features) {
    for (const id of new Set(feature.contracts.flatMap((c) => c.operations.map((o) => o.operationId)))) opCount.set(id, (opCount.get(id) ?? 0) + 1);
  }

  for (const feature of features) pushAll(claims, claimsOf(feature, opCount, keep));

  const bySlug = new Map(features.map((f) => [f.slug, f]));
  for (const entity of catalog.entities) {
    const at = entityAt(entity, bySlug);
    claims.push({
      permalink: {
        kind: 'entity', feature: null, features: [...entity.features].sort(compare), ref: `entity:${entity.name}`,
        href: hrefOf({ kind: 'entity', feature: entity.features[0] ?? '', anchor: `entity-${entity.name}`, label: entity.name, at }),
        title: entity.name, summary: entitySummary(entity),
      },
      candidates: [urlSegment(entity.name), `entity/${urlSegment(entity.name)}`], aliases: [], rank: RANK.entity, at, name: `the entity "${entity.name}"`,
    });
  }

  claims.sort((a, b) => compare(orderOf(a), orderOf(b)));
  const taken = new Map<string, Claim>();
  const assigned: Array<{ claim: Claim; id: string }> = [];
  for (const claim of claims) {
    const folded = foldedOf(claim).candidates;
    const free = folded.findIndex((c) => !taken.has(c));
    const id = free >= 0 ? claim.candidates[free]! : numbered(claim.candidates.at(-1)!, taken);
    const first = taken.get(folded[0]!);
    taken.set(free >= 0 ? folded[free]! : fold(id), claim);
    assigned.push({ claim, id });
    // Two items with one ID are already errors (`ids/duplicate`, `ids/case-collision`); say it once.
    // An entity named like a feature (`Cart` and `cart`) is expected, and it has its own page: no warning.
    const expected = claim.rank === RANK.entity && first?.rank === RANK.feature;
    if (first && !(first.rank === 0 && claim.rank === 0) && !expected) diagnostics.push(collision(claim, first, id));
  }

  const permalinks = assigned.map(({ claim, id }): Permalink => {
    const folded = foldedOf(claim).aliases;
    const aliases = claim.aliases.filter((alias, i) => alias !== id && !taken.has(folded[i]!));
    for (const alias of aliases) taken.set(fold(alias), claim);
    const last = keep ? made.get(claim) : undefined;
    if (last && last.id === id && last.aliases.length === aliases.length && last.aliases.every((a, i) => a === aliases[i])) return last;
    const permalink = { id, ...claim.permalink, path: refPath(id), aliases };
    if (keep) made.set(claim, permalink);
    return permalink;
  });
  return { permalinks, diagnostics };
}

/**
 * The claims of one feature's own items and operations. Kept while the feature is the same object
 * (a live preview's link keeps unchanged features) and each of its operationIds is as unique
 * across the portal as it was.
 */
function claimsOf(feature: Feature, opCount: ReadonlyMap<string, number>, keep: boolean): Claim[] {
  const unique = keep ? feature.contracts.flatMap((c) => c.operations.map((o) => opCount.get(o.operationId) === 1)) : [];
  const kept = keep ? keptClaims.get(feature) : undefined;
  if (kept && kept.unique.length === unique.length && kept.unique.every((u, i) => u === unique[i])) return kept.claims;
  const claims: Claim[] = [];
  const slug = feature.slug;
  const file = `${feature.dir === '.' ? '' : `${feature.dir}/`}feature.md`;
  const base = { feature: slug, features: [slug] };
  claims.push({
    permalink: { ...base, kind: 'feature', ref: `feature:${slug}`, href: `/features/${slug}/`, title: feature.meta.title, summary: feature.meta.summary ?? '' },
    candidates: [slug, `feature/${slug}`], aliases: [], rank: RANK.feature, at: { file, line: 1 }, name: `the feature "${slug}"`,
  });
  const item = (kind: 'nfr' | 'threat' | 'edge', id: string, at: SourceRef, title: string, summary: string) =>
    claims.push({
      permalink: { ...base, kind, ref: `${kind}:${id}`, href: hrefOf({ kind, feature: slug, anchor: id, label: title, at }), title, summary },
      candidates: [id, `${kind}/${id}`], aliases: [], rank: RANK[kind], at, name: `the ${NAMES[kind]} "${id}"`,
    });
  for (const nfr of feature.nfrs) item('nfr', nfr.id, nfr.at, nfr.statement, nfrSummary(nfr));
  for (const threat of feature.threats) item('threat', threat.id, threat.at, threat.title, oneLine(threat.description));
  for (const edge of feature.edgeCases) item('edge', edge.id, edge.at, edge.scenario, oneLine(edge.expected));

  const seen = new Set<string>();
  for (const contract of feature.contracts) {
    for (const op of contract.operations) {
      if (seen.has(op.operationId)) continue;
      seen.add(op.operationId);
      const at = { file: contract.file, line: op.line };
      const segment = urlSegment(op.operationId);
      const qualified = `${slug}/${segment}`;
      const unique = opCount.get(op.operationId) === 1;
      claims.push({
        permalink: {
          ...base, kind: 'op', ref: `op:${unique ? op.operationId : qualified}`,
          href: hrefOf({ kind: 'op', feature: slug, anchor: op.operationId, label: op.operationId, at }),
          title: `${op.method} ${op.path}`, summary: oneLine(op.summary || op.description),
        },
        candidates: unique ? [segment, qualified, `op/${qualified}`] : [qualified, `op/${qualified}`],
        // The qualified link keeps working when another feature later defines the same operationId.
        aliases: unique ? [qualified] : [],
        rank: RANK.op, at, name: `the operation "${op.operationId}" of "${slug}"`,
      });
    }
  }
  if (keep) keptClaims.set(feature, { claims, unique });
  return claims;
}

const keptClaims = new WeakMap<Feature, { claims: Claim[]; unique: boolean[] }>();

/** A claim's candidates and aliases as compared, kept on the claim for the same reason as its order (`orderOf`). */
function foldedOf(claim: Claim): NonNullable<Claim['folded']> {
  return (claim.folded ??= { candidates: claim.candidates.map(fold), aliases: claim.aliases.map(fold) });
}

/**
 * The order claims are served in, as one string compared in code-point order: rank first; then
 * the first candidate, a name that is its own link before one made URL-safe into the same link,
 * the reference and the feature. The parts are joined by two NULs, and a NUL within a part (an
 * operationId can hold `\u0000`) is written NUL, U+0001, so that comparing the strings compares
 * the parts in turn: a part that is a prefix of another sorts first, as it does on its own.
 * Kept on the claim: a live preview keeps the claims of unchanged features, and sorting tens of
 * thousands of them compared their parts one by one, building a string for each comparison.
 */
function orderOf(claim: Claim): string {
  if (claim.order === undefined) {
    const verbatim = claim.permalink.ref.endsWith(`:${claim.candidates[0]}`) ? 0 : 1;
    claim.order = [claim.rank, claim.candidates[0]!, verbatim, claim.permalink.ref, claim.permalink.feature ?? ''].map(orderPart).join('\0\0');
  }
  return claim.order;
}

/** One part of a claim's order, with any NUL in it escaped. */
const orderPart = (part: string | number) => (typeof part === 'string' && part.includes('\0') ? part.replaceAll('\0', '\0\u0001') : String(part));

/** The permanent link last made of each claim, reused while its ID and aliases are the same. */
const made = new WeakMap<Claim, Permalink>();

/** The last resort when every candidate is taken: `entity/Order-2`, `-3`, … */
function numbered(id: string, taken: ReadonlyMap<string, Claim>): string {
  for (let n = 2; ; n++) if (!taken.has(fold(`${id}-${n}`))) return `${id}-${n}`;
}

function collision(loser: Claim, winner: Claim, id: string): Diagnostic {
  const wanted = loser.candidates[0]!;
  const why = wanted === winner.candidates[0] ? '' : ' (letter case is ignored: case-insensitive file systems would mix them up)';
  return problem(permalinkRules, 'ids/permalink-collision', loser.at,
    `${capitalise(loser.name)} and ${winner.name} both claim the permanent link ${refPath(wanted)}${why}; ${winner.name} keeps it, so ${loser.name} is linked as ${refPath(id)}.`,
    `Rename one of the two if ${loser.name} should have ${refPath(wanted)}; until then, tickets should link ${refPath(id)}.`);
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const COMPARATOR_TEXT = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '=': '=' } as const;

function nfrSummary(nfr: Feature['nfrs'][number]): string {
  const target = nfr.target === 'none'
    ? `no measurable target${nfr.reason ? `: ${oneLine(nfr.reason)}` : ''}`
    : `${nfr.target.metric} ${COMPARATOR_TEXT[nfr.target.comparator]} ${nfr.target.value} ${nfr.target.unit}`;
  return `${nfr.category}, ${nfr.priority}: ${target}`;
}

function entitySummary(entity: EntityView): string {
  const names = [...new Set(entity.attributes.map((a) => a.name))];
  const listed = names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ');
  return `In the data model of ${[...entity.features].sort(compare).join(', ')}${listed ? `; attributes ${listed}` : ''}.`;
}

/** Where an entity is first declared, for its diagnostics: the line of its name in the ER source. */
function entityAt(entity: EntityView, features: ReadonlyMap<string, Feature>): SourceRef {
  const slug = entity.declarations[0]?.feature ?? entity.features[0];
  const model = slug === undefined ? undefined : features.get(slug)?.dataModel;
  if (!model) return { file: entity.declarations[0]?.file ?? '', line: 1 };
  const index = model.source.split('\n').findIndex((line) => hasWord(line, entity.name));
  return { file: model.file, line: index + 1 || 1 };
}

const WORD_CHAR = /[\p{L}\p{N}_-]/u;

/** Whether `word` stands on its own in `line` (no letter, digit, `_` or `-` on either side). */
function hasWord(line: string, word: string): boolean {
  if (word === '') return false;
  for (let at = line.indexOf(word); at !== -1; at = line.indexOf(word, at + 1)) {
    const before = line[at - 1];
    const after = line[at + word.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after))) return true;
  }
  return false;
}
