/**
 * What each `/ref/<ID>/` page holds: where it leads, what it says without JavaScript, and what
 * Pagefind indexes from it. Pure (no Astro import), so it is unit-tested with the core.
 *
 * Search: the ref page of an item, an operation or an entity is its search record, with its ID
 * weighted so that typing the exact ID lists it first. The result links to the ref page, whose
 * redirect lands on the anchor without a history entry. (Pointing the result at the anchor with
 * `data-pagefind-meta="url:…"` would make Starlight's result list repeat the `/ref/` page as a
 * sub-result.) A feature's record is its own page, which Starlight indexes with the story, so
 * its ref page, like every alias, stays out of the index instead of showing up twice.
 */
import type { Catalog } from '../../core/catalog.ts';
import type { Feature } from '../../core/model.ts';
import type { Permalink } from '../../core/permalinks.ts';

/** Filter values as the search modal lists them. */
export const KIND_LABELS: Record<Permalink['kind'], string> = { feature: 'feature', nfr: 'NFR', threat: 'threat', edge: 'edge case', op: 'operation', entity: 'entity' };

export interface RefRecord {
  /** The path below `/ref/` (the route parameter). */
  id: string;
  kind: Permalink['kind'];
  /** Where the page leads, without the base path. */
  href: string;
  /** The ID as the reader writes it: `CHK-NFR-01`, `createOrder`, `Order`, `checkout`. */
  label: string;
  title: string;
  summary: string;
  /** The feature's title, for "in Checkout"; empty for entities. */
  featureTitle: string;
  /** Whether Pagefind indexes this page (one record per thing, never an alias). */
  searchable: boolean;
  /** Pagefind filters: every value is a known word (Pagefind's UI renders them as HTML). */
  filters: Record<string, string[]>;
  /** More text to find the record by: the statement's details, references, attributes. */
  text: string[];
}

/** Filter values come from enums, except NFR categories, which are free text: only plain words pass. */
const SAFE_VALUE = /^[a-z0-9][a-z0-9 _-]{0,40}$/;

/** One record per permalink, and one per alias (not searchable) that leads to the same place. */
export function refRecords(features: readonly Feature[], catalog: Catalog, permalinks: readonly Permalink[]): RefRecord[] {
  const bySlug = new Map(features.map((f) => [f.slug, f]));
  const records: RefRecord[] = [];
  for (const permalink of permalinks) {
    const feature = permalink.feature ? bySlug.get(permalink.feature) : undefined;
    const filters: Record<string, string[]> = { kind: [KIND_LABELS[permalink.kind]] };
    if (feature) filters['status'] = [feature.meta.status];
    const text: string[] = [];
    const id = permalink.ref.slice(permalink.ref.indexOf(':') + 1);
    // An operation's reference may be qualified (`op:checkout/createOrder`); its anchor is the operationId.
    const label = permalink.kind === 'op' ? permalink.href.slice(permalink.href.indexOf('#') + 1) : id;

    if (permalink.kind === 'nfr') {
      const nfr = feature?.nfrs.find((n) => n.id === id);
      if (nfr) {
        if (SAFE_VALUE.test(nfr.category)) filters['NFR category'] = [nfr.category];
        text.push(`Verification: ${nfr.verification}`, ...(nfr.rationale ? [nfr.rationale] : []), ...nfr.applies_to);
      }
    } else if (permalink.kind === 'threat') {
      const threat = feature?.threats.find((t) => t.id === id);
      if (threat) {
        filters['STRIDE'] = [...threat.stride];
        text.push(`STRIDE: ${threat.stride.join(', ')}. Risk ${threat.risk}, ${threat.status}.`, ...threat.target, ...threat.mitigations);
      }
    } else if (permalink.kind === 'edge') {
      const edge = feature?.edgeCases.find((e) => e.id === id);
      if (edge) text.push(`Severity ${edge.severity}.`, ...(edge.source ? [`Source: ${edge.source}`] : []), ...edge.refs);
    } else if (permalink.kind === 'op') {
      const contract = feature?.contracts.find((c) => c.operations.some((o) => o.operationId === label));
      const op = contract?.operations.find((o) => o.operationId === label);
      if (contract && op) text.push(...(op.description && op.description !== op.summary ? [op.description] : []), ...op.tags, `${contract.title} (${contract.name})`);
    } else if (permalink.kind === 'entity') {
      const entity = catalog.entities.find((e) => e.name === label);
      if (entity) {
        text.push(
          ...entity.attributes.map((a) => `${a.name} ${a.type}${a.comment ? ` (${a.comment})` : ''}`),
          ...entity.relationships.map((r) => `${r.from} ${r.label} ${r.to}`),
        );
      }
    }

    const record: RefRecord = {
      id: permalink.id, kind: permalink.kind, href: permalink.href, label, title: permalink.title, summary: permalink.summary,
      featureTitle: feature?.meta.title ?? '', searchable: permalink.kind !== 'feature', filters, text,
    };
    records.push(record);
    for (const alias of permalink.aliases) records.push({ ...record, id: alias, searchable: false });
  }
  return records;
}
