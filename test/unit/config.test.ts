import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPortal } from '../../src/core/portal.ts';

const VALID = path.resolve(import.meta.dirname, '../fixtures/portal-valid');
let dir: string | undefined;

async function withConfig(name: string, text: string) {
  dir = await mkdtemp(path.join(tmpdir(), 'specport-config-'));
  await writeFile(path.join(dir, name), text);
  return loadPortal(VALID, { configDir: dir });
}

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('specport.config', () => {
  it('keeps every default severity when there is no config file', async () => {
    const portal = await loadPortal(VALID, { configDir: path.join(VALID, 'shop') });
    expect(portal.diagnostics.map((d) => `${d.severity} ${d.rule}`)).toEqual(['warning consistency/unmitigated-threat']);
  });

  it('turns a rule off', async () => {
    const portal = await withConfig('specport.config.yaml', 'rules:\n  consistency/unmitigated-threat: off\n');
    expect(portal.diagnostics).toEqual([]);
  });

  it('raises a warning to an error, so check and build fail on it', async () => {
    const portal = await withConfig('specport.config.json', '{ "rules": { "consistency/unmitigated-threat": "error" } }');
    expect(portal.diagnostics.map((d) => `${d.severity} ${d.rule}`)).toEqual(['error consistency/unmitigated-threat']);
  });

  it('reports an unknown rule at its line, naming the rules of its group', async () => {
    const portal = await withConfig('specport.config.yaml', 'rules:\n  consistency/unmitigated-threat: off\n  consistency/typo: error\n');
    expect(portal.diagnostics).toEqual([expect.objectContaining({ rule: 'config/unknown-rule', file: 'specport.config.yaml', line: 3, severity: 'error' })]);
    expect(portal.diagnostics[0]!.hint).toContain('consistency/unknown-call');
  });

  it('reports an invalid severity with the allowed values', async () => {
    const portal = await withConfig('specport.config.yaml', 'rules:\n  ids/prefix: loud\n');
    const problem = portal.diagnostics.find((d) => d.file === 'specport.config.yaml');
    expect(problem).toMatchObject({ rule: 'schema/invalid-value', line: 2, severity: 'error' });
    expect(problem!.hint).toBe('Use one of: off, warning, error.');
  });

  it('weighs the completeness rubric, keeping the score on a 0–10 scale', async () => {
    const plain = await loadPortal(VALID, { configDir: path.join(VALID, 'shop') });
    const weighted = await withConfig('specport.config.yaml', 'completeness:\n  weights:\n    threat-mitigations: 0\n    api-depth: 0\n    sequences: 0\n    sequence-errors: 0\n    nfrs: 0\n');
    const score = (portal: typeof plain) => portal.features.find((f) => f.slug === 'billing')!.completeness;
    expect(score(plain)).toMatchObject({ score: 5, max: 10 });
    expect(score(weighted)).toMatchObject({ score: 10, max: 10 });
  });

  it('rejects a weight for a rubric line that does not exist, and a site that is not a URL', async () => {
    const portal = await withConfig('specport.config.yaml', 'site: specs.example\ncompleteness:\n  weights:\n    threats: 2\n');
    const problems = portal.diagnostics.filter((d) => d.file === 'specport.config.yaml').map((d) => `${d.line} ${d.rule}`);
    expect(problems).toEqual(['1 schema/invalid-value', '4 schema/unknown-field']);
  });
});
