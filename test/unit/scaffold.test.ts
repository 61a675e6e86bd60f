/**
 * `specport new`: the scaffolded bundle passes `check` with no error and no warning, next to
 * existing content and on its own, and `new` refuses what it must not do.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import matter from 'gray-matter';
import { parse } from 'yaml';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { deriveKey, newBundle } from '../../src/cli/new.ts';
import { jsonSchemas, type SchemaName } from '../../src/core/json-schemas.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import { loadPortal } from '../../src/core/portal.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const VALID = path.join(import.meta.dirname, '../fixtures/portal-valid');
const FILES = ['feature.md', 'context.mmd', 'openapi.yaml', 'data-model.mmd', 'sequences/create-record.mmd', 'nfr.yaml', 'edge-cases.yaml', 'threats.yaml'];

let tmp: string;
const temps: string[] = [];
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specport-new-'));
  temps.push(tmp);
});
afterAll(async () => {
  await closeMermaid();
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Diagnostics as `severity rule file:line message`, so a failure says what is wrong. */
async function check(content: string): Promise<string[]> {
  const portal = await loadPortal(content, { configDir: content });
  return portal.diagnostics.map((d) => `${d.severity} ${d.rule} ${d.file}:${d.line ?? ''} ${d.message}`);
}

describe('newBundle', () => {
  it('scaffolds every artefact into an empty content root, and check reports nothing', async () => {
    const result = await newBundle({ content: tmp, slug: 'order-tracking' });
    expect(result.code).toBe(0);
    expect(result.files).toEqual(FILES.map((f) => `order-tracking/${f}`));
    expect(result.message).toContain('feature key OT');
    expect(await check(tmp)).toEqual([]);
    const portal = await loadPortal(tmp, { configDir: tmp });
    expect(portal.features.map((f) => [f.slug, f.meta.id, f.meta.title])).toEqual([['order-tracking', 'OT', 'Order tracking']]);
  });

  it('scaffolds next to existing bundles without an ID, operationId or permalink collision', async () => {
    await cp(VALID, tmp, { recursive: true });
    // The fixture has one warning of its own (an open threat without mitigation); nothing may be added.
    const before = await check(tmp);
    const first = await newBundle({ content: tmp, slug: 'order-tracking', area: 'shop' });
    expect(first.code).toBe(0);
    // Its initials are ORD, the key of the fixture's orders bundle, so a longer key is derived.
    const second = await newBundle({ content: tmp, slug: 'order-routing-desk', area: 'shop/history', title: 'Order routing desk' });
    expect(second.code).toBe(0);
    expect(second.files[0]).toBe('shop/history/order-routing-desk/feature.md');
    expect(second.message).toContain('feature key ORDROUDES');
    expect(await check(tmp)).toEqual(before);
  });

  it('scaffolds into a copy of the sample content without adding a diagnostic', async () => {
    await cp(path.join(ROOT, 'content'), tmp, { recursive: true });
    const before = await check(tmp);
    expect((await newBundle({ content: tmp, slug: 'order-tracking-v2', area: 'fulfilment' })).code).toBe(0);
    expect((await newBundle({ content: tmp, slug: 'invoices' })).code).toBe(0);
    expect(await check(tmp)).toEqual(before);
  });

  it('writes YAML files that name their JSON Schema and validate against it', async () => {
    await newBundle({ content: tmp, slug: 'order-tracking' });
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const schemas = jsonSchemas();
    const names: Record<string, SchemaName> = { 'nfr.yaml': 'nfr', 'threats.yaml': 'threats', 'edge-cases.yaml': 'edge-cases' };
    for (const [file, name] of Object.entries(names)) {
      const text = await readFile(path.join(tmp, 'order-tracking', file), 'utf8');
      const first = text.split('\n')[0]!;
      expect(first).toMatch(/^# yaml-language-server: \$schema=(\.\.\/)+.+\/schemas\/[a-z-]+\.schema\.json$/);
      const schemaFile = path.resolve(tmp, 'order-tracking', first.split('$schema=')[1]!);
      expect(schemaFile).toBe(path.join(ROOT, 'schemas', `${name}.schema.json`));
      const validate = ajv.compile(schemas[name]);
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    }
    const feature = matter(await readFile(path.join(tmp, 'order-tracking', 'feature.md'), 'utf8'));
    const validateFeature = ajv.compile(schemas.feature);
    expect(validateFeature(feature.data), JSON.stringify(validateFeature.errors)).toBe(true);
    const sequence = matter(await readFile(path.join(tmp, 'order-tracking', 'sequences/create-record.mmd'), 'utf8'));
    expect(sequence.data).toMatchObject({ timeout: '3s', retries: { max: 2 } });
    expect(sequence.content).toMatch(/^\s+alt /m);
  });

  it('qualifies operationIds, entities and components with the key when the content already uses the plain names', async () => {
    await mkdir(path.join(tmp, 'legacy'));
    await writeFile(path.join(tmp, 'legacy', 'notes.md'), 'We once had createInvoicesRecord and InvoicesEvent.');
    expect((await newBundle({ content: tmp, slug: 'invoices' })).code).toBe(0);
    const openapi = await readFile(path.join(tmp, 'invoices', 'openapi.yaml'), 'utf8');
    expect(openapi).toContain('operationId: createInvoicesINVRecord');
    expect(await readFile(path.join(tmp, 'invoices', 'context.mmd'), 'utf8')).toContain('System(invoices_inv_service,');
  });

  it('refuses to overwrite an existing folder', async () => {
    await mkdir(path.join(tmp, 'payments', 'checkout'), { recursive: true });
    await writeFile(path.join(tmp, 'payments', 'checkout', 'notes.txt'), 'keep me');
    const result = await newBundle({ content: tmp, slug: 'checkout', area: 'payments' });
    expect(result).toEqual({ code: 1, message: 'Refused: payments/checkout already exists; a new bundle never overwrites one.', files: [] });
    expect(await readdir(path.join(tmp, 'payments', 'checkout'))).toEqual(['notes.txt']);
  });

  it('refuses a slug that another bundle already uses', async () => {
    await cp(VALID, tmp, { recursive: true });
    const result = await newBundle({ content: tmp, slug: 'orders', area: 'elsewhere' });
    expect(result.code).toBe(1);
    expect(result.message).toBe('Refused: the slug "orders" is already used by shop/orders; slugs are unique across the portal. Choose another slug.');
    await expect(stat(path.join(tmp, 'elsewhere'))).rejects.toThrow();
  });

  it('refuses a feature key that is already used', async () => {
    await cp(VALID, tmp, { recursive: true });
    const result = await newBundle({ content: tmp, slug: 'returns', key: 'ORD' });
    expect(result.code).toBe(1);
    expect(result.message).toContain('the key "ORD" is already used');
  });

  it.each([
    ['Order-Tracking', 'Rename the folder to "order-tracking"'],
    ['order tracking', 'Rename the folder to "order-tracking"'],
    ['../escape', 'Rename the folder to "escape"'],
    ['-lead', 'Rename the folder to "lead"'],
  ])('refuses the invalid slug %j with the rule', async (slug, hint) => {
    const result = await newBundle({ content: tmp, slug });
    expect(result.code).toBe(2);
    expect(result.message).toContain(`Invalid slug "${slug}"`);
    expect(result.message).toContain(hint);
    expect(result.message).toContain('lowercase letters, digits and dashes');
    expect(await readdir(tmp)).toEqual([]);
  });

  it('refuses an area or a key that would not work', async () => {
    expect((await newBundle({ content: tmp, slug: 'ok', area: '../outside' })).code).toBe(2);
    expect((await newBundle({ content: tmp, slug: 'ok', area: '/abs' })).code).toBe(0);
    expect(await readdir(path.join(tmp, 'abs'))).toEqual(['ok']);
    const key = await newBundle({ content: tmp, slug: 'other', key: 'ot' });
    expect(key.code).toBe(2);
    expect(key.message).toContain('2 to 10 uppercase letters or digits');
  });
});

describe('deriveKey', () => {
  it.each([
    ['order-tracking', 'OT'],
    ['billing', 'BIL'],
    ['sign-in-with-passkey', 'SIWP'],
    ['a', 'AX'],
    ['2fa-setup', 'F2S'],
    ['a-b-c-d-e-f-g-h-i-j-k-l', 'ABCDEFGHIJ'],
  ])('derives a key from %j: %s', (slug, key) => {
    expect(deriveKey(slug)).toBe(key);
  });

  it('falls back to longer keys, then numbers, when a key is taken', () => {
    expect(deriveKey('order-tracking', (k) => k === 'OT')).toBe('ORDTRA');
    expect(deriveKey('order-tracking', (k) => k === 'OT' || k === 'ORDTRA')).toBe('OT2');
  });

  it('always matches the feature key pattern', () => {
    for (const slug of ['x', '9', 'abc-123', '1-2-3', 'very-long-feature-name-with-many-words']) {
      expect(deriveKey(slug)).toMatch(/^[A-Z][A-Z0-9]{1,9}$/);
    }
  });
});
