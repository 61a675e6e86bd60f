/**
 * Threat models from other tools: OWASP Threat Dragon v2 and Open Threat Model (OTM) JSON,
 * recognised by content and mapped onto the `threats.yaml` model. The fixtures in
 * `test/fixtures/importers/content/` are shaped like real exports (Threat Dragon's demo models,
 * OTM's `EXAMPLE.json`) and sit in bundles, so the same files go through `loadPortal` below.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { importerRules, importThreatModel, recogniseThreatModel } from '../../src/core/importers/index.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import { loadPortal } from '../../src/core/portal.ts';

const CONTENT = path.join(import.meta.dirname, '../fixtures/importers/content');
const TD_FILE = 'refunds/refunds-threat-model.json';
const OTM_FILE = 'payouts/payouts.otm.json';
const tdText = readFileSync(path.join(CONTENT, TD_FILE), 'utf8');
const otmText = readFileSync(path.join(CONTENT, OTM_FILE), 'utf8');

const refunds = {
  featureKey: 'REF',
  components: [
    { id: 'customer', label: 'Customer' },
    { id: 'refund_api', label: 'Refund API' },
    { id: 'refunds_db', label: 'Refunds DB' },
    { id: 'payment_gateway', label: 'Payment gateway' },
  ],
};
const payouts = {
  featureKey: 'PAY',
  components: [
    { id: 'merchant', label: 'Merchant' },
    { id: 'payout_service', label: 'Payout service' },
    { id: 'bank_api', label: 'Bank API' },
    { id: 'ledger', label: 'Ledger' },
  ],
};

/** A diagnostic as the tests pin it: rule, line and the start of its message. */
const brief = (d: Diagnostic) => `${d.severity} ${d.rule} ${d.line}: ${d.message}`;

afterAll(closeMermaid);

describe('recogniseThreatModel', () => {
  it('recognises a Threat Dragon model and an OTM document by their content', () => {
    expect(recogniseThreatModel(JSON.parse(tdText))).toBe('threat-dragon');
    expect(recogniseThreatModel(JSON.parse(otmText))).toBe('otm');
  });

  it('does not recognise other JSON: an OpenAPI contract, a package.json, arrays and scalars', () => {
    expect(recogniseThreatModel({ openapi: '3.1.0', info: { title: 'x', version: '1' }, paths: {} })).toBeUndefined();
    expect(recogniseThreatModel({ name: 'x', version: '1.0.0', dependencies: {} })).toBeUndefined();
    expect(recogniseThreatModel({ summary: 'text', detail: {} })).toBeUndefined();
    expect(recogniseThreatModel([])).toBeUndefined();
    expect(recogniseThreatModel(null)).toBeUndefined();
    expect(recogniseThreatModel('otmVersion')).toBeUndefined();
  });
});

