/**
 * A small `erDiagram` for one entity's page: the entity, its direct neighbours and the
 * relationships between them, as every feature draws them. Names and labels come from specs, so
 * entities get generated IDs with the name as a quoted alias, the same escaping as the landscape.
 */
import type { EntityView } from './catalog.ts';
import { mermaidLabel, nodeIds } from './landscape.ts';

type Relationship = EntityView['relationships'][number];

/** Mermaid's markers for the cardinality written on the left (`||--`) and right (`--o{`) of a relationship. */
const LEFT: Record<string, string> = { ZERO_OR_ONE: '|o', ZERO_OR_MORE: '}o', ONE_OR_MORE: '}|', ONLY_ONE: '||', MD_PARENT: 'u' };
const RIGHT: Record<string, string> = { ZERO_OR_ONE: 'o|', ZERO_OR_MORE: 'o{', ONE_OR_MORE: '|{', ONLY_ONE: '||' };

/** The relationships of an entity, once each however many features draw them, with those features. */
export function distinctRelationships(entity: Pick<EntityView, 'relationships'>): Array<Omit<Relationship, 'feature'> & { features: string[] }> {
  const merged = new Map<string, Omit<Relationship, 'feature'> & { features: string[] }>();
  for (const { feature, ...relationship } of entity.relationships) {
    const key = [relationship.from, relationship.to, relationship.label, relationship.fromCardinality, relationship.toCardinality].join('\u0000');
    const seen = merged.get(key);
    if (seen) {
      if (!seen.features.includes(feature)) seen.features.push(feature);
    } else merged.set(key, { ...relationship, features: [feature] });
  }
  return [...merged.values()];
}

/** The `erDiagram` of `entity` and its direct neighbours; the entity alone when it relates to nothing. */
export function entityDiagram(entity: Pick<EntityView, 'name' | 'relationships'>): string {
  const relationships = distinctRelationships(entity);
  const names = new Set([entity.name, ...relationships.flatMap((r) => [r.from, r.to])]);
  const ids = nodeIds(names, 'e_');
  // Many neighbours side by side make a wide, tiny drawing; stacked left to right it stays legible.
  const lines = names.size > 4 ? ['erDiagram', '  direction LR'] : ['erDiagram'];
  for (const name of [...names].sort()) lines.push(`  ${ids.get(name)}[${mermaidLabel(name)}]`);
  for (const r of relationships) {
    // A non-identifying relationship is drawn dashed (`..`), as the author wrote it.
    const line = identifying(r) ? '--' : '..';
    lines.push(`  ${ids.get(r.from)} ${LEFT[r.fromCardinality] ?? '||'}${line}${RIGHT[r.toCardinality] ?? '||'} ${ids.get(r.to)} : ${mermaidLabel(r.label || 'relates to')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The catalog keeps the parsed relationship's `identifying` flag without declaring it; read it defensively. */
const identifying = (r: object) => !('identifying' in r) || r.identifying !== false;
