/**
 * Threat coverage: which operations and context components were analysed for which STRIDE
 * category. Rows are what can be attacked (a feature's operations, then its context components),
 * columns are the six categories, and a cell holds the threats that target that row with that
 * category. An empty cell is a question nobody has asked yet, which is what a reviewer looks for.
 *
 * A target matches a row by the URL it resolved to, the same test the completeness rubric uses,
 * so `op:createOrder` and `op:checkout/createOrder` land on the same row. Threats count wherever
 * they are written: a sign-in threat on checkout's operation fills checkout's cell.
 */
import type { Feature, ThreatItem } from './model.ts';
import { STRIDE, type RiskLevel, type Threat } from './schemas/threats.ts';

export type StrideCategory = (typeof STRIDE)[number];

/** A threat as a cell shows it: enough to link to it and say how bad and how handled it is. */
export interface CoverageThreat {
  id: string;
  /** The feature whose `threats.yaml` holds it. */
  feature: string;
  title: string;
  /** `/features/<slug>/#<id>`, without the site's base path. */
  href: string;
  risk: RiskLevel;
  status: Threat['status'];
}

export interface CoverageRow {
  kind: 'op' | 'component';
  /** The operationId or the component's diagram ID. */
  id: string;
  feature: string;
  /** `POST /orders` for an operation, the diagram label for a component. */
  label: string;
  /** The operation's summary, or the component's C4 shape (`system_ext`, `node`, …). */
  detail: string;
  /** The row's anchor on its feature page, without the site's base path. */
  href: string;
  /** One cell per STRIDE category, in the order of `STRIDE`. */
  cells: CoverageThreat[][];
  /** Some threat targets this row, in any category. */
  analysed: boolean;
}

/** A target that is not a row of the matrix: an entity, a sequence, another feature's row. */
export interface OffMatrixTarget {
  threat: CoverageThreat;
  stride: StrideCategory[];
  /** The reference as written, e.g. `entity:Order`. */
  raw: string;
  /** Where it resolved to, or undefined when it dangles. */
  href: string | undefined;
}

export interface CoverageCounts {
  rows: number;
  /** Rows that at least one threat targets. */
  analysedRows: number;
  cells: number;
  /** Cells that hold at least one threat. */
  analysedCells: number;
}

export interface FeatureCoverage {
  feature: string;
  counts: CoverageCounts;
  rows: CoverageRow[];
  /** Targets of this feature's own threats that no row of this feature stands for. */
  offMatrix: OffMatrixTarget[];
}

export interface PortalCoverage {
  counts: CoverageCounts;
  features: FeatureCoverage[];
}

const toCell = (threat: ThreatItem): CoverageThreat => ({
  id: threat.id,
  feature: threat.feature,
  title: threat.title,
  href: `/features/${threat.feature}/#${threat.id}`,
  risk: threat.risk,
  status: threat.status,
});

/** Threats keyed by the URL of each thing they target. */
export type ThreatIndex = ReadonlyMap<string, readonly ThreatItem[]>;

/** Every threat, indexed by the URL of each thing it targets. */
export function threatsByTarget(threats: Iterable<ThreatItem>): ThreatIndex {
  const index = new Map<string, ThreatItem[]>();
  for (const threat of threats) {
    for (const href of new Set(threat.targets.map((t) => t.href))) {
      if (href === undefined) continue;
      const list = index.get(href);
      if (list) list.push(threat);
      else index.set(href, [threat]);
    }
  }
  return index;
}

/** The rows a feature offers to be attacked: its operations, then its context components. */
function rowsOf(feature: Feature): Array<Omit<CoverageRow, 'cells' | 'analysed'>> {
  const rows = [
    ...feature.contracts.flatMap((c) => c.operations).map((op) => ({
      kind: 'op' as const, id: op.operationId, feature: feature.slug, label: `${op.method} ${op.path}`, detail: op.summary,
      href: `/features/${feature.slug}/#${op.operationId}`,
    })),
    ...(feature.context?.components ?? []).map((c) => ({
      kind: 'component' as const, id: c.id, feature: feature.slug, label: c.label || c.id, detail: c.type,
      href: `/features/${feature.slug}/#component-${c.id}`,
    })),
  ];
  // A duplicated operationId is reported by the core's ID checks; here it would only repeat a row.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.href) && seen.add(r.href));
}

/**
 * The coverage matrix of one feature.
 *
 * @param index The threats that may target the feature's rows, from `threatsByTarget`. Build it
 *   from the whole portal's threats so those written in other bundles count; it defaults to the
 *   feature's own.
 * @example featureCoverage(checkout, threatsByTarget(features.flatMap((f) => f.threats)))
 */
export function featureCoverage(feature: Feature, index: ThreatIndex = threatsByTarget(feature.threats)): FeatureCoverage {
  const rows = rowsOf(feature).map((row): CoverageRow => {
    const targeting = index.get(row.href) ?? [];
    const cells = STRIDE.map((category) => targeting.filter((t) => t.stride.includes(category)).map(toCell));
    return { ...row, cells, analysed: targeting.length > 0 };
  });
  const hrefs = new Set(rows.map((r) => r.href));
  const offMatrix = feature.threats.flatMap((threat) =>
    threat.targets
      .filter((t) => t.href === undefined || !hrefs.has(t.href))
      .map((t) => ({ threat: toCell(threat), stride: threat.stride, raw: t.raw, href: t.href })),
  );
  return { feature: feature.slug, counts: countsOf(rows), rows, offMatrix };
}

/** The coverage matrix of every feature, each counting the threats of the whole portal. */
export function portalCoverage(features: readonly Feature[]): PortalCoverage {
  const index = threatsByTarget(features.flatMap((f) => f.threats));
  const list = features.map((f) => featureCoverage(f, index));
  return { counts: countsOf(list.flatMap((f) => f.rows)), features: list };
}

function countsOf(rows: readonly CoverageRow[]): CoverageCounts {
  return {
    rows: rows.length,
    analysedRows: rows.filter((r) => r.analysed).length,
    cells: rows.length * STRIDE.length,
    analysedCells: rows.reduce((sum, r) => sum + r.cells.filter((c) => c.length > 0).length, 0),
  };
}