describe('importThreatModel on a Threat Dragon v2 model', () => {
  const result = importThreatModel(tdText, TD_FILE, refunds);
  const byTitle = (title: string) => result.threats.find((t) => t.item.title === title)!.item;

  it('imports every STRIDE threat of every diagram and cell, flows included', () => {
    expect(result.kind).toBe('threat-dragon');
    expect(result.threats.map((t) => [t.item.id, t.item.stride])).toEqual([
      ['REF-T-01', ['spoofing']],
      ['REF-T-02', ['tampering']],
      ['REF-T-03', ['elevation-of-privilege']],
      ['REF-T-04', ['information-disclosure']],
      ['REF-T-05', ['repudiation']],
      ['REF-T-06', ['denial-of-service']],
      ['REF-T-08', ['information-disclosure']],
    ]);
  });

  it('takes IDs from the threat number, and gives threats without one the next free number', () => {
    // "Refund request flood" has no number: 6 is free, 7 belongs to the (skipped) LINDDUN threat only in the source.
    expect(byTitle('Refund request flood').id).toBe('REF-T-06');
    expect(byTitle('Refund reasons exposed to other shops').id).toBe('REF-T-08');
  });

  it('maps status Open, Mitigated and NotApplicable', () => {
    expect(byTitle("Refund requested for someone else's order").status).toBe('open');
    expect(byTitle('Refund amount changed in transit').status).toBe('mitigated');
    expect(byTitle('Card data read from backups').status).toBe('not-applicable');
  });

  it('maps severity to a likelihood and impact whose risk is the same level', () => {
    expect(byTitle("Refund requested for someone else's order")).toMatchObject({ likelihood: 'medium', impact: 'high' });
    expect(byTitle('Refund amount changed in transit')).toMatchObject({ likelihood: 'medium', impact: 'medium' });
    expect(byTitle('Support role issues refunds beyond its limit')).toMatchObject({ likelihood: 'low', impact: 'low' });
  });

  it('keeps the mitigation as free text, and an empty one as no mitigation', () => {
    expect(byTitle('Refund amount changed in transit').mitigations).toEqual(['Sign the refund request; recompute the amount server-side.']);
    expect(byTitle('Support role issues refunds beyond its limit').mitigations).toEqual([]);
  });

  it('targets the context component whose ID or label matches the cell name, case- and space-insensitively', () => {
    expect(byTitle("Refund requested for someone else's order").target).toEqual(['component:customer']);
    expect(byTitle('Refund amount changed in transit').target).toEqual(['component:refund_api']);
    expect(byTitle('Card data read from backups').target).toEqual(['component:refunds_db']);
  });

  it('keeps threats on unmatched elements without a target, and reports each element at its name', () => {
    expect(byTitle('Refund denied after the fact').target).toEqual([]);
    expect(byTitle('Refund request flood').target).toEqual([]);
    const unmatched = result.diagnostics.filter((d) => d.rule === 'import/unmatched-target');
    expect(unmatched.map(brief)).toEqual([
      'warning import/unmatched-target 512: "Audit Log" (target of threat "Refund denied after the fact") matches no component of context.mmd; the threat is kept without this target.',
      'warning import/unmatched-target 579: "Refund request" (target of threat "Refund request flood") matches no component of context.mmd; the threat is kept without this target.',
    ]);
    expect(unmatched[0]!.hint).toBe('Rename the element to a component ID of context.mmd (customer, refund_api, refunds_db, payment_gateway), or add it to the diagram.');
    expect(tdText.split('\n')[511]).toContain('"name": "Audit Log"');
  });

  it('maps LINDDUN categories that have a STRIDE twin with a warning, and reports the others as not published', () => {
    expect(result.diagnostics.some((d) => d.rule === 'import/unmapped-category')).toBe(true);
    expect(result.diagnostics.filter((d) => d.rule !== 'import/unmatched-target').map(brief)).toEqual([
      'warning import/unmapped-category 735: Threat "Refunds link a customer across shops" has the LINDDUN type "Linkability", which is no STRIDE category, so it is not published.',
      'warning import/lossy 747: Threat "Refund reasons exposed to other shops" is a LINDDUN "Disclosure of information" threat; it is published as STRIDE information-disclosure.',
    ]);
  });

  it('locates each threat and its fields in the JSON', () => {
    const threat = result.threats[0]!;
    expect(threat.at).toEqual({ file: TD_FILE, line: expect.any(Number) });
    const lines = tdText.split('\n');
    expect(lines[threat.locate(['status']).line - 1]).toContain('"status": "Open"');
    expect(lines[threat.locate(['mitigations', 0]).line - 1]).toContain('"mitigation": "Require a fresh login');
    expect(lines[threat.locate(['target', 0]).line - 1]).toContain('"name": "Customer"');
  });

  it('avoids IDs already taken by threats.yaml, renumbering with a warning', () => {
    const again = importThreatModel(tdText, TD_FILE, { ...refunds, takenIds: new Set(['REF-T-01', 'REF-T-06']) });
    expect(again.threats.map((t) => t.item.id)).toEqual(['REF-T-07', 'REF-T-02', 'REF-T-03', 'REF-T-04', 'REF-T-05', 'REF-T-09', 'REF-T-08']);
    expect(again.diagnostics.filter((d) => d.message.includes('already used')).map(brief)).toEqual([
      expect.stringMatching(/^warning import\/lossy \d+: Threat "Refund requested for someone else's order" has number 1, but REF-T-01 is already used; it gets the next free ID\.$/),
    ]);
  });

  it('reads other severities and statuses as medium and open, saying so', () => {
    const odd = tdText.replace('"severity": "High"', '"severity": "TBD"').replace('"status": "Open"', '"status": "Investigating"');
    const { threats, diagnostics } = importThreatModel(odd, TD_FILE, refunds);
    expect(threats[0]!.item).toMatchObject({ likelihood: 'medium', impact: 'medium', status: 'open' });
    expect(diagnostics.filter((d) => d.rule === 'import/lossy').map((d) => d.message)).toEqual([
      `Threat "Refund requested for someone else's order" has the severity "TBD"; it is published as medium likelihood and medium impact.`,
      `Threat "Refund requested for someone else's order" has the status "Investigating"; it is published as open.`,
      expect.stringContaining('LINDDUN'),
    ]);
  });

  it('reports a Threat Dragon v1 model as a format it does not read', () => {
    const v1 = JSON.stringify({ summary: { title: 'Old' }, detail: { contributors: [], diagrams: [{ diagramJson: { cells: [] }, title: 'Main' }], reviewer: '' } }, null, 2);
    const { kind, threats, diagnostics } = importThreatModel(v1, 'old.json', refunds);
    expect(kind).toBe('threat-dragon');
    expect(threats).toEqual([]);
    expect(diagnostics.map((d) => [d.rule, d.severity, d.message])).toEqual([
      ['import/unknown-format', 'warning', 'This is a Threat Dragon v1 model; only v2 models are imported, so none of its threats are published.'],
    ]);
  });
});

