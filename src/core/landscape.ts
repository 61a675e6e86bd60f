/**
 * The system landscape as Mermaid text: the union of every feature's context diagram, drawn at
 * three scales so that it stays readable in a portal of fifty features or more: one full diagram
 * (small portals only), an overview with one node per area, and one diagram per area.
 *
 * Every label comes from specs written by many teams, so nothing from a spec is ever written into
 * the Mermaid text unescaped: labels are quoted with their specials turned into Mermaid's entity
 * codes, node IDs are generated, and no `click`, `style` or `%%{init}%%` line is derived from spec
 * text. Pure: no Astro import, so unit tests can parse the output with Mermaid's own parser.
 */
import type { Catalog, ComponentView, RelationView } from './catalog.ts';
import type { Feature } from './model.ts';

/** Up to this many components the page also draws every component in one diagram. */
export const FULL_DIAGRAM_LIMIT = 40;
/** Up to this many external systems the overview draws each one; above it, one node for all of them. */
export const OVERVIEW_EXTERNAL_LIMIT = 20;
/** Up to this many relations the full diagram labels its arrows; above, the labels would hide the shape. */
export const FULL_EDGE_LABEL_LIMIT = 25;
/** Longest label, in characters, before it is cut with an ellipsis: the tables hold the full text. */
const MAX_LABEL = 60;

/**
 * Text for inside a quoted Mermaid label. Mermaid decodes `#name;` entity codes itself, so every
 * character that could end the string, open a directive (`%%{`), start Markdown (`` ` ``) or
 * become markup is written as an entity code; line breaks become spaces so no new statement can
 * begin. `:` is written as a code too: Mermaid drops the last `;` of any line matching
 * `style.*:\S*#.*;` before parsing, which would leave an entity code half-written.
 * @see https://github.com/mermaid-js/mermaid/blob/develop/packages/mermaid/src/utils.ts (encodeEntities)
 */
