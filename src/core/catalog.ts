/**
 * The portal-wide catalogues: every entity across the ER diagrams, and every component and
 * relation across the context diagrams, with the features that declare or touch them. Pure and
 * cheap, so pages and `portal.json` derive them from the features rather than storing them twice.
 */
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { Component, EntityAttribute, Feature } from './model.ts';

export const catalogRules = {
  'entities/conflict': { severity: 'warning', description: 'Two features declare the same entity attribute with different types.' },
} as const satisfies Record<string, RuleInfo>;

export interface EntityAttributeView extends EntityAttribute {
  /** The features that declare this attribute with this type. */
  features: string[];
}

export interface EntityView {
  name: string;
  /** The path segment of `/entities/<segment>/`. */
  segment: string;
  /** Every declaration, feature by feature, as written. */
  declarations: Array<{ feature: string; file: string; attributes: EntityAttribute[] }>;
  /** Attributes merged across features; one row per name and type. */
  attributes: EntityAttributeView[];
  /** Attribute names declared with more than one type. */
  conflicts: Array<{ attribute: string; types: Array<{ type: string; features: string[] }> }>;
  relationships: Array<{ from: string; to: string; label: string; fromCardinality: string; toCardinality: string; feature: string }>;
  features: string[];
}

export interface ComponentView extends Omit<Component, 'description'> {
  descriptions: string[];
  features: string[];
  areas: string[];
}

export interface RelationView {
  from: string;
  to: string;
  labels: string[];
  features: string[];
}

export interface Catalog {
  entities: EntityView[];
  components: ComponentView[];
  relations: RelationView[];
}

/**
 * URL segment for an entity name: kept as written where URL-safe, so `/entities/Order/` reads
 * naturally; anything else (spaces, `/`, `?`) becomes `-`, which every static server serves as is.
 */
export const entitySegment = (name: string) => name.replace(/[^A-Za-z0-9_.~-]+/g, '-') || '-';

export function buildCatalog(features: readonly Feature[]): { catalog: Catalog; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const entities = new Map<string, EntityView>();
  const entity = (name: string) => {
    let view = entities.get(name);
    if (!view) {
      view = { name, segment: entitySegment(name), declarations: [], attributes: [], conflicts: [], relationships: [], features: [] };
      entities.set(name, view);
    }
    return view;
  };

  for (const feature of features) {
    const model = feature.dataModel;
    if (!model) continue;
    for (const declared of model.entities) {
      const view = entity(declared.name);
      view.declarations.push({ feature: feature.slug, file: model.file, attributes: declared.attributes });
      if (!view.features.includes(feature.slug)) view.features.push(feature.slug);
      for (const attribute of declared.attributes) {
        const same = view.attributes.find((a) => a.name === attribute.name && a.type === attribute.type);
        if (same) same.features.push(feature.slug);
        else view.attributes.push({ ...attribute, features: [feature.slug] });
      }
    }
    for (const relationship of model.relationships) {
      for (const end of [relationship.from, relationship.to]) {
        const view = entity(end);
        if (!view.features.includes(feature.slug)) view.features.push(feature.slug);
        if (!view.relationships.some((r) => r.feature === feature.slug && r.from === relationship.from && r.to === relationship.to && r.label === relationship.label)) {
          view.relationships.push({ ...relationship, feature: feature.slug });
        }
      }
    }
  }

  for (const view of entities.values()) {
    const byName = new Map<string, EntityAttributeView[]>();
    for (const attribute of view.attributes) byName.set(attribute.name, [...(byName.get(attribute.name) ?? []), attribute]);
    for (const [attribute, variants] of byName) {
      if (variants.length < 2) continue;
      view.conflicts.push({ attribute, types: variants.map((v) => ({ type: v.type, features: v.features })) });
      const [first, ...others] = variants;
      for (const other of others) {
        const feature = features.find((f) => f.slug === other.features[0])!;
        diagnostics.push(
          problem(catalogRules, 'entities/conflict', { file: feature.dataModel!.file, line: lineOf(feature.dataModel!.source, attribute) },
            `${view.name}.${attribute} is ${other.type} here but ${first!.type} in ${first!.features.join(', ')}.`,
            `Use one type for ${view.name}.${attribute} in every feature, or rename the attribute if it means something else.`),
        );
      }
    }
  }

  const components = new Map<string, ComponentView>();
  const relations = new Map<string, RelationView>();
  for (const feature of features) {
    for (const c of feature.context?.components ?? []) {
      const view = components.get(c.id) ?? { id: c.id, label: c.label, type: c.type, external: c.external, descriptions: [], features: [], areas: [] };
      components.set(c.id, view);
      if (!view.features.includes(feature.slug)) view.features.push(feature.slug);
      if (!view.areas.includes(feature.area)) view.areas.push(feature.area);
      if (c.description && !view.descriptions.includes(c.description)) view.descriptions.push(c.description);
      view.external ||= c.external;
    }
    for (const r of feature.context?.relations ?? []) {
      const key = `${r.from}\u0000${r.to}`;
      const view = relations.get(key) ?? { from: r.from, to: r.to, labels: [], features: [] };
      relations.set(key, view);
      if (r.label && !view.labels.includes(r.label)) view.labels.push(r.label);
      if (!view.features.includes(feature.slug)) view.features.push(feature.slug);
    }
  }

  const byName = <T extends { name?: string; id?: string }>(a: T, b: T) => (a.name ?? a.id ?? '').localeCompare(b.name ?? b.id ?? '');
  return {
    catalog: {
      entities: [...entities.values()].sort(byName),
      components: [...components.values()].sort(byName),
      relations: [...relations.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    },
    diagnostics,
  };
}

/** The line of an attribute in the ER source, for the diagnostic; 1 when not found. */
function lineOf(source: string, attribute: string): number {
  const index = source.split('\n').findIndex((line) => new RegExp(`^\\s*\\S+\\s+${attribute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(line));
  return index + 1 || 1;
}
