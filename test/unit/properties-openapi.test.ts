/**
 * Property-based tests of OpenAPI contracts: `parseContract` on documents shaped like OpenAPI
 * (random paths, methods, operation IDs, parameters, schemas) whose `$ref`s point everywhere a
 * reference can: inside the document, at files of the bundle (which reference each other and
 * back), in circles, outside the bundle by `../`, absolute paths, `file:` and `http:` URLs, a
 * symlink, percent-encoded escapes. Whatever the document, parseContract returns diagnostics that
 * meet the diagnostic contract (and a contract when it can), never throws, never fetches, never
 * reads a file outside the bundle, and never lets the content of one into its result.
 */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseContract } from '../../src/core/openapi.ts';
import { parseSource } from '../../src/core/openapi-source.ts';
import { anyText, applyEdits, applyMutations, edits, expectWellFormed, jsonLike, lineCount, mutations, runs, toYamlText } from '../helpers/properties.ts';

/** Every path the code under test reads, to prove that nothing outside the bundle is opened. */
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (async (file: unknown, ...rest: unknown[]) => {
    reads.push(String(file));
    return (original.readFile as (...args: unknown[]) => Promise<unknown>)(file, ...rest);
  }) as typeof original.readFile;
  return { ...original, default: { ...original, readFile }, readFile };
});

const TIMEOUT = 120_000;
/** Written next to the bundle; no result may ever contain it. */
const SECRET = 'SECRET-7f3a9c-DO-NOT-LEAK';

let root: string;
let bundle: string;

beforeAll(async () => {
  root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'specport-properties-openapi-')));
  bundle = path.join(root, 'checkout');
  await mkdir(path.join(bundle, 'schemas'), { recursive: true });
  await mkdir(path.join(bundle, 'api'), { recursive: true });
  await mkdir(path.join(bundle, 'dir'), { recursive: true });
  await writeFile(path.join(root, 'SECRET.yaml'), `Secret:\n  type: string\n  description: ${SECRET}\n`);
  await writeFile(path.join(root, 'secret.txt'), SECRET);
  // Files of the bundle that reference each other, the contract, and the outside.
  await writeFile(path.join(bundle, 'schemas/a.yaml'), `A:\n  type: object\n  properties:\n    b: { $ref: './b.yaml#/B' }\n    up: { $ref: '../../SECRET.yaml#/Secret' }\n    order: { $ref: '../openapi.yaml#/components/schemas/Order' }\n`);
  await writeFile(path.join(bundle, 'schemas/b.yaml'), `B:\n  type: object\n  properties:\n    a: { $ref: 'a.yaml#/A' }\n    self: { $ref: '#/B' }\n    missing: { $ref: '#/Nope' }\n`);
  await writeFile(path.join(bundle, 'schemas/item.json'), JSON.stringify({ get: { operationId: 'listItems', responses: { '200': { description: 'OK' } } } }));
  await writeFile(path.join(bundle, 'broken.yaml'), 'a: [1, 2\n');
  await writeFile(path.join(bundle, 'empty.yaml'), '');
  await writeFile(path.join(bundle, 'bomb.yaml'), ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n'));
  await writeFile(path.join(bundle, 'cycle.yaml'), 'a: &x\n  b: *x\n');
  await symlink('../SECRET.yaml', path.join(bundle, 'link.yaml'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let fetchSpy: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  fetchSpy = vi.spyOn(globalThis, 'fetch');
});
afterEach(() => {
  expect(fetchSpy).not.toHaveBeenCalled();
  fetchSpy.mockRestore();
});

/** Every kind of reference target, good and bad. */
const REFS = [
  '#/components/schemas/Order', '#/components/schemas/Missing', '#/components/schemas/Loop1', '#/components/schemas/Order/properties/id',
  '#/paths', '#', '#/', '#foo', '#/%zz', '#/x-ext/schemas-a.yaml/A', '',
  './schemas/a.yaml#/A', 'schemas/b.yaml#/B', 'schemas/a.yaml', './schemas/a.yaml#/Nope', 'schemas/a.yaml#/A/properties/b', 'schemas/item.json',
  'schemas/item.json#/get', 'openapi.yaml#/components/schemas/Order', 'broken.yaml', 'empty.yaml', 'bomb.yaml#/a', 'cycle.yaml#/a', 'dir', 'dir/',
  'missing.yaml', '../SECRET.yaml#/Secret', '../../SECRET.yaml', 'schemas/../../SECRET.yaml#/Secret', '../secret.txt', '/etc/passwd',
  `${'../'.repeat(12)}etc/passwd`, 'file:///etc/passwd', 'http://example.com/x.yaml', 'https://example.com/x.json#/A', '//example.com/x.yaml',
  'C:\\secret.yaml', '\\\\host\\share\\x.yaml', '%2e%2e/SECRET.yaml', '..%2FSECRET.yaml', '%2e%2e%2fsecret.txt', 'link.yaml#/Secret', 'schemas\\a.yaml',
  'schemas/a.yaml%00', '%', 'urn:x:y', 'data:application/json,{}',
];
const ref = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...REFS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const word = fc.oneof(fc.constantFrom('Order', 'id', 'createOrder', 'getOrder', 'orders', '', ' ', 'x-internal'), fc.string({ maxLength: 8 }));

const { schema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constantFrom({ type: 'string' }, { type: 'integer', format: 'int64' }, { type: 'nonsense' }, {}),
    ref.map(($ref) => ({ $ref })),
    fc.tuple(ref, word).map(([$ref, description]) => ({ $ref, description })),
    fc.dictionary(word, tie('schema'), { maxKeys: 3, noNullPrototype: true }).map((properties) => ({ type: 'object', properties, required: Object.keys(properties).slice(0, 1) })),
    tie('schema').map((items) => ({ type: 'array', items })),
    fc.array(tie('schema'), { maxLength: 2 }).map((allOf) => ({ allOf })),
    jsonLike(1),
  ),
}));

