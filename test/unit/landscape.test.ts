/**
 * The generated landscape and entity diagrams: grouping by area, the scale rules, and above all
 * that spec text cannot break out of its label. Every generated diagram is parsed with Mermaid's
 * own parser (in its worker), and what Mermaid reads back is compared with what the spec wrote.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ComponentView, EntityView, RelationView } from '../../src/core/catalog.ts';
import { distinctRelationships, entityDiagram } from '../../src/core/entity-diagram.ts';
import {
  areaAnchor,
  buildLandscape,
  FULL_DIAGRAM_LIMIT,
  homeOf,
  mermaidLabel,
  mermaidText,
  nodeIds,
  OVERVIEW_EXTERNAL_LIMIT,
} from '../../src/core/landscape.ts';
import { closeMermaid, parseDiagram } from '../../src/core/mermaid.ts';

afterAll(closeMermaid);

const component = (id: string, areas: string[], features: string[], extra: Partial<ComponentView> = {}): ComponentView => ({
  id,
  label: id.replace(/_/g, ' '),
  type: 'system',
  external: false,
  descriptions: [],
  features,
  areas,
  ...extra,
});
const relation = (from: string, to: string, features: string[], labels: string[] = []): RelationView => ({ from, to, labels, features });

/** Two areas: commerce (checkout, cart) and identity (sign-in), sharing a gateway, with one external PSP. */
const features = [
  { slug: 'checkout', area: 'commerce' },
  { slug: 'cart', area: 'commerce' },
  { slug: 'sign-in', area: 'identity' },
];
const catalog = {
  components: [
    component('api_gateway', ['commerce', 'identity'], ['checkout', 'cart', 'sign-in']),
    component('cart_service', ['commerce'], ['cart']),
    component('customer', ['commerce', 'identity'], ['checkout', 'sign-in'], { type: 'person', label: 'Customer' }),
    component('identity_db', ['identity'], ['sign-in'], { type: 'system_db' }),
    component('identity_service', ['identity'], ['sign-in']),
    component('order_service', ['commerce'], ['checkout']),
    component('psp', ['commerce'], ['checkout'], { type: 'system_ext', external: true, label: 'Payment provider' }),
  ],
  relations: [
    relation('api_gateway', 'identity_service', ['sign-in'], ['Forwards sign-in calls']),
    relation('api_gateway', 'order_service', ['checkout'], ['Forwards']),
    relation('cart_service', 'order_service', ['cart'], []),
    relation('customer', 'api_gateway', ['checkout', 'sign-in'], ['Pays', 'Signs in', 'Signs out']),
    relation('identity_service', 'identity_db', ['sign-in'], ['Reads and writes']),
    relation('order_service', 'psp', ['checkout'], ['Authorises payments']),
  ],
};

/** Parses generated Mermaid and fails the test with Mermaid's own message when it does not parse. */
async function parse(source: string) {
  const { diagram, diagnostics } = await parseDiagram(source, 'generated.mmd');
  expect(diagnostics.map((d) => `${d.rule} ${d.line}: ${d.message}`)).toEqual([]);
  return diagram!;
}

