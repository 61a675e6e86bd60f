/**
 * Permanent links (`/ref/<ID>/`): which ID each feature, item, operation and entity gets, how
 * collisions between kinds are resolved and reported, and the tiny redirect page each link
 * publishes (its HTML escaping and its search record).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/core/catalog.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Contract, Diagram, Feature, NfrItem, ThreatItem } from '../../src/core/model.ts';
import { buildPermalinks, permalinkRules, refPath, urlSegment, type Permalink } from '../../src/core/permalinks.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { escapeHtml, renderRefPage, safeTarget } from '../../src/lib/refs/html.ts';
import { refRecords, type RefRecord } from '../../src/lib/refs/records.ts';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

afterAll(closeMermaid);

/** A feature with only what permanent links read; everything else empty. */
function feature(slug: string, parts: { dir?: string; ops?: string[]; entities?: string[]; nfrs?: string[]; threats?: Array<Partial<ThreatItem> & { id: string }> } = {}): Feature {
  const dir = parts.dir ?? `area/${slug}`;
  const contracts: Contract[] = parts.ops
    ? [{
        file: `${dir}/openapi.yaml`, name: 'openapi.yaml', publicName: 'openapi', title: `${slug} API`, version: '1', openapi: '3.1.0',
        operations: parts.ops.map((operationId, i) => ({
          operationId, derivedId: false, method: 'POST', path: `/${slug}/${i}`, summary: `Operation ${operationId}`, description: '', tags: [],
          deprecated: false, responses: ['200'], hasErrorResponse: false, secured: true, declaredPublic: false, line: 10 + i,
        })),
      }]
    : [];
  const dataModel = parts.entities
    ? ({
        file: `${dir}/data-model.mmd`, source: ['erDiagram', ...parts.entities.map((e) => `  ${e} {\n    string id PK\n  }`)].join('\n'),
        kind: 'er', frontmatter: {}, frontmatterLine: 1, components: [], relations: [], participants: [], messages: [], relationships: [], hasErrorPath: false,
        entities: parts.entities.map((name) => ({ name, attributes: [{ name: 'id', type: 'string', keys: ['PK'], comment: '' }] })),
      } satisfies Diagram)
    : undefined;
  const at = (line: number) => ({ file: `${dir}/nfr.yaml`, line });
  return {
    slug, dir, area: 'area', body: '', bodyLine: 1, storyHtml: '', storyHeadings: [], storyDiagrams: [], sequences: [], dependsOn: [], backlinks: {}, files: [],
    meta: { title: slug.toUpperCase(), id: slug.toUpperCase().slice(0, 3), status: 'ready', owner: 'team', tickets: [], depends_on: [], tags: [], summary: `The ${slug} feature.` },
    contracts, dataModel,
    nfrs: (parts.nfrs ?? []).map((id, i): NfrItem => ({
      id, category: 'latency', statement: `Requirement ${id}`, target: { metric: 'p95', comparator: '<=', value: 300, unit: 'ms' }, applies_to: [],
      verification: 'Load test', priority: 'must', feature: slug, at: at(2 + i * 5), appliesTo: [], measurable: true,
    })),
    threats: (parts.threats ?? []).map((t, i): ThreatItem => ({
      title: `Threat ${t.id}`, stride: ['spoofing'], target: [], description: 'An attacker does something.', likelihood: 'low', impact: 'low',
      mitigations: [], status: 'open', feature: slug, at: { file: `${dir}/threats.yaml`, line: 2 + i * 5 }, risk: 'low', targets: [], mitigationItems: [], ...t,
    })),
    edgeCases: [],
    completeness: { score: 0, max: 10, rubric: [] },
  };
}

const links = (features: Feature[]) => buildPermalinks(features, buildCatalog(features).catalog);
const ids = (permalinks: Permalink[]) => Object.fromEntries(permalinks.map((p) => [p.ref, p.id]));