const response = fc.oneof(
  fc.record({ description: word, content: fc.record({ 'application/json': fc.record({ schema }) }) }, { requiredKeys: [] }),
  ref.map(($ref) => ({ $ref })),
);
const parameter = fc.oneof(
  fc.record({ name: word, in: fc.constantFrom('path', 'query', 'header', 'cookie', 'body', 'nowhere'), required: fc.boolean(), schema }, { requiredKeys: [] }),
  ref.map(($ref) => ({ $ref })),
);
const operation = fc.record(
  {
    operationId: fc.oneof(fc.constantFrom('createOrder', 'getOrder', 'listItems', '', '  ', 'get-orders'), fc.string({ maxLength: 8 }), fc.integer()),
    summary: word,
    tags: fc.array(word, { maxLength: 2 }),
    parameters: fc.array(parameter, { maxLength: 2 }),
    requestBody: fc.oneof(fc.record({ content: fc.record({ 'application/json': fc.record({ schema }) }) }), ref.map(($ref) => ({ $ref }))),
    responses: fc.dictionary(fc.constantFrom('200', '201', '4XX', '404', 'default', 'x-note', '999', 'abc'), response, { maxKeys: 3, noNullPrototype: true }),
    security: fc.constantFrom([], [{}], [{ api: [] }], 'none'),
    deprecated: fc.boolean(),
  },
  { requiredKeys: [] },
);
const METHOD = fc.constantFrom('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'query', 'GET', 'parameters', 'summary', '$ref');
const pathItem = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(METHOD, operation, { maxKeys: 3, noNullPrototype: true }) },
  { weight: 1, arbitrary: ref.map(($ref) => ({ $ref })) },
  { weight: 1, arbitrary: jsonLike(1) },
);
const ROUTE = fc.oneof(fc.constantFrom('/orders', '/orders/{orderId}', '/', '/items/{id}/{id}', 'orders', '/x-y', 'x-ext', '/a%20b', '/{}'), fc.string({ maxLength: 8 }));

