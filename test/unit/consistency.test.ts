import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/core/catalog.ts';
import type { Portal } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';

const ROOT = path.resolve(import.meta.dirname, '../fixtures/broken/consistency');
let portal: Portal;

beforeAll(async () => {
  portal = await loadPortal(ROOT);
});

const rows = () => portal.diagnostics.map((d) => `${d.severity} ${d.rule} ${d.file}:${d.line} ${d.message}`);

describe('cross-artefact consistency', () => {
  it('reports every mismatch between the artefacts, each at its line with a hint', () => {
    expect(rows()).toEqual([
      'warning entities/conflict shop/data-model.mmd:4 Order.total is int here but decimal in ledger.',
      'warning consistency/nfr-target shop/nfr.yaml:2 SHP-NFR-01 has no measurable target and states no reason.',
      'warning consistency/uncovered-operation shop/openapi.yaml:10 No threat targets GET /orders/{id} (readOrder).',
      'warning consistency/unknown-participant shop/sequences/checkout.mmd:9 Participant "warehouse" matches no component of any context diagram.',
      'warning consistency/unknown-call shop/sequences/checkout.mmd:11 The call "DELETE /carts/42" matches no operation of any contract.',
      'warning consistency/unmitigated-threat shop/threats.yaml:2 SHP-T-01 is open and lists no mitigation.',
    ]);
    for (const d of portal.diagnostics) expect(d.hint).not.toBe('');
    expect(new Set(portal.diagnostics.map((d) => d.rule))).toEqual(
      new Set([
        'entities/conflict',
        'consistency/nfr-target',
        'consistency/uncovered-operation',
        'consistency/unknown-participant',
        'consistency/unknown-call',
        'consistency/unmitigated-threat',
      ]),
    );
  });

  it('matches participants by component ID or label, and calls by path template', () => {
    const messages = rows().join('\n');
    expect(messages).not.toContain('"web"');
    expect(messages).not.toContain('"orders"');
    expect(messages).not.toContain('POST /orders');
  });

  it('feeds the completeness rubric', () => {
    const shop = portal.features.find((f) => f.slug === 'shop')!;
    const line = (id: string) => shop.completeness.rubric.find((l) => l.id === id)!;
    expect(line('sequences')).toMatchObject({ met: false, detail: 'Participants or calls match no component or operation in: checkout.' });
    expect(line('threat-coverage')).toMatchObject({ met: false, detail: 'No threat targets: readOrder.' });
    expect(line('threat-mitigations')).toMatchObject({ met: false, detail: 'Plan a mitigation for: SHP-T-01.' });
    expect(line('nfrs')).toMatchObject({ met: false, detail: 'Give a measurable target to: SHP-NFR-01.' });
  });
});

describe('the catalogue', () => {
  it('merges an entity across features and flags the attribute declared with two types', () => {
    const { catalog } = buildCatalog(portal.features);
    const order = catalog.entities.find((e) => e.name === 'Order')!;
    expect(order.features).toEqual(['ledger', 'shop']);
    expect(order.attributes.map((a) => `${a.name}:${a.type}:${a.features.join('+')}`)).toEqual(['id:string:ledger+shop', 'total:decimal:ledger', 'total:int:shop']);
    expect(order.conflicts).toEqual([{ attribute: 'total', types: [{ type: 'decimal', features: ['ledger'] }, { type: 'int', features: ['shop'] }] }]);
  });

  it('lists every component with the features that touch it, and the relations between them', () => {
    const { catalog } = buildCatalog(portal.features);
    expect(catalog.components.map((c) => `${c.id}:${c.features.join('+')}`)).toEqual(['orders:shop', 'psp:shop', 'web:shop']);
    expect(catalog.relations.map((r) => `${r.from}->${r.to}`)).toEqual(['orders->psp', 'web->orders']);
  });
});