describe('importThreatModel on an OTM document', () => {
  const result = importThreatModel(otmText, OTM_FILE, payouts);
  const byTitle = (title: string) => result.threats.find((t) => t.item.title === title)!.item;

  it('imports one threat per threat definition, in order, with derived IDs', () => {
    expect(result.kind).toBe('otm');
    expect(result.threats.map((t) => [t.item.id, t.item.title, t.item.stride])).toEqual([
      ['PAY-T-01', 'Forged payout request', ['spoofing']],
      ['PAY-T-02', 'Ledger entries altered', ['tampering', 'repudiation']],
      ['PAY-T-03', 'Bank credentials leaked', ['information-disclosure']],
      ['PAY-T-04', 'Payout request flood', ['denial-of-service']],
      ['PAY-T-05', 'Merchant becomes admin', ['elevation-of-privilege']],
    ]);
  });

  it('maps 0–100 likelihood and impact: below 34 low, below 67 medium, else high', () => {
    expect(byTitle('Forged payout request')).toMatchObject({ likelihood: 'high', impact: 'high' });
    expect(byTitle('Ledger entries altered')).toMatchObject({ likelihood: 'medium', impact: 'high' });
    expect(byTitle('Bank credentials leaked')).toMatchObject({ likelihood: 'low', impact: 'high' });
    expect(byTitle('Payout request flood')).toMatchObject({ likelihood: 'medium', impact: 'medium' });
  });

  it('maps instance states, the worst instance winning', () => {
    expect(byTitle('Forged payout request').status).toBe('open');
    expect(byTitle('Ledger entries altered').status).toBe('mitigated');
    expect(byTitle('Bank credentials leaked').status).toBe('open'); // accepted on one element, exposed on another
    expect(byTitle('Payout request flood').status).toBe('open'); // partly-mitigated
    expect(byTitle('Merchant becomes admin').status).toBe('not-applicable');
  });

  it('lists the mitigations of all instances as free text, name and description', () => {
    expect(byTitle('Forged payout request').mitigations).toEqual(['Mutual TLS: Merchants authenticate with client certificates.', 'Sign payout requests']);
    expect(byTitle('Bank credentials leaked').mitigations).toEqual(['Secrets in a vault: Load the bank API key from the vault at start-up.']);
  });

  it('targets components matched by OTM ID or name, and reports the elements that match nothing', () => {
    expect(byTitle('Forged payout request').target).toEqual(['component:payout_service']);
    expect(byTitle('Ledger entries altered').target).toEqual(['component:ledger']);
    expect(byTitle('Bank credentials leaked').target).toEqual(['component:payout_service']);
    expect(byTitle('Payout request flood').target).toEqual([]);
    expect(result.diagnostics.filter((d) => d.rule === 'import/unmatched-target').map((d) => d.message)).toEqual([
      '"Fraud Engine" (target of threat "Bank credentials leaked") matches no component of context.mmd; the threat is kept without this target.',
      '"Payout request" (target of threat "Payout request flood") matches no component of context.mmd; the threat is kept without this target.',
    ]);
  });

  it('reports what the mapping lost, each at its line', () => {
    expect(result.diagnostics.filter((d) => d.rule !== 'import/unmatched-target').map(brief)).toEqual([
      'warning import/lossy 135: Threat "Bank credentials leaked" has different states on its elements (accepted, open); it is published as open.',
      'warning import/lossy 235: Threat "Payout request flood" is "partly-mitigated"; it is published as open.',
      'warning import/unmapped-category 330: Threat "Payouts linkable across merchants" has the category "Linkability", which is no STRIDE category, so it is not published.',
      'warning import/lossy 347: Threat "Merchant becomes admin": the category "Insecure Design" is no STRIDE category and is not published.',
      'warning import/lossy 355: Threat "Merchant becomes admin" has no numeric likelihood; it is published as medium.',
    ]);
    const lines = otmText.split('\n');
    expect(lines[134]).toContain('"state": "accepted"');
    expect(lines[354]).toContain('"likelihood": null');
  });
});