describe('permanent links of a valid portal', () => {
  let permalinks: Permalink[];
  let features: Feature[];

  beforeAll(async () => {
    ({ features } = await loadPortal(path.join(FIXTURES, 'portal-valid')));
    const built = links(features);
    expect(built.diagnostics).toEqual([]);
    permalinks = built.permalinks;
  });

  it('gives every feature, NFR, threat, edge case, operation and entity one link', () => {
    expect(ids(permalinks)).toEqual({
      'feature:billing': 'billing', 'feature:orders': 'orders',
      'nfr:BIL-NFR-01': 'BIL-NFR-01', 'nfr:BIL-NFR-02': 'BIL-NFR-02', 'nfr:ORD-NFR-01': 'ORD-NFR-01', 'nfr:ORD-NFR-02': 'ORD-NFR-02',
      'threat:BIL-T-01': 'BIL-T-01', 'threat:ORD-T-01': 'ORD-T-01', 'threat:ORD-T-02': 'ORD-T-02',
      'edge:BIL-EC-01': 'BIL-EC-01', 'edge:ORD-EC-01': 'ORD-EC-01',
      'op:createOrder': 'createOrder', 'op:getOrder': 'getOrder', 'op:getInvoice': 'getInvoice',
      'entity:Invoice': 'Invoice', 'entity:Order': 'Order', 'entity:OrderLine': 'OrderLine',
    });
  });

  it('leads each link to the item anchor on its feature page, or to the entity page', () => {
    const byRef = new Map(permalinks.map((p) => [p.ref, p]));
    expect(byRef.get('nfr:ORD-NFR-01')).toMatchObject({ path: '/ref/ORD-NFR-01/', href: '/features/orders/#ORD-NFR-01', feature: 'orders', kind: 'nfr', title: 'Creating an order is fast.' });
    expect(byRef.get('op:createOrder')).toMatchObject({ path: '/ref/createOrder/', href: '/features/orders/#createOrder', title: 'POST /orders', aliases: ['orders/createOrder'] });
    expect(byRef.get('feature:orders')).toMatchObject({ path: '/ref/orders/', href: '/features/orders/', summary: 'Place an order.' });
    expect(byRef.get('entity:Order')).toMatchObject({ path: '/ref/Order/', href: '/entities/Order/', feature: null, features: ['billing', 'orders'] });
  });

  it('builds links from the slug and the ID, so moving a bundle to another folder keeps them', () => {
    const moved = features.map((f) => ({ ...f, dir: `elsewhere/deeper/${f.slug}` }));
    expect(links(moved).permalinks.map(({ id, path: p, href }) => ({ id, p, href }))).toEqual(permalinks.map(({ id, path: p, href }) => ({ id, p, href })));
  });
});