describe('escaping spec text for Mermaid', () => {
  it('quotes a label and writes its specials as entity codes, on one line', () => {
    expect(mermaidLabel('Say "hi"')).toBe('"Say #quot;hi#quot;"');
    expect(mermaidText('<img src=x onerror=alert(1)>')).toBe('#lt;img src=x onerror=alert(1)#gt;');
    expect(mermaidText('a `b` & 100% #1')).toBe('a #96;b#96; #amp; 100#37; #35;1');
    expect(mermaidText('two\nlines\r\n\tand  spaces')).toBe('two lines and spaces');
    // Mermaid cuts the last `;` of a line that looks like a style with a colour; no `:` means no such line.
    expect(mermaidText('style: #fff;')).toBe('style#58; #35;fff;');
  });

  it('cuts a long label with an ellipsis before escaping, so no entity code is cut in half', () => {
    expect(mermaidText(`${'x'.repeat(58)}"tail`)).toBe(`${'x'.repeat(58)}#quot;…`);
    expect(mermaidText('"'.repeat(100), 5)).toBe('#quot;#quot;#quot;#quot;…');
  });

  it('turns any name into a prefixed [A-Za-z0-9_] ID, unique and independent of order', () => {
    const names = ['web-shop', 'web_shop', 'end', 'click', 'Ünïcode näme', 'a"]; click'];
    const ids = nodeIds(names, 'c_');
    for (const id of ids.values()) expect(id).toMatch(/^c_[A-Za-z0-9_]+$/);
    expect(new Set(ids.values()).size).toBe(names.length);
    expect(ids.get('end')).toBe('c_end');
    expect(nodeIds([...names].reverse(), 'c_')).toEqual(ids);
  });

  it('keeps hostile labels inside their quotes: no click, style or directive line, and Mermaid reads the text back as written', async () => {
    const area = 'a"]; click';
    const hostile = [
      component('img', [area], ['f'], { label: '<img src=x onerror=alert(1)>' }),
      component('breakout', [area], ['f'], { label: '"]; click x call alert(1)' }),
      component('directive', [area], ['f'], { label: "%%{init: {'securityLevel':'loose'}}%%" }),
      component('multi', [area], ['f'], { label: 'first\nstyle x fill:red\nclick x href "javascript:alert(1)"' }),
      component('md', [area], ['f'], { label: '`**markdown**`', external: true }),
    ];
    const relations = [relation('img', 'breakout', ['f'], ['"| click img call alert(1) %%{init}%%'])];
    const { full } = buildLandscape({ components: hostile, relations }, [{ slug: 'f', area }]);

    for (const line of full!.split('\n')) {
      expect(line.trim()).not.toMatch(/^(click|style|linkStyle|%%)/);
    }
    expect(full!.replaceAll('-->', '')).not.toMatch(/[<>`]|%%/);
    const diagram = await parse(full!);
    expect(diagram.components.map((c) => c.label)).toEqual(hostile.map((c) => c.label.replace(/\s+/g, ' ')));
    expect(diagram.relations).toEqual([{ from: 'c_img', to: 'c_breakout', label: '"| click img call alert(1) %%{init}%%' }]);
  });
});

describe('the landscape', () => {
  it('places a component in its one area, in the shared group when several areas touch it, or outside', () => {
    expect(homeOf({ external: false, areas: ['commerce'] })).toEqual({ kind: 'area', area: 'commerce' });
    expect(homeOf({ external: false, areas: ['commerce', 'identity'] })).toEqual({ kind: 'shared' });
    expect(homeOf({ external: true, areas: ['commerce'] })).toEqual({ kind: 'external' });
  });

  it('draws every component once, grouped into a subgraph per area, shared and external, with shapes by type', async () => {
    const { full } = buildLandscape(catalog, features);
    expect(full).toMatchInlineSnapshot(`
      "flowchart LR
        subgraph g_commerce["commerce"]
          c_cart_service["cart service"]
          c_order_service["order service"]
        end
        subgraph g_identity["identity"]
          c_identity_db[("identity db")]
          c_identity_service["identity service"]
        end
        subgraph s_shared["Shared by several areas"]
          c_api_gateway["api gateway"]
          c_customer(["Customer"])
        end
        subgraph s_external["External systems"]
          c_psp["Payment provider"]:::external
        end
        c_api_gateway -->|"Forwards sign-in calls"| c_identity_service
        c_api_gateway -->|"Forwards"| c_order_service
        c_cart_service --> c_order_service
        c_customer -->|"Pays (+2 more)"| c_api_gateway
        c_identity_service -->|"Reads and writes"| c_identity_db
        c_order_service -->|"Authorises payments"| c_psp
        classDef external stroke-dasharray:6 4,stroke-width:2px
      "
    `);
    const diagram = await parse(full!);
    expect(diagram.components.map((c) => c.id).sort()).toEqual(catalog.components.map((c) => `c_${c.id}`).sort());
    expect(diagram.components.find((c) => c.id === 'c_psp')?.external).toBe(true);
  });

  it('draws each area with the components its features touch and the relations they draw', async () => {
    const { areas } = buildLandscape(catalog, features);
    expect(areas.map((a) => [a.area, a.anchor, a.features, a.components])).toEqual([
      ['commerce', 'area-commerce', ['checkout', 'cart'], ['api_gateway', 'cart_service', 'customer', 'order_service', 'psp']],
      ['identity', 'area-identity', ['sign-in'], ['api_gateway', 'customer', 'identity_db', 'identity_service']],
    ]);
    const identity = await parse(areas[1]!.diagram);
    expect(identity.relations.map((r) => `${r.from}->${r.to}`)).toEqual(['c_api_gateway->c_identity_service', 'c_customer->c_api_gateway', 'c_identity_service->c_identity_db']);
    expect(areas[1]!.diagram).toContain('subgraph s_shared["Shared with other areas"]');
  });

  it('draws the overview with one node per area and the relations that cross between them, counted', async () => {
    const { overview } = buildLandscape(catalog, features);
    const diagram = await parse(overview);
    expect(diagram.components.map((c) => [c.id, c.label])).toEqual([
      ['g_commerce', 'commerce (2 components)'],
      ['g_identity', 'identity (2 components)'],
      ['s_shared', 'Shared by several areas (2 components)'],
      ['x_psp', 'Payment provider'],
    ]);
    expect(diagram.relations).toEqual([
      { from: 'g_commerce', to: 'x_psp', label: '1 relation' },
      { from: 's_shared', to: 'g_commerce', label: '1 relation' },
      { from: 's_shared', to: 'g_identity', label: '1 relation' },
    ]);
  });

  it('makes the area anchor URL-safe', () => {
    expect(areaAnchor('commerce')).toBe('area-commerce');
    expect(areaAnchor('back office')).toBe('area-back-office');
  });
});

describe('a portal of 60 features', () => {
  // 6 areas of 10 features; each feature has 2 services of its own, a database, and touches the
  // shared gateway and 2 of 30 external systems: 60 × 3 + 1 + 30 = 211 components.
  const areaNames = ['catalog', 'commerce', 'fulfilment', 'identity', 'marketing', 'support'];
  const big = Array.from({ length: 60 }, (_, i) => ({ slug: `feature-${i}`, area: areaNames[i % 6]! }));
  const components: ComponentView[] = [component('gateway', areaNames, big.map((f) => f.slug))];
  const relations: RelationView[] = [];
  for (const [i, f] of big.entries()) {
    const own = [`svc_${i}_a`, `svc_${i}_b`, `db_${i}`];
    for (const id of own) components.push(component(id, [f.area], [f.slug], id.startsWith('db') ? { type: 'system_db' } : {}));
    relations.push(relation('gateway', own[0]!, [f.slug], ['Forwards']), relation(own[0]!, own[1]!, [f.slug], ['Calls']), relation(own[1]!, own[2]!, [f.slug], ['SQL']));
    for (const x of [i % 30, (i * 7 + 3) % 30]) relations.push(relation(own[1]!, `ext_${x}`, [f.slug], ['HTTPS']));
  }
  for (let x = 0; x < 30; x++) {
    const touching = big.filter((_, i) => i % 30 === x || (i * 7 + 3) % 30 === x);
    components.push(component(`ext_${x}`, [...new Set(touching.map((f) => f.area))], touching.map((f) => f.slug), { external: true, type: 'system_ext' }));
  }
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  const landscape = buildLandscape({ components: components.sort(byId), relations }, big);

  it(`draws no full diagram above ${FULL_DIAGRAM_LIMIT} components`, () => {
    expect(components.length).toBeGreaterThan(FULL_DIAGRAM_LIMIT);
    expect(landscape.full).toBeUndefined();
  });

  it(`keeps the overview small: one node per area, one for shared, and the external systems in one node above ${OVERVIEW_EXTERNAL_LIMIT}`, async () => {
    const diagram = await parse(landscape.overview);
    expect(diagram.components.map((c) => c.id)).toEqual([...areaNames.map((a) => `g_${a}`), 's_shared', 's_external']);
    expect(diagram.components.at(-1)).toMatchObject({ label: 'External systems (30)', external: true });
    expect(diagram.relations.length).toBeLessThanOrEqual(8 * 7);
  });

  it('draws one diagram per area that Mermaid parses, holding only that area’s components', async () => {
    expect(landscape.areas.map((a) => a.area)).toEqual(areaNames);
    for (const area of landscape.areas) {
      const diagram = await parse(area.diagram);
      expect(diagram.components.length).toBe(area.components.length);
      expect(area.components.length).toBeLessThan(components.length / 3);
    }
  });
});

describe('the entity diagram', () => {
  const order: Pick<EntityView, 'name' | 'relationships'> = {
    name: 'Order',
    relationships: [
      { from: 'Customer', to: 'Order', label: 'places', fromCardinality: 'ONLY_ONE', toCardinality: 'ZERO_OR_MORE', feature: 'checkout' },
      { from: 'Customer', to: 'Order', label: 'places', fromCardinality: 'ONLY_ONE', toCardinality: 'ZERO_OR_MORE', feature: 'order-tracking' },
      { from: 'Order', to: 'OrderLine', label: 'contains', fromCardinality: 'ONLY_ONE', toCardinality: 'ONE_OR_MORE', feature: 'checkout' },
      { from: 'Order', to: 'Address', label: 'ships to', fromCardinality: 'ZERO_OR_MORE', toCardinality: 'ZERO_OR_ONE', feature: 'checkout' },
    ],
  };

  it('merges a relationship that several features draw alike, keeping those features', () => {
    expect(distinctRelationships(order).map((r) => [r.from, r.to, r.features])).toEqual([
      ['Customer', 'Order', ['checkout', 'order-tracking']],
      ['Order', 'OrderLine', ['checkout']],
      ['Order', 'Address', ['checkout']],
    ]);
  });

  it('draws the entity and its direct neighbours, and Mermaid reads back the same cardinalities', async () => {
    const source = entityDiagram(order);
    expect(source).toMatchInlineSnapshot(`
      "erDiagram
        e_Address["Address"]
        e_Customer["Customer"]
        e_Order["Order"]
        e_OrderLine["OrderLine"]
        e_Customer ||--o{ e_Order : "places"
        e_Order ||--|{ e_OrderLine : "contains"
        e_Order }o--o| e_Address : "ships to"
      "
    `);
    const diagram = await parse(source);
    expect(diagram.relationships.map(({ from, to, label, fromCardinality, toCardinality }) => ({ from, to, label, fromCardinality, toCardinality }))).toEqual(
      distinctRelationships(order).map(({ from, to, label, fromCardinality, toCardinality }) => ({ from: `e_${from}`, to: `e_${to}`, label, fromCardinality, toCardinality })),
    );
  });

  it('draws a non-identifying relationship dashed, as it was written', () => {
    const source = entityDiagram({ name: 'A', relationships: [{ from: 'A', to: 'B', label: 'may have', fromCardinality: 'ONLY_ONE', toCardinality: 'ZERO_OR_ONE', feature: 'f', identifying: false } as EntityView['relationships'][number]] });
    expect(source).toContain('e_A ||..o| e_B : "may have"');
  });

  it('lays a crowded neighbourhood out left to right, so that it stays legible', async () => {
    const hub = { name: 'Customer', relationships: ['A', 'B', 'C', 'D', 'E'].map((to) => ({ from: 'Customer', to, label: 'has', fromCardinality: 'ONLY_ONE', toCardinality: 'ZERO_OR_MORE', feature: 'f' })) };
    const source = entityDiagram(hub);
    expect(source.split('\n').slice(0, 2)).toEqual(['erDiagram', '  direction LR']);
    expect((await parse(source)).entities).toHaveLength(6);
    expect(entityDiagram(order)).not.toContain('direction');
  });

  it('keeps hostile entity names and labels inside their quotes', async () => {
    const source = entityDiagram({
      name: 'end',
      relationships: [{ from: 'end', to: 'Or"der <img src=x onerror=alert(1)>', label: '"]; click x call alert(1)\nstyle e_end fill:red', fromCardinality: 'ONLY_ONE', toCardinality: 'ONE_OR_MORE', feature: 'f' }],
    });
    expect(source).not.toMatch(/[<>`]|%%|\n\s*(click|style)/);
    const diagram = await parse(source);
    expect(diagram.relationships[0]?.label).toBe('"]; click x call alert(1) style e_end fill:red');
  });
});