describe('importThreatModel on broken input', () => {
  it('reports invalid JSON at the line of the error, and never throws', () => {
    const broken = tdText.replace('"severity": "Medium",', '"severity": "Medium"');
    const { threats, diagnostics } = importThreatModel(broken, TD_FILE, refunds);
    expect(threats).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'import/invalid-json', severity: 'error', file: TD_FILE });
    expect(broken.split('\n')[diagnostics[0]!.line - 1]).toContain('"type": "Tampering"'); // the token after the missing comma
  });

  it('reports JSON that is no threat model as an unknown format', () => {
    const { kind, threats, diagnostics } = importThreatModel('{ "openapi": "3.1.0" }', 'x.json', refunds);
    expect(kind).toBeUndefined();
    expect(threats).toEqual([]);
    expect(diagnostics.map((d) => d.rule)).toEqual(['import/unknown-format']);
  });

  it('survives documents with the right keys but the wrong shapes', () => {
    for (const doc of [
      { otmVersion: '0.2.0', project: {}, threats: 'none', components: [1, null, { threats: [{}] }] },
      { otmVersion: '0.2.0', project: {}, threats: [{ id: 'a', categories: ['Spoofing'] }], components: [{ id: 'x', threats: [{ threat: 'a' }] }] },
      { version: '2.1.0', summary: {}, detail: { diagrams: [null, { cells: [{ data: { threats: [null, { type: 'Tampering' }] } }] }] } },
    ]) {
      expect(() => importThreatModel(JSON.stringify(doc), 'x.json', { featureKey: 'X', components: [] })).not.toThrow();
    }
  });

  it('keeps every rule at warning but invalid JSON', () => {
    expect(Object.entries(importerRules).filter(([, r]) => r.severity === 'error').map(([id]) => id)).toEqual(['import/invalid-json']);
  });
});

describe('loadPortal with imported threat models', () => {
  const portal = loadPortal(CONTENT);

  it('publishes the imported threats in the feature with their STRIDE categories', async () => {
    const { features } = await portal;
    const refundsFeature = features.find((f) => f.slug === 'refunds')!;
    expect(refundsFeature.threats.map((t) => [t.id, t.stride, t.status])).toEqual([
      ['REF-T-01', ['spoofing'], 'open'],
      ['REF-T-02', ['tampering'], 'mitigated'],
      ['REF-T-03', ['elevation-of-privilege'], 'open'],
      ['REF-T-04', ['information-disclosure'], 'not-applicable'],
      ['REF-T-05', ['repudiation'], 'open'],
      ['REF-T-06', ['denial-of-service'], 'open'],
      ['REF-T-08', ['information-disclosure'], 'open'],
    ]);
    expect(refundsFeature.threats[0]!.at).toEqual({ file: TD_FILE, line: expect.any(Number) });
  });

  it('keeps threats.yaml beside an imported model, with IDs that do not collide', async () => {
    const { features, diagnostics } = await portal;
    const payoutsFeature = features.find((f) => f.slug === 'payouts')!;
    expect(payoutsFeature.threats.map((t) => t.id)).toEqual(['PAY-T-01', 'PAY-T-02', 'PAY-T-03', 'PAY-T-04', 'PAY-T-05', 'PAY-T-06']);
    expect(payoutsFeature.threats[0]!.at.file).toBe('payouts/threats.yaml');
    expect(payoutsFeature.threats.slice(1).map((t) => t.stride)).toEqual([
      ['spoofing'], ['tampering', 'repudiation'], ['information-disclosure'], ['denial-of-service'], ['elevation-of-privilege'],
    ]);
    expect(diagnostics.filter((d) => d.rule.includes('duplicate'))).toEqual([]);
  });

  it('does not report the imported files as unknown, and reports no errors', async () => {
    const { diagnostics } = await portal;
    expect(diagnostics.filter((d) => d.rule === 'bundle/unknown-file')).toEqual([]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(diagnostics.filter((d) => d.rule.startsWith('import/')).map((d) => d.file)).toEqual(expect.arrayContaining([TD_FILE, OTM_FILE]));
  });
});