const document = fc.record(
  {
    openapi: fc.constantFrom('3.1.0', '3.0.3', '3.2.0', '3.1', '3.0', '4.0.0', '2.0', 3.1, '3.1.0-rc1'),
    swagger: fc.constantFrom('2.0', '1.2', 2),
    info: fc.record({ title: word, version: fc.oneof(word, fc.constant(1)), description: word }, { requiredKeys: [] }),
    paths: fc.dictionary(ROUTE, pathItem, { maxKeys: 4, noNullPrototype: true }),
    components: fc.record(
      {
        schemas: fc.tuple(schema, fc.dictionary(word, schema, { maxKeys: 2, noNullPrototype: true })).map(([order, more]) => ({
          Order: { type: 'object', properties: { id: { type: 'string' }, self: { $ref: '#/components/schemas/Order' } }, description: order },
          Loop1: { $ref: '#/components/schemas/Loop2' },
          Loop2: { $ref: '#/components/schemas/Loop1' },
          ...more,
        })),
        parameters: fc.dictionary(word, parameter, { maxKeys: 2, noNullPrototype: true }),
      },
      { requiredKeys: [] },
    ),
    definitions: fc.dictionary(word, schema, { maxKeys: 2, noNullPrototype: true }),
    security: fc.constantFrom([], [{}], [{ api: [] }]),
    'x-ext': fc.oneof(jsonLike(1), fc.constant({ 'schemas-a.yaml': { A: { type: 'string' } } })),
  },
  { requiredKeys: ['paths'] },
);

type Written = { name: string; text: string };

/** A contract file: JSON or YAML, sometimes damaged, sometimes edited past its shape. */
const contractFile: fc.Arbitrary<Written> = fc
  .tuple(document, edits(2), fc.constantFrom('openapi.yaml', 'openapi.json', 'api/payments.yml', 'api/x.json'), mutations(2), fc.nat(4))
  .chain(([doc, list, name, damage, how]) => {
    const value = applyEdits(doc, list);
    const json = name.endsWith('.json');
    const text = json ? fc.constantFrom(JSON.stringify(value, null, 2) ?? 'null', JSON.stringify(value) ?? 'null') : toYamlText(value);
    // One file in five is damaged as text too.
    return text.map((t) => ({ name, text: how === 0 ? applyMutations(t, damage) : t }));
  });

/** Every `$ref` string anywhere in a value. */
function refsIn(value: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (!Array.isArray(node) && typeof (node as Record<string, unknown>)['$ref'] === 'string') found.push((node as Record<string, string>)['$ref']!);
    for (const child of Object.values(node)) walk(child);
  };
  walk(value);
  return found;
}

async function check({ name, text }: Written): Promise<void> {
  const abs = path.join(bundle, name);
  await writeFile(abs, text);
  reads.length = 0;
  const file = `checkout/${name}`;
  const result = await parseContract(abs, { bundleDir: bundle, file });

  expectWellFormed(result.diagnostics, { file: /^checkout\/[^/]/ });
  for (const d of result.diagnostics.filter((d) => d.file === file)) expect(d.line, JSON.stringify(d)).toBeLessThanOrEqual(lineCount(text));
  // Nothing outside the bundle was read, and nothing of it came back.
  for (const read of reads) expect(path.relative(bundle, read).startsWith('..'), `read ${read}`).toBe(false);
  expect(JSON.stringify(result)).not.toContain(SECRET);
  for (const included of result.files) {
    expect(path.isAbsolute(included) || included.split('/').includes('..'), included).toBe(false);
  }
  if (!result.document) return;
  // The published document is self-contained: every reference left in it is internal.
  for (const left of refsIn(result.document)) expect(left.startsWith('#'), `$ref ${left} in the published document`).toBe(true);
  const ids = result.contract?.operations.map((o) => o.operationId) ?? [];
  for (const operation of result.contract?.operations ?? []) {
    expect(operation.operationId.trim()).not.toBe('');
    expect(operation.line).toBeGreaterThanOrEqual(1);
    // A derived ID never takes a name another operation has.
    if (operation.derivedId) expect(ids.filter((id) => id === operation.operationId)).toHaveLength(1);
  }
}

