/**
 * The portal-wide index of everything a typed reference can point at, and the checks that keep
 * it unambiguous: IDs unique across the portal (also ignoring case), operationIds unique per feature.
 */
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { ParsedBundle } from './bundle.ts';
import type { SourceRef } from './model.ts';
import type { RefKind } from './schemas/refs.ts';

export const idRules = {
  'ids/duplicate': { severity: 'error', description: 'An item ID (NFR, threat, edge case) is used twice in the portal.' },
  'ids/case-collision': { severity: 'error', description: 'Two IDs differ only in letter case; their URLs would collide.' },
  'ids/duplicate-slug': { severity: 'error', description: 'Two bundle folders have the same name; slugs must be unique.' },
  'ids/duplicate-key': { severity: 'error', description: 'Two features use the same feature key (`id`).' },
  'ids/duplicate-operation': { severity: 'error', description: 'An operationId appears twice within one feature.' },
  'ids/prefix': { severity: 'warning', description: "An item ID does not start with its feature's key." },
} as const satisfies Record<string, RuleInfo>;

/** A target a reference can land on. */
export interface Target {
  kind: RefKind;
  /** The feature whose page shows it. */
  feature: string;
  anchor: string;
  label: string;
  at: SourceRef;
  /** For components: an external system (`System_Ext`, …). */
  external?: boolean;
}

export interface PortalIndex {
  features: Map<string, Target>;
  items: Map<string, Target>;
  /** operationId → every feature that defines it. */
  operations: Map<string, Target[]>;
  entities: Map<string, Target[]>;
  components: Map<string, Target[]>;
  /** `<slug>/<name>` → the sequence. */
  sequences: Map<string, Target>;
}

/** The index as linking reads it: every map, read-only (link-memo.ts notes what is read). */
export type IndexReader = { readonly [K in keyof PortalIndex]: ReadonlyMap<string, PortalIndex[K] extends Map<string, infer V> ? V : never> };

export function buildIndex(bundles: readonly ParsedBundle[]): { index: PortalIndex; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const index: PortalIndex = { features: new Map(), items: new Map(), operations: new Map(), entities: new Map(), components: new Map(), sequences: new Map() };
  const keys = new Map<string, ParsedBundle>();
  const folded = new Map<string, { id: string; at: SourceRef }>();

  for (const bundle of bundles) {
    const at = { file: `${bundle.dir === '.' ? '' : `${bundle.dir}/`}feature.md`, line: 1 };
    index.features.set(bundle.slug, { kind: 'feature', feature: bundle.slug, anchor: '', label: bundle.meta?.title ?? bundle.slug, at });
    const key = bundle.meta?.id;
    if (key) {
      const first = keys.get(key);
      if (first) {
        diagnostics.push(problem(idRules, 'ids/duplicate-key', { file: at.file, ...bundle.locateMeta(['id']) }, `The feature key "${key}" is also used by "${first.slug}".`, 'Give each feature its own short key; item IDs start with it.'));
      } else keys.set(key, bundle);
    }

    const items = [
      ...bundle.nfrs.map((n) => ({ kind: 'nfr' as const, id: n.item.id, label: n.item.statement, at: n.at })),
      ...bundle.threats.map((t) => ({ kind: 'threat' as const, id: t.item.id, label: t.item.title, at: t.at })),
      ...bundle.edgeCases.map((e) => ({ kind: 'edge' as const, id: e.item.id, label: e.item.scenario, at: e.at })),
    ];
    for (const item of items) {
      const existing = index.items.get(item.id);
      if (existing) {
        diagnostics.push(problem(idRules, 'ids/duplicate', item.at, `The ID "${item.id}" is already used by ${existing.kind} in ${existing.at.file}:${existing.at.line}.`, 'IDs are unique across the whole portal: number this item differently.'));
        continue;
      }
      const lower = item.id.toLowerCase();
      const twin = folded.get(lower);
      if (twin) {
        diagnostics.push(problem(idRules, 'ids/case-collision', item.at, `The ID "${item.id}" differs only in case from "${twin.id}" (${twin.at.file}:${twin.at.line}).`, 'Use distinct IDs; IDs are compared without regard to case in URLs.'));
        continue;
      }
      folded.set(lower, { id: item.id, at: item.at });
      index.items.set(item.id, { kind: item.kind, feature: bundle.slug, anchor: item.id, label: item.label, at: item.at });
      if (key && !item.id.startsWith(`${key}-`)) {
        diagnostics.push(problem(idRules, 'ids/prefix', item.at, `"${item.id}" does not start with the feature key "${key}-".`, `Rename it to start with "${key}-", so readers can tell which feature it belongs to.`));
      }
    }

    const seenOps = new Map<string, string>();
    for (const { contract } of bundle.contracts) {
      for (const op of contract.operations) {
        const other = seenOps.get(op.operationId);
        const at2 = { file: contract.file, line: op.line };
        if (other) {
          if (other !== contract.file) diagnostics.push(problem(idRules, 'ids/duplicate-operation', at2, `The operationId "${op.operationId}" is also defined in ${other}.`, 'Give each operation of a feature its own operationId.'));
          continue;
        }
        seenOps.set(op.operationId, contract.file);
        push(index.operations, op.operationId, { kind: 'op', feature: bundle.slug, anchor: op.operationId, label: `${op.method} ${op.path}`, at: at2 });
      }
    }
    for (const entity of bundle.dataModel?.entities ?? []) {
      push(index.entities, entity.name, { kind: 'entity', feature: bundle.slug, anchor: `entity-${entity.name}`, label: entity.name, at: { file: bundle.dataModel!.file, line: 1 } });
    }
    for (const component of bundle.context?.components ?? []) {
      push(index.components, component.id, { kind: 'component', feature: bundle.slug, anchor: `component-${component.id}`, label: component.label || component.id, at: { file: bundle.context!.file, line: 1 }, external: component.external });
    }
    for (const sequence of bundle.sequences) {
      index.sequences.set(`${bundle.slug}/${sequence.name}`, {
        kind: 'sequence', feature: bundle.slug, anchor: sequence.anchor, label: sequence.meta.title ?? sequence.diagram.title ?? sequence.name, at: { file: sequence.diagram.file, line: 1 },
      });
    }
  }
  return { index, diagnostics };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
