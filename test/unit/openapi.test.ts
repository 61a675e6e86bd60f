import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { openapiRules, parseContract, publicName } from '../../src/core/openapi.ts';
import { generateLargeOpenApi } from '../helpers/large-openapi.ts';

/** Every path the code under test reads, to prove that nothing outside a bundle is opened. */
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (async (file: unknown, ...rest: unknown[]) => {
    reads.push(String(file));
    return (original.readFile as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
  }) as typeof original.readFile;
  return { ...original, default: { ...original, readFile }, readFile };
});
vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((file: unknown, ...rest: unknown[]) => {
    reads.push(String(file));
    return (original.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof original.readFileSync;
  return { ...original, default: { ...original, readFileSync }, readFileSync };
});

const FIXTURES = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));
const temps: string[] = [];

async function parseFixture(kase: string, name = 'openapi.yaml', root = FIXTURES) {
  const bundleDir = path.join(root, kase);
  return parseContract(path.join(bundleDir, name), { bundleDir, file: `${kase}/${name}` });
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'specport-openapi-'));
  temps.push(dir);
  return dir;
}

/** The diagnostics as `rule file:line`, the form a reader checks them in. */
const where = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => `${d.rule} ${d.file}:${d.line}`);

const expectHints = (diagnostics: readonly Diagnostic[]) => {
  for (const d of diagnostics) expect(d.hint.trim(), `hint of ${d.rule}`).not.toBe('');
};

/** Fails if any file outside `dir` was read since the test started. */
const expectReadsInside = (dir: string) => {
  const outside = reads.filter((file) => path.relative(dir, file).startsWith('..') || path.isAbsolute(path.relative(dir, file)));
  expect(outside).toEqual([]);
};

let fetchSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  reads.length = 0;
  fetchSpy = vi.spyOn(globalThis, 'fetch');
});
afterEach(() => {
  expect(fetchSpy).not.toHaveBeenCalled();
  fetchSpy.mockRestore();
});
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('parseContract', () => {
  it('bundles a YAML contract with the files it references inside the bundle', async () => {
    const result = await parseFixture('valid-yaml');

    expect(result.diagnostics).toEqual([]);
    expect(result.files).toEqual(['schemas/order.yaml', 'paths/order.yaml']);
    // The read log the policy tests rely on does see the files that are read.
    expect(reads.map((file) => path.basename(file))).toEqual(['openapi.yaml', 'order.yaml', 'order.yaml']);
    expectReadsInside(path.join(FIXTURES, 'valid-yaml'));
    const document = result.document!;
    const paths = document['paths'] as Record<string, any>;
    expect(paths['/orders'].post.requestBody.content['application/json'].schema.$ref).toBe('#/x-ext/schemas-order.yaml/Order');
    expect(paths['/orders/{orderId}'].$ref).toBe('#/x-ext/paths-order.yaml');
    // Internal references stay internal; those inside a bundled file follow it into x-ext.
    expect(paths['/orders'].post.responses['4XX'].$ref).toBe('#/components/responses/Problem');
    const external = document['x-ext'] as Record<string, any>;
    expect(external['schemas-order.yaml'].Order.properties.lines.items.$ref).toBe('#/x-ext/schemas-order.yaml/LineItem');
    expect(external['paths-order.yaml'].get.responses['404'].$ref).toBe('#/components/responses/Problem');
    expect(JSON.stringify(document)).not.toContain('order.yaml#');
  });

  it('summarises each operation with its ID, responses, security and line', async () => {
    const { contract } = await parseFixture('valid-yaml');

    expect(contract).toMatchObject({
      file: 'valid-yaml/openapi.yaml',
      name: 'openapi.yaml',
      publicName: 'openapi',
      title: 'Orders API',
      version: '1.2.0',
      openapi: '3.0.3',
    });
    expect(contract?.upgradedFrom).toBeUndefined();
    expect(contract?.operations).toEqual([
      { operationId: 'listOrders', derivedId: false, method: 'GET', path: '/orders', summary: 'List orders', description: '', tags: ['orders'], deprecated: false, responses: ['200'], hasErrorResponse: false, secured: false, declaredPublic: true, line: 9 },
      { operationId: 'createOrder', derivedId: false, method: 'POST', path: '/orders', summary: 'Create an order', description: '', tags: [], deprecated: false, responses: ['201', '4XX'], hasErrorResponse: true, secured: true, declaredPublic: false, line: 23 },
      // Written in paths/order.yaml: listed at the contract's `$ref` that pulls it in.
      { operationId: 'getOrder', derivedId: false, method: 'GET', path: '/orders/{orderId}', summary: 'Get an order', description: '', tags: [], deprecated: true, responses: ['200', '404'], hasErrorResponse: true, secured: true, declaredPublic: false, line: 37 },
    ]);
  });

  it('reads a 3.1 JSON contract and finds the line of each operation', async () => {
    const { contract, document, diagnostics } = await parseFixture('valid-json', 'openapi.json');

    expect(diagnostics).toEqual([]);
    expect(document?.['openapi']).toBe('3.1.0');
    expect(contract?.operations.map((o) => [o.operationId, o.line, o.secured, o.hasErrorResponse])).toEqual([
      ['createPayment', 7, true, true],
      // `security: [{}, {apiKey: []}]` allows anonymous calls.
      ['getPayment', 22, false, false],
    ]);
  });

  it('upgrades a Swagger 2.0 contract to OpenAPI 3.1 and records the original version', async () => {
    const { contract, document, diagnostics } = await parseFixture('swagger-20');

    expect(diagnostics).toEqual([]);
    expect(contract?.upgradedFrom).toBe('2.0');
    expect(contract?.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document!)[0]).toBe('openapi');
    expect(document).not.toHaveProperty('swagger');
    expect(document).not.toHaveProperty('definitions');
    const items = (document as any).paths['/items'].get.responses['200'].content['application/json'].schema.items;
    expect(items.$ref).toBe('#/components/schemas/Item');
    expect((document as any).components.schemas.Item.properties.name.type).toBe('string');
    expect(contract?.operations).toMatchObject([{ operationId: 'listItems', responses: ['200', '500'], hasErrorResponse: true, secured: true, line: 14 }]);
  });

  it('keeps circular schemas as references and returns quickly', async () => {
    const started = performance.now();
    const { contract, document, diagnostics } = await parseFixture('circular');

    expect(performance.now() - started).toBeLessThan(2000);
    expect(diagnostics).toEqual([]);
    expect(contract?.operations.map((o) => o.operationId)).toEqual(['listNodes', 'getForest']);
    const json = JSON.stringify(document);
    expect(json).toContain('"#/x-ext/schemas-tree.yaml/Tree"');
    expect(json).toContain('"#/components/schemas/Node"');
  });

  it('reports a missing responses object at the key of the operation', async () => {
    const { diagnostics, contract } = await parseFixture('missing-responses');

    expect(where(diagnostics)).toEqual(['openapi/invalid missing-responses/openapi.yaml:7']);
    expect(diagnostics[0]?.message).toBe('paths["/orders"].get is missing the required field "responses".');
    expect(diagnostics[0]?.hint).toContain('responses:');
    expect(contract?.operations[0]?.responses).toEqual([]);
  });

  it('reports a duplicate operationId at the second operation that uses it', async () => {
    const { diagnostics } = await parseFixture('duplicate-ids');

    expect(where(diagnostics)).toEqual(['openapi/duplicate-operation-id duplicate-ids/openapi.yaml:14']);
    expect(diagnostics[0]?.message).toContain('GET /orders (line 8)');
    expectHints(diagnostics);
  });

  it('refuses an unknown OpenAPI version and lists the supported ones in the hint', async () => {
    const result = await parseFixture('unknown-version');

    expect(where(result.diagnostics)).toEqual(['openapi/version unknown-version/openapi.yaml:1']);
    expect(result.diagnostics[0]?.message).toContain('"4.0.0"');
    expect(result.diagnostics[0]?.hint).toMatch(/3\.0.*3\.1.*3\.2.*2\.0/);
    expect(result.contract).toBeUndefined();
    expect(result.document).toBeUndefined();
  });

  it('derives an operationId from the method and path when one is missing, with a warning', async () => {
    const { contract, diagnostics } = await parseFixture('missing-operation-id');

    expect(where(diagnostics)).toEqual(['openapi/missing-operation-id missing-operation-id/openapi.yaml:13']);
    expect(diagnostics[0]?.severity).toBe('warning');
    expect(diagnostics[0]?.hint).toContain('operationId: getOrdersOrderId');
    expect(contract?.operations[0]).toMatchObject({ operationId: 'get-orders-orderId', derivedId: true, line: 13 });
  });

  it('reports references to a missing file and to a missing location at their lines', async () => {
    const { diagnostics } = await parseFixture('ref-unresolved');

    expect(where(diagnostics)).toEqual([
      'openapi/ref-unresolved ref-unresolved/openapi.yaml:15',
      'openapi/ref-unresolved ref-unresolved/openapi.yaml:17',
    ]);
    expect(diagnostics[0]?.message).toContain('schemas/missing.yaml');
    expect(diagnostics[1]?.hint).toContain('Problem');
    expectHints(diagnostics);
  });

  it('refuses a reference to an absolute path without reading the file', async () => {
    const { diagnostics, document } = await parseFixture('ref-absolute');

    expect(where(diagnostics)).toEqual(['openapi/ref-outside ref-absolute/openapi.yaml:15']);
    expectHints(diagnostics);
    expect(reads).not.toContain('/etc/passwd');
    expectReadsInside(path.join(FIXTURES, 'ref-absolute'));
    expect(JSON.stringify(document)).not.toContain('root:');
  });

  it('refuses references that climb out of the bundle through ../ without reading the file', async () => {
    const { diagnostics, document } = await parseFixture('ref-parent/bundle');

    // The second one hides its `..` behind percent-encoding.
    expect(where(diagnostics)).toEqual([
      'openapi/ref-outside ref-parent/bundle/openapi.yaml:15',
      'openapi/ref-outside ref-parent/bundle/openapi.yaml:17',
    ]);
    expectHints(diagnostics);
    expectReadsInside(path.join(FIXTURES, 'ref-parent/bundle'));
    expect(JSON.stringify(document)).not.toContain('TOP-SECRET');
  });

  it('refuses file:, https:, http: and network references without reading or fetching, and neutralises them', async () => {
    const { diagnostics, document } = await parseFixture('ref-urls');

    expect(where(diagnostics)).toEqual([
      'openapi/ref-outside ref-urls/openapi.yaml:15',
      'openapi/ref-outside ref-urls/openapi.yaml:17',
      'openapi/ref-outside ref-urls/openapi.yaml:19',
      'openapi/ref-outside ref-urls/openapi.yaml:21',
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('"file:" URL'),
      expect.stringContaining('"https:" URL'),
      expect.stringContaining('"http:" URL'),
      expect.stringContaining('network URL'),
    ]);
    expectHints(diagnostics);
    expectReadsInside(path.join(FIXTURES, 'ref-urls'));
    // The published document keeps what was written, but as data no renderer follows.
    const json = JSON.stringify(document);
    expect(json).not.toMatch(/"\$ref":"(file:|https?:|\/\/)/);
    expect(json).toContain('"x-unresolved-ref":"https://schemas.example.com/errors.yaml#/ServerError"');
  });

  it('applies the same policy to references written in bundled files, and reports them there', async () => {
    const root = await tempDir();
    const bundle = path.join(root, 'nested');
    await mkdir(path.join(bundle, 'schemas'), { recursive: true });
    await writeFile(path.join(root, 'secret.yaml'), 'Secret:\n  description: TOP-SECRET-NESTED\n');
    await cp(path.join(FIXTURES, 'symlink-escape', 'openapi.yaml'), path.join(bundle, 'openapi.yaml'));
    await writeFile(path.join(bundle, 'schemas', 'linked.yaml'), 'Secret:\n  type: object\n  properties:\n    leak:\n      $ref: ../../secret.yaml#/Secret\n');

    const { diagnostics, document, files } = await parseFixture('nested', 'openapi.yaml', root);

    expect(where(diagnostics)).toEqual(['openapi/ref-outside nested/schemas/linked.yaml:5']);
    expect(files).toEqual(['schemas/linked.yaml']);
    expectReadsInside(bundle);
    expect(JSON.stringify(document)).not.toContain('TOP-SECRET');
  });

  it('refuses a symlink inside the bundle that points outside it, without reading its target', async () => {
    const root = await tempDir();
    const bundle = path.join(root, 'symlink-escape');
    await cp(path.join(FIXTURES, 'symlink-escape'), bundle, { recursive: true });
    await writeFile(path.join(root, 'secret.yaml'), 'Secret:\n  description: TOP-SECRET-LINKED-FILE\n');
    await mkdir(path.join(bundle, 'schemas'));
    await symlink(path.join(root, 'secret.yaml'), path.join(bundle, 'schemas', 'linked.yaml'));

    const { diagnostics, document } = await parseFixture('symlink-escape', 'openapi.yaml', root);

    expect(where(diagnostics)).toEqual(['openapi/ref-outside symlink-escape/openapi.yaml:15']);
    expect(diagnostics[0]?.message).toContain('link to a file outside the bundle');
    expectHints(diagnostics);
    expect(reads).not.toContain(path.join(root, 'secret.yaml'));
    expect(reads.every((file) => !file.endsWith('secret.yaml') && !file.endsWith('linked.yaml'))).toBe(true);
    expect(JSON.stringify(document)).not.toContain('TOP-SECRET');
  });

  it('follows a symlink that stays inside the bundle', async () => {
    const root = await tempDir();
    const bundle = path.join(root, 'symlink-inside');
    await cp(path.join(FIXTURES, 'symlink-escape'), bundle, { recursive: true });
    await mkdir(path.join(bundle, 'schemas'));
    await writeFile(path.join(bundle, 'schemas', 'real.yaml'), 'Secret:\n  type: object\n  description: Linked inside the bundle.\n');
    await symlink(path.join(bundle, 'schemas', 'real.yaml'), path.join(bundle, 'schemas', 'linked.yaml'));

    const { diagnostics, document, files } = await parseFixture('symlink-inside', 'openapi.yaml', root);

    expect(diagnostics).toEqual([]);
    expect(files).toEqual(['schemas/real.yaml']);
    expect(JSON.stringify(document)).toContain('Linked inside the bundle.');
  });

  it('reports broken YAML with the YAML diagnostics and no contract', async () => {
    const result = await parseFixture('broken-yaml');

    expect(where(result.diagnostics)).toEqual(['yaml/syntax broken-yaml/openapi.yaml:6']);
    expectHints(result.diagnostics);
    expect(result.contract).toBeUndefined();
  });

  it('reports broken JSON at the line of the problem', async () => {
    const result = await parseFixture('broken-json', 'openapi.json');

    expect(where(result.diagnostics)).toEqual(['openapi/syntax broken-json/openapi.json:4']);
    expect(result.diagnostics[0]?.message).toBe('Invalid JSON: comma expected.');
    expectHints(result.diagnostics);
  });

  it('points validation errors at the file and line they are written in, bundled files included', async () => {
    const { diagnostics } = await parseFixture('invalid-external');

    expect(where(diagnostics)).toEqual([
      'openapi/invalid invalid-external/openapi.yaml:9',
      'openapi/invalid invalid-external/schemas/order.yaml:4',
      'openapi/invalid invalid-external/schemas/order.yaml:7',
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      '"sumary" is not allowed in paths["/orders"].get.',
      'properties.id.type must be one of: array, boolean, integer, number, object, string.',
      'properties.total.minimum must be a number.',
    ]);
    expectHints(diagnostics);
  });

  it('reports a YAML alias that contains itself instead of hanging', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'alias-cycle'));
    await writeFile(path.join(root, 'alias-cycle', 'openapi.yaml'),
      'openapi: 3.0.3\ninfo: {title: Loop, version: 1.0.0}\npaths: {}\ncomponents:\n  schemas:\n    Loop: &loop\n      type: object\n      properties:\n        again: *loop\n');

    const result = await parseFixture('alias-cycle', 'openapi.yaml', root);

    expect(where(result.diagnostics)).toEqual(['openapi/syntax alias-cycle/openapi.yaml:9']);
    expect(result.document).toBeUndefined();
  });

  it('reports a file that holds something other than a mapping as having no version', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'list'));
    await writeFile(path.join(root, 'list', 'openapi.yaml'), '- openapi: 3.0.3\n');

    const result = await parseFixture('list', 'openapi.yaml', root);

    expect(where(result.diagnostics)).toEqual(['openapi/version list/openapi.yaml:1']);
    expectHints(result.diagnostics);
  });

  it('asks for a quoted version when YAML reads it as a number', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'number'));
    await writeFile(path.join(root, 'number', 'openapi.yaml'), 'info: {title: T, version: 1.0.0}\nswagger: 2.0\npaths: {}\n');

    const result = await parseFixture('number', 'openapi.yaml', root);

    expect(where(result.diagnostics)).toEqual(['openapi/version number/openapi.yaml:2']);
    expect(result.diagnostics[0]?.hint).toContain('swagger: "2.0"');
  });

  it('summarises a generated contract of 50 operations without a problem', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'large'));
    const generated = generateLargeOpenApi({ operations: 50, targetBytes: 300_000 });
    await writeFile(path.join(root, 'large', 'openapi.json'), JSON.stringify(generated, null, 2));

    const { contract, document, diagnostics } = await parseFixture('large', 'openapi.json', root);

    expect(diagnostics).toEqual([]);
    expect(contract?.operations).toHaveLength(54); // rounded up to whole resources of six
    expect(new Set(contract?.operations.map((o) => o.operationId)).size).toBe(54);
    expect(contract?.operations.every((o) => o.line > 1 && o.hasErrorResponse)).toBe(true);
    expect(contract?.operations.filter((o) => !o.secured).map((o) => o.operationId)).toEqual(['repos/list']);
    expect(document).toEqual(generated);
  });

  it('uses the contract path inside the bundle for its name and public name', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'checkout', 'api'), { recursive: true });
    await cp(path.join(FIXTURES, 'valid-json', 'openapi.json'), path.join(root, 'checkout', 'api', 'payments.json'));

    const bundleDir = path.join(root, 'checkout');
    const { contract } = await parseContract(path.join(bundleDir, 'api', 'payments.json'), { bundleDir, file: 'shop/checkout/api/payments.json' });

    expect(contract).toMatchObject({ file: 'shop/checkout/api/payments.json', name: 'api/payments.json', publicName: 'api-payments' });
  });
});

describe('publicName', () => {
  it('turns a path inside the bundle into a URL-safe name', () => {
    expect(publicName('openapi.yaml')).toBe('openapi');
    expect(publicName('api/payments.yaml')).toBe('api-payments');
    expect(publicName('api/Billing Events.v2.json')).toBe('api-billing-events-v2');
  });
});

describe('openapiRules', () => {
  it('describes every rule the contract checks report', () => {
    expect(Object.keys(openapiRules).sort()).toEqual([
      'openapi/duplicate-operation-id',
      'openapi/invalid',
      'openapi/missing-operation-id',
      'openapi/ref-outside',
      'openapi/ref-unresolved',
      'openapi/syntax',
      'openapi/version',
    ]);
    for (const rule of Object.values(openapiRules)) expect(rule.description.length).toBeGreaterThan(20);
  });
});
