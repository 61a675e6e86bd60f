/**
 * The editor JSON Schemas: generated from the zod schemas, committed under `schemas/`, and strict
 * enough that every sample bundle validates while a broken file is rejected.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import matter from 'gray-matter';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchemas, SCHEMA_NAMES, schemaPath, type SchemaName } from '../../src/core/json-schemas.ts';

const ROOT = path.join(import.meta.dirname, '../..');
const CONTENT = path.join(ROOT, 'content');
const FILES: Record<string, SchemaName> = { 'nfr.yaml': 'nfr', 'threats.yaml': 'threats', 'edge-cases.yaml': 'edge-cases' };

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const schemas = jsonSchemas();
const validators = Object.fromEntries(SCHEMA_NAMES.map((name) => [name, ajv.compile(schemas[name])]));

/** `{ valid, errors }` of one document against one schema, errors as `path message` strings. */
function validate(name: SchemaName, data: unknown) {
  const check = validators[name]!;
  const valid = check(data);
  return { valid, errors: (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

describe('jsonSchemas', () => {
  it('has one draft 2020-12 schema per editable file, each with an $id, a title and a description', () => {
    expect(Object.keys(schemas).sort()).toEqual(['config', 'edge-cases', 'feature', 'nfr', 'sequence', 'threats']);
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`/schemas/${name}.schema.json`);
      expect(schema.title).toEqual(expect.any(String));
      expect(schema.description).toEqual(expect.any(String));
    }
  });

  it('matches the committed files in schemas/ (run `node scripts/write-schemas.ts` when this fails)', async () => {
    for (const name of SCHEMA_NAMES) {
      const committed = await readFile(path.join(ROOT, schemaPath(name)), 'utf8').catch(() => '(missing)');
      expect(committed, `${schemaPath(name)} is stale`).toBe(`${JSON.stringify(schemas[name], null, 2)}\n`);
    }
  });

  it('gives typed references a pattern and lists enum values', () => {
    const threat = (schemas.threats as any).properties.threats.items.properties;
    expect(threat.target.anyOf[0].pattern).toBe('^(op|entity|component|sequence):[^\\s:\\]\\[]+$');
    expect(threat.likelihood.enum).toEqual(['low', 'medium', 'high']);
    expect(threat.status.enum).toEqual(['open', 'mitigated', 'accepted', 'transferred', 'not-applicable']);
    const feature = (schemas.feature as any).properties;
    expect(feature.depends_on.anyOf[0].items.pattern).toBe('^(feature):[^\\s:\\]\\[]+$');
    expect(feature.status.enum).toEqual(['draft', 'ready', 'in-sprint', 'shipped', 'deprecated']);
    const nfr = (schemas.nfr as any).properties.nfrs.items.properties;
    expect(nfr.category.examples).toContain('latency');
    expect(nfr.priority.enum).toEqual(['must', 'should', 'could']);
  });
});

describe('the sample content', async () => {
  const all = await files(CONTENT);

  it.each(all.filter((f) => path.basename(f) in FILES).map((f) => path.relative(CONTENT, f)))('%s validates', async (file) => {
    const data = parse(await readFile(path.join(CONTENT, file), 'utf8'));
    expect(validate(FILES[path.basename(file)]!, data).errors).toEqual([]);
  });

  it.each(all.filter((f) => path.basename(f) === 'feature.md').map((f) => path.relative(CONTENT, f)))('%s frontmatter validates', async (file) => {
    const { data } = matter(await readFile(path.join(CONTENT, file), 'utf8'));
    expect(validate('feature', data).errors).toEqual([]);
  });

  it.each(all.filter((f) => f.includes(`${path.sep}sequences${path.sep}`) && f.endsWith('.mmd')).map((f) => path.relative(CONTENT, f)))('%s front matter validates', async (file) => {
    const { data } = matter(await readFile(path.join(CONTENT, file), 'utf8'));
    expect(validate('sequence', data).errors).toEqual([]);
  });
});

describe('a broken file', () => {
  const nfr = () => ({
    nfrs: [{ id: 'X-NFR-01', category: 'latency', statement: 'Fast.', target: { metric: 'p95', comparator: '<=', value: 300, unit: 'ms' }, verification: 'Load test.', priority: 'must' }],
  });

  it('passes before it is broken', () => {
    expect(validate('nfr', nfr()).valid).toBe(true);
  });

  it('is rejected for a value outside an enum', () => {
    const data = nfr();
    (data.nfrs[0] as Record<string, unknown>).priority = 'urgent';
    expect(validate('nfr', data).errors).toContain('/nfrs/0/priority must be equal to one of the allowed values');
  });

  it('is rejected for a missing required field', () => {
    const data = nfr();
    delete (data.nfrs[0] as Record<string, unknown>).statement;
    expect(validate('nfr', data).errors).toContain("/nfrs/0 must have required property 'statement'");
  });

  it('is rejected for an unknown field', () => {
    const data = nfr();
    (data.nfrs[0] as Record<string, unknown>).owner = 'team-x';
    expect(validate('nfr', data).errors).toContain('/nfrs/0 must NOT have additional properties');
  });

  it('is rejected for a malformed typed reference', () => {
    const threats = { threats: [{ id: 'X-T-01', title: 'T', stride: ['spoofing'], target: 'nfr:X-NFR-01', description: 'D', likelihood: 'low', impact: 'low', status: 'open', mitigations: ['x'] }] };
    expect(validate('threats', threats).valid).toBe(false);
    threats.threats[0]!.target = 'op:createX';
    expect(validate('threats', threats).errors).toEqual([]);
  });

  it('is rejected for a bad feature key and status in feature.md', () => {
    expect(validate('feature', { title: 'T', id: 'chk', status: 'done', owner: 'me' }).errors).toEqual([
      '/id must match pattern "^[A-Z][A-Z0-9]{1,9}$"',
      '/status must be equal to one of the allowed values',
    ]);
  });
});
