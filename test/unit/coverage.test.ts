/**
 * The threat coverage matrix: rows are operations then context components, columns the six STRIDE
 * categories, cells the threats that target the row with the category. First on the valid
 * two-bundle fixture portal, then on hand-built features for the cases the fixture lacks.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureCoverage, portalCoverage, threatsByTarget, type CoverageRow } from '../../src/core/coverage.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Feature, LinkedRef, Operation, Portal, ThreatItem } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { STRIDE } from '../../src/core/schemas/threats.ts';

/** The threat IDs of each cell of a row, keyed by STRIDE category; empty cells left out. */
const cellsOf = (row: CoverageRow) =>
  Object.fromEntries(STRIDE.flatMap((s, i) => (row.cells[i]!.length > 0 ? [[s, row.cells[i]!.map((t) => t.id)]] : [])));

describe('coverage of the fixture portal', () => {
  let portal: Portal;
  beforeAll(async () => {
    portal = await loadPortal(path.join(import.meta.dirname, '../fixtures/portal-valid'));
  }, 60_000);
  afterAll(closeMermaid);
  const bySlug = (slug: string) => portal.features.find((f) => f.slug === slug)!;

  it('lists operations first, then context components, each linking to its anchor', () => {
    const { rows } = featureCoverage(bySlug('orders'));
    expect(rows.map((r) => [r.kind, r.id, r.href])).toEqual([
      ['op', 'createOrder', '/features/orders/#createOrder'],
      ['op', 'getOrder', '/features/orders/#getOrder'],
      ['component', 'customer', '/features/orders/#component-customer'],
      ['component', 'order_service', '/features/orders/#component-order_service'],
      ['component', 'payment_gateway', '/features/orders/#component-payment_gateway'],
    ]);
    expect(rows[0]!.label).toMatch(/^POST \//);
  });

  it('puts each threat in the cell of its target and STRIDE category, and leaves the rest empty', () => {
    const coverage = featureCoverage(bySlug('orders'));
    expect(coverage.rows.map((r) => [r.id, r.analysed, cellsOf(r)])).toEqual([
      ['createOrder', true, { 'denial-of-service': ['ORD-T-02'] }],
      ['getOrder', true, { 'information-disclosure': ['ORD-T-01'] }],
      ['customer', false, {}],
      ['order_service', false, {}],
      ['payment_gateway', false, {}],
    ]);
    expect(coverage.counts).toEqual({ rows: 5, analysedRows: 2, cells: 30, analysedCells: 2 });
    expect(coverage.rows[1]!.cells[STRIDE.indexOf('information-disclosure')]).toEqual([
      { id: 'ORD-T-01', feature: 'orders', title: "Reading another customer's order", href: '/features/orders/#ORD-T-01', risk: 'high', status: 'mitigated' },
    ]);
  });

  it('lists the targets that are no row of the matrix, such as entities', () => {
    const { offMatrix } = featureCoverage(bySlug('orders'));
    expect(offMatrix.map((o) => [o.threat.id, o.raw, o.href, o.stride])).toEqual([
      ['ORD-T-01', 'entity:Order', '/entities/Order/', ['information-disclosure']],
    ]);
  });

  it('adds up the whole portal, feature by feature', () => {
    const coverage = portalCoverage(portal.features);
    expect(coverage.features.map((f) => f.feature)).toEqual(portal.features.map((f) => f.slug));
    const billing = coverage.features.find((f) => f.feature === 'billing')!;
    expect(billing.rows.map((r) => [r.id, cellsOf(r)])).toEqual([
      ['getInvoice', { tampering: ['BIL-T-01'] }],
      ['order_service', {}],
      ['billing_service', {}],
      ['payment_gateway', {}],
    ]);
    expect(coverage.counts).toEqual({ rows: 9, analysedRows: 3, cells: 54, analysedCells: 3 });
  });
});

describe('coverage of hand-built features', () => {
  const at = { file: 'x.yaml', line: 1 };
  const ref = (raw: string, href?: string): LinkedRef => {
    const [kind, target] = raw.split(':') as [LinkedRef['kind'], string];
    return { kind, target, raw, at, href };
  };
  const op = (operationId: string, method = 'GET'): Operation => ({
    operationId, derivedId: false, method, path: `/${operationId}`, summary: `Summary of ${operationId}`, description: '', tags: [],
    deprecated: false, responses: ['200'], hasErrorResponse: false, secured: true, declaredPublic: false, line: 1,
  });
  const threat = (feature: string, id: string, stride: ThreatItem['stride'], targets: LinkedRef[]): ThreatItem => ({
    id, feature, title: `Threat ${id}`, stride, target: targets.map((t) => t.raw), description: '', likelihood: 'low', impact: 'low',
    mitigations: [], status: 'open', at, risk: 'low', targets, mitigationItems: [],
  });
  const feature = (slug: string, parts: Partial<Feature>): Feature => ({
    slug, dir: slug, area: 'test', meta: { title: slug, id: slug.toUpperCase(), status: 'draft', owner: 'team', tickets: [], depends_on: [], tags: [] } as unknown as Feature['meta'],
    body: '', bodyLine: 1, storyHtml: '', storyHeadings: [], storyDiagrams: [], sequences: [], contracts: [], nfrs: [], threats: [], edgeCases: [], dependsOn: [],
    completeness: { score: 0, max: 0, rubric: [] }, backlinks: {}, files: [], ...parts,
  });
  const contract = (...operations: Operation[]): Feature['contracts'][number] => ({
    file: 'openapi.yaml', name: 'openapi.yaml', publicName: 'openapi', title: 'API', version: '1', openapi: '3.1.0', operations,
  });

  const pay = feature('pay', {
    contracts: [contract(op('charge', 'POST'), op('refund', 'POST'))],
    context: {
      file: 'context.mmd', source: '', kind: 'c4', frontmatter: {}, frontmatterLine: 0, relations: [], entities: [], relationships: [],
      participants: [], messages: [], hasErrorPath: false,
      components: [{ id: 'psp', label: 'Payment provider', type: 'system_ext', external: true, description: '' }],
    },
    threats: [
      threat('pay', 'PAY-T-01', ['spoofing', 'tampering'], [ref('op:charge', '/features/pay/#charge'), ref('op:pay/charge', '/features/pay/#charge')]),
      threat('pay', 'PAY-T-02', ['denial-of-service'], [ref('component:psp', '/features/pay/#component-psp'), ref('sequence:pay/charge-card', '/features/pay/#sequence-charge-card')]),
      threat('pay', 'PAY-T-03', ['repudiation'], [ref('op:chrage')]),
    ],
  });
  const login = feature('login', {
    contracts: [contract(op('signIn', 'POST'))],
    threats: [threat('login', 'LOG-T-01', ['elevation-of-privilege'], [ref('op:pay/refund', '/features/pay/#refund')])],
  });

  it('puts a threat with several categories in each of their cells, once even when two references land on the row', () => {
    const charge = featureCoverage(pay).rows.find((r) => r.id === 'charge')!;
    expect(cellsOf(charge)).toEqual({ spoofing: ['PAY-T-01'], tampering: ['PAY-T-01'] });
  });

  it('shows a component row with its shape, analysed by the threat that targets it', () => {
    const psp = featureCoverage(pay).rows.find((r) => r.kind === 'component')!;
    expect(psp).toMatchObject({ id: 'psp', label: 'Payment provider', detail: 'system_ext', analysed: true });
    expect(cellsOf(psp)).toEqual({ 'denial-of-service': ['PAY-T-02'] });
  });

  it('reports sequences and dangling targets as off the matrix, rather than dropping them', () => {
    expect(featureCoverage(pay).offMatrix.map((o) => [o.threat.id, o.raw, o.href])).toEqual([
      ['PAY-T-02', 'sequence:pay/charge-card', '/features/pay/#sequence-charge-card'],
      ['PAY-T-03', 'op:chrage', undefined],
    ]);
  });

  it("counts a threat written in another feature only when given the portal's threats", () => {
    const own = featureCoverage(pay).rows.find((r) => r.id === 'refund')!;
    expect(own.analysed).toBe(false);
    const shared = featureCoverage(pay, threatsByTarget([...pay.threats, ...login.threats])).rows.find((r) => r.id === 'refund')!;
    expect(cellsOf(shared)).toEqual({ 'elevation-of-privilege': ['LOG-T-01'] });
    expect(shared.cells[STRIDE.indexOf('elevation-of-privilege')]![0]!.href).toBe('/features/login/#LOG-T-01');
    expect(portalCoverage([pay, login]).features[0]!.rows.find((r) => r.id === 'refund')!.analysed).toBe(true);
  });

  it("lists a threat on another feature's operation under the writing feature as off its matrix", () => {
    const coverage = featureCoverage(login, threatsByTarget([...pay.threats, ...login.threats]));
    expect(coverage.offMatrix.map((o) => [o.threat.id, o.href])).toEqual([['LOG-T-01', '/features/pay/#refund']]);
    expect(coverage.counts).toEqual({ rows: 1, analysedRows: 0, cells: 6, analysedCells: 0 });
  });

  it('shows an operationId defined twice once, and a feature with nothing to attack as no row', () => {
    const twice = feature('twice', { contracts: [contract(op('a')), contract(op('a'))] });
    expect(featureCoverage(twice).rows.map((r) => r.id)).toEqual(['a']);
    expect(featureCoverage(feature('empty', {})).counts).toEqual({ rows: 0, analysedRows: 0, cells: 0, analysedCells: 0 });
  });
});