describe('operations', () => {
  it('qualify an operationId that several features define as <slug>/<operationId>', async () => {
    const { features } = await loadPortal(path.join(FIXTURES, 'broken/ambiguous-op'));
    const { permalinks, diagnostics } = links(features);
    const ops = permalinks.filter((p) => p.kind === 'op');
    expect(ops.map(({ id, ref, path: p, href, aliases }) => ({ id, ref, p, href, aliases }))).toEqual([
      { id: 'cart/createOrder', ref: 'op:cart/createOrder', p: '/ref/cart/createOrder/', href: '/features/cart/#createOrder', aliases: [] },
      { id: 'checkout/createOrder', ref: 'op:checkout/createOrder', p: '/ref/checkout/createOrder/', href: '/features/checkout/#createOrder', aliases: [] },
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('keep their qualified link working as an alias while the operationId is unique', () => {
    const { permalinks } = links([feature('checkout', { ops: ['createOrder'] })]);
    expect(permalinks.find((p) => p.kind === 'op')).toMatchObject({ id: 'createOrder', aliases: ['checkout/createOrder'] });
  });

  it('get one link for an operationId repeated within one feature, an error the ID rules report', () => {
    const { permalinks, diagnostics } = links([feature('orders', { ops: ['listOrders', 'listOrders'] })]);
    expect(permalinks.filter((p) => p.kind === 'op').map((p) => p.id)).toEqual(['listOrders']);
    expect(diagnostics).toEqual([]);
  });

  it('get a link made URL-safe when the operationId holds other characters, resolving any clash it makes', () => {
    const { permalinks, diagnostics } = links([feature('checkout', { ops: ['orders/{id}', '..', 'ok.v2_x-y~z', 'orders-id-'] })]);
    expect(permalinks.filter((p) => p.kind === 'op').map((p) => `${p.ref} ${p.id} ${p.href}`)).toEqual([
      'op:.. - /features/checkout/#..',
      'op:ok.v2_x-y~z ok.v2_x-y~z /features/checkout/#ok.v2_x-y~z',
      'op:orders-id- orders-id- /features/checkout/#orders-id-',
      'op:orders/{id} checkout/orders-id- /features/checkout/#orders/{id}',
    ]);
    expect(diagnostics.map((d) => `${d.rule} ${d.file}:${d.line}`)).toEqual(['ids/permalink-collision area/checkout/openapi.yaml:10']);
  });
});

describe('collisions between kinds', () => {
  it('keep the feature at /ref/cart/ and move an entity named Cart to /ref/entity/Cart/, without a warning: that pairing is common', () => {
    const { permalinks, diagnostics } = links([feature('cart', { entities: ['Cart', 'CartItem'] })]);
    expect(ids(permalinks)).toMatchObject({ 'feature:cart': 'cart', 'entity:Cart': 'entity/Cart', 'entity:CartItem': 'CartItem' });
    expect(diagnostics).toEqual([]);
    expect(permalinkRules['ids/permalink-collision'].severity).toBe('warning');
  });

  it('warn when an operation takes the link a feature would have had', () => {
    const { permalinks, diagnostics } = links([feature('orders', { ops: ['cart'] }), feature('cart')]);
    expect(ids(permalinks)).toMatchObject({ 'feature:cart': 'cart' });
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', rule: 'ids/permalink-collision', file: 'area/orders/openapi.yaml', message: expect.stringContaining('/ref/cart/') }),
    ]);
  });

  it('rank items over features over operations over entities, whatever the order of the bundles', () => {
    const features = [
      feature('orders', { ops: ['checkout', 'ORD-NFR-01'], entities: ['orders', 'ORD-NFR-01', 'checkout'] }),
      feature('checkout', { nfrs: ['ORD-NFR-01'] }),
    ];
    const forward = links(features);
    const backward = links([...features].reverse());
    expect(ids(forward.permalinks)).toEqual({
      'nfr:ORD-NFR-01': 'ORD-NFR-01',
      'feature:checkout': 'checkout',
      'feature:orders': 'orders',
      'op:checkout': 'orders/checkout',
      'op:ORD-NFR-01': 'orders/ORD-NFR-01',
      'entity:checkout': 'entity/checkout',
      'entity:ORD-NFR-01': 'entity/ORD-NFR-01',
      'entity:orders': 'entity/orders',
    });
    expect(backward.permalinks.map((p) => [p.ref, p.id]).sort()).toEqual(forward.permalinks.map((p) => [p.ref, p.id]).sort());
    expect(backward.diagnostics).toEqual(forward.diagnostics);
    expect(forward.diagnostics.map((d) => `${d.file}:${d.line} ${d.message.split(';')[0]}`)).toEqual([
      'area/orders/openapi.yaml:11 The operation "ORD-NFR-01" of "orders" and the NFR "ORD-NFR-01" both claim the permanent link /ref/ORD-NFR-01/',
      'area/orders/openapi.yaml:10 The operation "checkout" of "orders" and the feature "checkout" both claim the permanent link /ref/checkout/',
      'area/orders/data-model.mmd:5 The entity "ORD-NFR-01" and the NFR "ORD-NFR-01" both claim the permanent link /ref/ORD-NFR-01/',
        ]);
  });

  it('come out the same whatever the order of the bundles, for operationIds that hold NUL or other control characters too', () => {
    const features = [
      feature('a', { ops: ['x', 'x\u0000', 'x\u0000y', 'x-y', 'x\u0001'] }),
      feature('b', { ops: ['x\u0000', 'x', 'x-y\u0000'], entities: ['x', 'X\u0000'] }),
      feature('x', { nfrs: ['X-NFR-01'] }),
    ];
    const forward = links(features);
    const backward = links([...features].reverse());
    expect(backward.permalinks.map((p) => [p.ref, p.feature, p.id, p.aliases]).sort()).toEqual(forward.permalinks.map((p) => [p.ref, p.feature, p.id, p.aliases]).sort());
    expect(backward.diagnostics).toEqual(forward.diagnostics);
    const taken = forward.permalinks.flatMap((p) => [p.id, ...p.aliases].map((id) => id.toLowerCase()));
    expect(new Set(taken).size).toBe(taken.length);
  });

  it('number a link as the last resort, when even the qualified form is taken', () => {
    // The feature "entity" owns /ref/entity/…-like paths through its qualified operations.
    const { permalinks } = links([feature('entity', { ops: ['Cart'] }), feature('cart', { entities: ['Cart'], ops: ['entity'] })]);
    const taken = permalinks.flatMap((p) => [p.id, ...p.aliases].map((id) => id.toLowerCase()));
    expect(new Set(taken).size).toBe(taken.length);
    expect(ids(permalinks)).toMatchObject({ 'feature:cart': 'cart', 'feature:entity': 'entity', 'op:Cart': 'entity/Cart', 'entity:Cart': 'entity/Cart-2' });
  });

  it('say nothing more about two items with one ID, which the ID rules already report as errors', () => {
    const { permalinks, diagnostics } = links([feature('a', { nfrs: ['X-NFR-01'] }), feature('b', { nfrs: ['X-NFR-01'] })]);
    expect(permalinks.filter((p) => p.kind === 'nfr').map((p) => `${p.feature} ${p.id}`)).toEqual(['a X-NFR-01', 'b nfr/X-NFR-01']);
    expect(diagnostics).toEqual([]);
  });
});

describe('URL segments', () => {
  it('escape each segment of the ID, and turn other names into what every static server serves as one folder', () => {
    expect(refPath('checkout/createOrder')).toBe('/ref/checkout/createOrder/');
    expect(refPath('Größe')).toBe('/ref/Gr%C3%B6%C3%9Fe/');
    expect(['Order', 'order_line', 'v2.create-order~x'].map(urlSegment)).toEqual(['Order', 'order_line', 'v2.create-order~x']);
    expect(['', '.', '..', 'a/b', 'a b', 'a?b', 'a#b', 'a%20', 'a\\b', '<x>', 'Größe'].map(urlSegment)).toEqual(['-', '-', '-', 'a-b', 'a-b', 'a-b', 'a-b', 'a-20', 'a-b', '-x-', 'Gr-e']);
  });
});

describe('the /ref/<ID>/ page', () => {
  const record = (overrides: Partial<RefRecord> = {}): RefRecord => ({
    id: 'CHK-NFR-01', kind: 'nfr', href: '/features/checkout/#CHK-NFR-01', label: 'CHK-NFR-01', title: 'Fast <b>orders</b> & "quotes"',
    summary: 'latency, must', featureTitle: 'Checkout', searchable: true, filters: { kind: ['NFR'], status: ['ready'], 'NFR category': ['latency'] }, text: ['op:createOrder'],
    ...overrides,
  });

  it('redirects with a meta refresh, with location.replace, and with a visible link, all under the base path', () => {
    const html = renderRefPage(record(), { base: '/docs/' });
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=/docs/features/checkout/#CHK-NFR-01">');
    expect(html).toContain('<script>location.replace("/docs/features/checkout/#CHK-NFR-01")</script>');
    expect(html).toContain('<a href="/docs/features/checkout/#CHK-NFR-01">Go to CHK-NFR-01 in Checkout</a>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/<link rel="stylesheet"|<style/);
  });

  it('writes spec text escaped, never as markup', () => {
    const html = renderRefPage(record({ featureTitle: '</span><script>alert(1)</script>' }), { base: '/' });
    expect(html).toContain('Fast &lt;b&gt;orders&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(html).not.toContain('<script>alert(1)');
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });

  it('never sends the reader to another host or to a script URL', () => {
    expect(safeTarget('/features/x/#A', '/')).toBe('/features/x/#A');
    expect(safeTarget('//evil.example/', '/')).toBe('/');
    expect(safeTarget('/\\evil.example/', '/')).toBe('/');
    expect(safeTarget('javascript:alert(1)', '/')).toBe('/');
    expect(safeTarget('/features/x/#a\nb', '/docs/')).toBe('/docs/');
    const html = renderRefPage(record({ href: '/features/x/#</script><script>alert(1)//' }), { base: '/' });
    expect(html).toContain('location.replace("/features/x/#\\u003c/script>\\u003cscript>alert(1)//")');
  });

  it('is a search record with one element per filter and the ID weighted first; aliases are not', () => {
    const html = renderRefPage(record(), { base: '/' });
    expect(html).toContain('<main data-pagefind-body="" data-pagefind-meta="title:CHK-NFR-01: Fast &lt;b&gt;orders&lt;/b&gt; &amp; &quot;quotes&quot;">');
    expect(html).toContain('<span data-pagefind-filter="kind:NFR"></span><span data-pagefind-filter="status:ready"></span><span data-pagefind-filter="NFR category:latency"></span>');
    expect(html).toContain('<h1><code data-pagefind-weight="10">CHK-NFR-01</code></h1>');
    const alias = renderRefPage(record({ searchable: false }), { base: '/' });
    expect(alias).not.toContain('data-pagefind-body');
    expect(alias).not.toContain('data-pagefind-filter');
  });
});

describe('search records', () => {
  it('index items, operations and entities, but not features (their page is their record) or aliases', async () => {
    const { features } = await loadPortal(path.join(FIXTURES, 'portal-valid'));
    const { catalog } = buildCatalog(features);
    const records = refRecords(features, catalog, links(features).permalinks);
    const searchable = records.filter((r) => r.searchable).map((r) => r.id);
    expect(searchable).toContain('ORD-NFR-01');
    expect(searchable).toContain('createOrder');
    expect(searchable).toContain('Order');
    expect(searchable).not.toContain('orders');
    expect(records.find((r) => r.id === 'orders/createOrder')).toMatchObject({ searchable: false, href: '/features/orders/#createOrder' });
    expect(records.find((r) => r.id === 'ORD-T-01')?.filters).toEqual({ kind: ['threat'], status: ['in-sprint'], STRIDE: ['information-disclosure'] });
    expect(records.find((r) => r.id === 'ORD-NFR-01')?.filters).toEqual({ kind: ['NFR'], status: ['in-sprint'], 'NFR category': ['latency'] });
  });

  it('name an operation by its operationId, whether its reference is qualified or not', () => {
    const features = [feature('cart', { ops: ['createOrder', 'orders/{id}'] }), feature('checkout', { ops: ['createOrder'] })];
    const records = refRecords(features, buildCatalog(features).catalog, links(features).permalinks);
    expect(records.filter((r) => r.kind === 'op').map((r) => `${r.id} ${r.label} ${r.title}`)).toEqual([
      'cart/createOrder createOrder POST /cart/0',
      'checkout/createOrder createOrder POST /checkout/0',
      'orders-id- orders/{id} POST /cart/1',
      'cart/orders-id- orders/{id} POST /cart/1',
    ]);
  });

  it('drop a free-text NFR category from the filters, which Pagefind renders as HTML', () => {
    const f = feature('checkout', { nfrs: ['CHK-NFR-01', 'CHK-NFR-02'] });
    f.nfrs[0]!.category = '<img src=x onerror=alert(1)>';
    f.nfrs[1]!.category = 'carbon footprint';
    const { catalog } = buildCatalog([f]);
    const records = refRecords([f], catalog, links([f]).permalinks);
    expect(records.find((r) => r.id === 'CHK-NFR-01')?.filters).toEqual({ kind: ['NFR'], status: ['ready'] });
    expect(records.find((r) => r.id === 'CHK-NFR-02')?.filters['NFR category']).toEqual(['carbon footprint']);
  });
});
