/**
 * `portal.json`: the export of the linked model. It matches its own zod schema and the JSON
 * Schema generated from it, lists every item, operation, entity and typed reference with its
 * permanent link, carries the base path, and is byte-for-byte reproducible.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/core/catalog.ts';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { exportPortal, portalJsonSchema, portalJsonSchemaDocument, type PortalJson } from '../../src/core/export.ts';
import type { Feature } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';

const VALID = path.join(import.meta.dirname, '../fixtures/portal-valid');

let features: Feature[];
let json: PortalJson;
const warning: Diagnostic = { severity: 'warning', rule: 'ids/prefix', file: 'billing/nfr.yaml', line: 2, column: 9, message: 'A warning.', hint: 'A hint.' };

beforeAll(async () => {
  ({ features } = await loadPortal(VALID));
  json = exportPortal(features, buildCatalog(features).catalog, [warning, { ...warning }]);
});

describe('portal.json', () => {
  it('matches its zod schema and the JSON Schema published from it', () => {
    expect(portalJsonSchema.safeParse(json).success).toBe(true);
    const schema = portalJsonSchemaDocument();
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Specport portal.json', type: 'object' });
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(JSON.parse(JSON.stringify(json))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...json, version: 2 })).toBe(false);
  });

  it('lists every feature, item, operation and entity with its permanent link', () => {
    expect(json.version).toBe(1);
    expect(json.features.map((f) => [f.slug, f.permalink, f.href, `${f.completeness.score}/${f.completeness.max}`])).toEqual([
      ['billing', '/ref/billing/', '/features/billing/', `${features.find((f) => f.slug === 'billing')!.completeness.score}/10`],
      ['orders', '/ref/orders/', '/features/orders/', `${features.find((f) => f.slug === 'orders')!.completeness.score}/10`],
    ]);
    expect(json.items.map((i) => `${i.kind} ${i.id} ${i.permalink} ${i.href}`)).toEqual([
      'nfr BIL-NFR-01 /ref/BIL-NFR-01/ /features/billing/#BIL-NFR-01',
      'nfr BIL-NFR-02 /ref/BIL-NFR-02/ /features/billing/#BIL-NFR-02',
      'threat BIL-T-01 /ref/BIL-T-01/ /features/billing/#BIL-T-01',
      'edge BIL-EC-01 /ref/BIL-EC-01/ /features/billing/#BIL-EC-01',
      'nfr ORD-NFR-01 /ref/ORD-NFR-01/ /features/orders/#ORD-NFR-01',
      'nfr ORD-NFR-02 /ref/ORD-NFR-02/ /features/orders/#ORD-NFR-02',
      'threat ORD-T-01 /ref/ORD-T-01/ /features/orders/#ORD-T-01',
      'threat ORD-T-02 /ref/ORD-T-02/ /features/orders/#ORD-T-02',
      'edge ORD-EC-01 /ref/ORD-EC-01/ /features/orders/#ORD-EC-01',
    ]);
    expect(json.items.find((i) => i.id === 'BIL-NFR-02')).toMatchObject({ kind: 'nfr', target: null, measurable: false, reason: 'Legal review decides per country.' });
    expect(json.operations.map((o) => `${o.method} ${o.path} ${o.id} ${o.permalink}`)).toEqual([
      'GET /invoices/{id} getInvoice /ref/getInvoice/',
      'POST /orders createOrder /ref/createOrder/',
      'GET /orders/{orderId} getOrder /ref/getOrder/',
    ]);
    expect(json.entities.map((e) => `${e.name} ${e.permalink} ${e.href}`)).toEqual(['Invoice /ref/Invoice/ /entities/Invoice/', 'Order /ref/Order/ /entities/Order/', 'OrderLine /ref/OrderLine/ /entities/OrderLine/']);
  });

  it('lists every typed reference, with where it is written and where it leads', () => {
    const rows = json.references.map((r) => `${r.from.kind}:${r.from.id} ${r.ref} ${r.href} ${r.permalink} ${r.at.file}:${r.at.line}`);
    const written = features.flatMap((f) => [
      ...f.dependsOn, ...f.nfrs.flatMap((n) => n.appliesTo), ...f.threats.flatMap((t) => [...t.targets, ...t.mitigationItems.flatMap((m) => ('ref' in m ? [m.ref] : []))]), ...f.edgeCases.flatMap((e) => e.links),
    ]);
    expect(json.references.filter((r) => r.from.kind !== 'story')).toHaveLength(written.length);
    expect(rows).toContain('feature:orders feature:billing /features/billing/ /ref/billing/ shop/orders/feature.md:8');
    expect(rows).toContain('threat:ORD-T-02 nfr:BIL-NFR-01 /features/billing/#BIL-NFR-01 /ref/BIL-NFR-01/ shop/orders/threats.yaml:19');
    expect(rows).toContain('edge:ORD-EC-01 sequence:orders/place-order /features/orders/#sequence-place-order null shop/orders/edge-cases.yaml:5');
    // Wiki links in the story, each where it is written.
    expect(rows.filter((r) => r.startsWith('story:'))).toEqual([
      'story:billing feature:orders /features/orders/ /ref/orders/ billing/feature.md:8',
      'story:billing entity:Order /entities/Order/ /ref/Order/ billing/feature.md:8',
      'story:orders nfr:ORD-NFR-01 /features/orders/#ORD-NFR-01 /ref/ORD-NFR-01/ shop/orders/feature.md:15',
      'story:orders op:createOrder /features/orders/#createOrder /ref/createOrder/ shop/orders/feature.md:15',
      'story:orders feature:billing /features/billing/ /ref/billing/ shop/orders/feature.md:16',
      'story:orders sequence:orders/place-order /features/orders/#sequence-place-order null shop/orders/feature.md:16',
    ]);
  });

  it('publishes the warnings it is given, each once', () => {
    expect(json.diagnostics).toEqual([warning]);
  });

  it('puts the base path in front of every URL', () => {
    const based = exportPortal(features, buildCatalog(features).catalog, [], { base: '/specs/' });
    const urls = JSON.stringify(based).match(/"(href|permalink)":"[^"]*"/g)!;
    expect(urls.length).toBeGreaterThan(30);
    for (const u of urls) expect(u).toMatch(/^"(href|permalink)":"\/specs\/(features|entities|ref)\//);
  });

  it('is reproducible: no timestamp, and the same bytes whatever the order of the bundles', () => {
    const again = exportPortal([...features].reverse(), buildCatalog(features).catalog, [warning]);
    expect(JSON.stringify(again)).toBe(JSON.stringify(json));
    // Commit dates in provenance come from git, not from the build; nothing else carries a date.
    const withoutProvenance = { ...json, features: json.features.map((f) => ({ ...f, provenance: null })) };
    expect(JSON.stringify(withoutProvenance)).not.toMatch(/generated|timestamp|\d{4}-\d{2}-\d{2}T\d{2}:/i);
  });
});