describe('parseContract', () => {
  it('checks any OpenAPI-shaped document without throwing, fetching or reading outside the bundle', async () => {
    await fc.assert(fc.asyncProperty(contractFile, check), {
      numRuns: runs(150),
      examples: [
        [{ name: 'openapi.yaml', text: 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    $ref: "../SECRET.yaml#/Secret"\ncomponents:\n  schemas:\n    L: {$ref: "link.yaml#/Secret"}\n' }],
        [{ name: 'openapi.json', text: '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"$ref": "schemas/item.json"}, "/b": {"$ref": "schemas/item.json"}}}' }],
        [{ name: 'openapi.yaml', text: 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\ndefinitions:\n  A: {$ref: "#/definitions/A"}\n' }],
        // The shrunk counterexample of the bug below.
        [{ name: 'openapi.yaml', text: 'openapi: 3.1.0\npaths:\n "":\n  get:\n   requestBody:\n    $ref: schemas/a.yaml\nx-ext:\n $ref: ""\n' }],
      ],
    });
  }, TIMEOUT);

  // Found by the property above: with a file of the bundle embedded under `x-ext`, a `$ref` written
  // on the contract's own `x-ext` object was reported but stayed in the published document, where
  // the API reference in the browser could follow it.
  it('takes a refused reference on the contract\'s own x-ext out of the published document', async () => {
    const abs = path.join(bundle, 'openapi.yaml');
    await writeFile(abs, 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\npaths: {}\ncomponents:\n  schemas:\n    B: {$ref: "schemas/b.yaml#/B"}\nx-ext:\n  $ref: "https://evil.example/x.json"\n');
    const result = await parseContract(abs, { bundleDir: bundle, file: 'checkout/openapi.yaml' });
    expect(result.diagnostics.map((d) => `${d.rule} ${d.line}`)).toContain('openapi/ref-outside 8');
    expect(result.document?.['x-ext']).toMatchObject({ 'x-unresolved-ref': 'https://evil.example/x.json' });
    expect(refsIn(result.document).filter((r) => !r.startsWith('#'))).toEqual([]);
  }, TIMEOUT);

  // Found by the deep-nesting properties (properties-scale.test.ts): a `$ref` into a file of the
  // bundle, written 30,000 levels deep, made the validation view overflow the stack, and
  // parseContract threw.
  it('reports a contract nested too deeply instead of overflowing the stack', async () => {
    const abs = path.join(bundle, 'openapi.json');
    for (const [depth, column] of [[300, 330], [30_000, 1]] as const) {
      await writeFile(abs, `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},"x-deep":${'['.repeat(depth)}{"$ref":"schemas/a.yaml#/A"}${']'.repeat(depth)}}`);
      const result = await parseContract(abs, { bundleDir: bundle, file: 'checkout/openapi.json' });
      expect(result.document).toBeUndefined();
      expect(result.diagnostics).toEqual([expect.objectContaining({ rule: 'openapi/syntax', line: 1, column, message: expect.stringContaining('nested more than 256 levels deep') })]);
    }
  }, TIMEOUT);

  it('reads any text as a contract without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText(), jsonLike(3).chain(toYamlText)), fc.constantFrom('openapi.yaml', 'openapi.json'), (text, name) => check({ name, text })),
      { numRuns: runs(100) },
    );
  }, TIMEOUT);
});

describe('parseSource', () => {
  it('returns a located value or diagnostics for any text', () => {
    fc.assert(
      fc.property(fc.oneof(anyText(), jsonLike(3).map((v) => JSON.stringify(v) ?? '')), fc.constantFrom('/b/openapi.json', '/b/openapi.yaml'), (text, abs) => {
        const { source, diagnostics } = parseSource(text, abs, 'openapi');
        expectWellFormed(diagnostics, { file: 'openapi', maxLine: lineCount(text) });
        if (!source) {
          expect(diagnostics.length).toBeGreaterThan(0);
          return;
        }
        for (const at of [[], ['paths'], ['paths', '/orders', 'get'], ['0'], [0]]) {
          for (const place of [source.locate(at), source.locateKey(at)]) {
            expect(place.line).toBeGreaterThanOrEqual(1);
            expect(place.line).toBeLessThanOrEqual(lineCount(text));
            expect(place.column).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: runs(300) },
    );
  }, TIMEOUT);
});