export function mermaidText(text: string, max = MAX_LABEL): string {
  return shorten(text, max).replace(/[#"%<>`&:]/g, (c) => ENTITY[c] ?? `#${c.codePointAt(0)};`);
}

/** One line of at most `max` characters, cut with an ellipsis. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

const ENTITY: Record<string, string> = { '"': '#quot;', '<': '#lt;', '>': '#gt;', '&': '#amp;' };

/** A quoted Mermaid label: `"…"`, safe wherever Mermaid accepts a string. */
export const mermaidLabel = (text: string, max = MAX_LABEL) => `"${mermaidText(text, max)}"`;

/**
 * Mermaid node IDs for arbitrary names: `[A-Za-z0-9_]` only, behind a prefix so that no ID is a
 * keyword (`end`, `click`, `style`), and unique. The mapping depends only on the set of names,
 * not on their order, so the same portal always yields the same diagram text.
 */
export function nodeIds(names: Iterable<string>, prefix: string): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of [...new Set(names)].sort()) {
    const base = `${prefix}${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(name, id);
  }
  return ids;
}

/** The anchor of an area's section on `/system/`: `area-<area>`, with whitespace made URL-safe. */
export const areaAnchor = (area: string) => `area-${area.replace(/\s+/g, '-')}`;

/** Where a component sits in the landscape: in its one area, shared by several, or outside. */
export type Home = { kind: 'area'; area: string } | { kind: 'shared' } | { kind: 'external' };

export function homeOf(component: Pick<ComponentView, 'external' | 'areas'>): Home {
  if (component.external) return { kind: 'external' };
  return component.areas.length === 1 ? { kind: 'area', area: component.areas[0]! } : { kind: 'shared' };
}

export interface LandscapeArea {
  area: string;
  anchor: string;
  /** The features of this area, by slug. */
  features: string[];
  /** Every component a feature of this area touches, by ID. */
  components: string[];
  /** The area's diagram: its components and the relations its features draw. */
  diagram: string;
}

export interface Landscape {
  /** Every component in one diagram, or undefined above {@link FULL_DIAGRAM_LIMIT} components. */
  full?: string | undefined;
  /** Whether the full diagram's arrows carry their labels (up to {@link FULL_EDGE_LABEL_LIMIT} relations). */
  fullLabelled: boolean;
  /** One node per area, plus shared components and external systems, with the relations across them. */
  overview: string;
  areas: LandscapeArea[];
}

/** Draws the landscape of a catalog: the full diagram when small enough, the overview and every area. */
export function buildLandscape(
  catalog: Pick<Catalog, 'components' | 'relations'>,
  features: ReadonlyArray<Pick<Feature, 'slug' | 'area'>>,
): Landscape {
  const ids = nodeIds(catalog.components.map((c) => c.id), 'c_');
  const areaOf = new Map(features.map((f) => [f.slug, f.area]));
  const areaNames = [...new Set(features.map((f) => f.area))].sort((a, b) => a.localeCompare(b));
  // Components name their areas themselves; a group ID exists for each, even one no feature listed here has.
  const groupIds = nodeIds([...areaNames, ...catalog.components.flatMap((c) => c.areas)], 'g_');
  const fullLabelled = catalog.relations.length <= FULL_EDGE_LABEL_LIMIT;

  const areas = areaNames.map((area): LandscapeArea => {
    const components = catalog.components.filter((c) => c.areas.includes(area));
    const relations = catalog.relations.filter((r) => r.features.some((slug) => areaOf.get(slug) === area));
    return {
      area,
      anchor: areaAnchor(area),
      features: features.filter((f) => f.area === area).map((f) => f.slug),
      components: components.map((c) => c.id),
      diagram: flowchart(components, relations, ids, groupIds, { sharedTitle: 'Shared with other areas', edgeLabels: true }),
    };
  });

  return {
    full:
      catalog.components.length <= FULL_DIAGRAM_LIMIT
        ? flowchart(catalog.components, catalog.relations, ids, groupIds, {
            sharedTitle: 'Shared by several areas',
            edgeLabels: fullLabelled,
          })
        : undefined,
    fullLabelled,
    overview: overview(catalog, areaNames, groupIds),
    areas,
  };
}

/** IDs of the groups that are not areas; area groups are `g_<area>`, so these never collide. */
const SHARED = 's_shared';
const EXTERNAL = 's_external';
/** Areas first, then shared, then external. */
const rank = (key: string) => (key === EXTERNAL ? 2 : key === SHARED ? 1 : 0);

/** Our own class for external systems: a dashed border reads as "outside" in light and dark themes. */
const EXTERNAL_CLASS = 'classDef external stroke-dasharray:6 4,stroke-width:2px';

/** A flowchart of components grouped by home (one subgraph per area, shared, external) and their relations. */
function flowchart(
  components: readonly ComponentView[],
  relations: readonly RelationView[],
  ids: Map<string, string>,
  groupIds: Map<string, string>,
  { sharedTitle, edgeLabels }: { sharedTitle: string; edgeLabels: boolean },
): string {
  const lines = ['flowchart LR'];
  const groups = new Map<string, { title: string; members: ComponentView[] }>();
  for (const component of components) {
    const home = homeOf(component);
    const key = home.kind === 'area' ? groupIds.get(home.area)! : home.kind === 'shared' ? SHARED : EXTERNAL;
    const title = home.kind === 'area' ? home.area : home.kind === 'shared' ? sharedTitle : 'External systems';
    const group = groups.get(key) ?? { title, members: [] };
    group.members.push(component);
    groups.set(key, group);
  }
  // The members keep the catalog's order: sorted by ID.
  const order = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const key of order) {
    const group = groups.get(key)!;
    lines.push(`  subgraph ${key}[${mermaidLabel(group.title)}]`);
    for (const component of group.members) lines.push(`    ${node(component, ids.get(component.id)!)}`);
    lines.push('  end');
  }
  const present = new Set(components.map((c) => c.id));
  for (const relation of relations) {
    if (!present.has(relation.from) || !present.has(relation.to)) continue;
    const label = edgeLabels ? edgeLabel(relation.labels) : '';
    lines.push(`  ${ids.get(relation.from)} -->${label ? `|${mermaidLabel(label)}|` : ''} ${ids.get(relation.to)}`);
  }
  lines.push(`  ${EXTERNAL_CLASS}`);
  return `${lines.join('\n')}\n`;
}

/** A relation drawn by several features keeps its first label and says how many more the table lists. */
function edgeLabel(labels: readonly string[]): string {
  const [first = '', ...more] = labels;
  return more.length === 0 ? first : `${shorten(first, 40)} (+${more.length} more)`;
}

/** One node, shaped by its C4 type: a person as a stadium, a database as a cylinder. */
function node(component: Pick<ComponentView, 'label' | 'id' | 'type' | 'external'>, id: string): string {
  const label = mermaidLabel(component.label || component.id);
  const type = component.type.toLowerCase();
  const shape = type.startsWith('person') ? `([${label}])` : /db/.test(type) ? `[(${label})]` : `[${label}]`;
  return `${id}${shape}${component.external ? ':::external' : ''}`;
}

/**
 * Areas as nodes: a component inside one area collapses into its area's node, components shared
 * by several areas into one node, and external systems stay individual (or collapse above
 * {@link OVERVIEW_EXTERNAL_LIMIT}). An edge means at least one relation crosses between the two, with the count.
 */
function overview(catalog: Pick<Catalog, 'components' | 'relations'>, areaNames: string[], groupIds: Map<string, string>): string {
  const externals = catalog.components.filter((c) => c.external);
  const collapseExternals = externals.length > OVERVIEW_EXTERNAL_LIMIT;
  const externalIds = nodeIds(externals.map((c) => c.id), 'x_');
  const byId = new Map(catalog.components.map((c) => [c.id, c]));
  const groupOf = (id: string) => {
    const component = byId.get(id);
    if (!component) return undefined;
    const home = homeOf(component);
    if (home.kind === 'area') return groupIds.get(home.area)!;
    if (home.kind === 'shared') return SHARED;
    return collapseExternals ? EXTERNAL : externalIds.get(id)!;
  };

  const lines = ['flowchart LR'];
  const count = (test: (c: ComponentView) => boolean) => catalog.components.filter(test).length;
  const components = (n: number) => `${n} component${n === 1 ? '' : 's'}`;
  for (const area of areaNames) {
    const n = count((c) => !c.external && c.areas.length === 1 && c.areas[0] === area);
    lines.push(`  ${groupIds.get(area)}[${mermaidLabel(`${area} (${components(n)})`)}]`);
  }
  const shared = count((c) => !c.external && c.areas.length !== 1);
  if (shared > 0) lines.push(`  ${SHARED}[${mermaidLabel(`Shared by several areas (${components(shared)})`)}]`);
  if (collapseExternals) lines.push(`  ${EXTERNAL}[${mermaidLabel(`External systems (${externals.length})`)}]:::external`);
  else for (const component of externals) lines.push(`  ${node(component, externalIds.get(component.id)!)}`);

  const edges = new Map<string, number>();
  for (const relation of catalog.relations) {
    const from = groupOf(relation.from);
    const to = groupOf(relation.to);
    if (!from || !to || from === to) continue;
    edges.set(`${from} ${to}`, (edges.get(`${from} ${to}`) ?? 0) + 1);
  }
  for (const [key, n] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = key.split(' ');
    lines.push(`  ${from} -->|${mermaidLabel(`${n} relation${n === 1 ? '' : 's'}`)}| ${to}`);
  }
  lines.push(`  ${EXTERNAL_CLASS}`);
  return `${lines.join('\n')}\n`;
}
