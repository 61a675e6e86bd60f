/**
 * Several content roots (one per team's repository, say) load as one portal: references cross
 * roots, IDs and slugs stay unique across them, and paths are relative to the roots' common
 * folder. Also the config's `content` list and `base` path.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { contentRoots, loadConfig, normaliseBase } from '../../src/core/config.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VALID = path.join(ROOT, 'test/fixtures/portal-valid');
const tempDir = tempDirs('roots');
const errors = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === 'error');

afterAll(closeMermaid);

/** `team-a/billing` and `team-b/shop/orders`: the valid portal split over two roots. */
async function twoRoots(): Promise<{ dir: string; a: string; b: string }> {
  const dir = await tempDir();
  const a = path.join(dir, 'team-a');
  const b = path.join(dir, 'vendor/team-b');
  await cp(path.join(VALID, 'billing'), path.join(a, 'billing'), { recursive: true });
  await cp(path.join(VALID, 'shop'), path.join(b, 'shop'), { recursive: true });
  return { dir, a, b };
}

describe('loadPortal over several content roots', () => {
  it('loads the bundles of every root, resolving references across them', async () => {
    const { dir, a, b } = await twoRoots();
    const portal = await loadPortal([a, b]);
    expect(errors(portal.diagnostics)).toEqual([]);
    // The fixture's deliberate warnings, now named from the common folder.
    expect(portal.diagnostics.map((d) => d.file)).toContain('team-a/billing/threats.yaml');
    expect(portal.root).toBe(dir);
    expect(portal.features.map((f) => [f.slug, f.dir])).toEqual([
      ['billing', 'team-a/billing'],
      ['orders', 'vendor/team-b/shop/orders'],
    ]);
    // billing's story links to the orders feature in the other root.
    const billing = portal.features.find((f) => f.slug === 'billing')!;
    expect(billing.storyHtml).toContain('href="/features/orders/"');
  });

  it('loads roots in unrelated trees (a temporary folder and the project), however far up they meet', async () => {
    const { a } = await twoRoots();
    const shop = path.join(VALID, 'shop');
    const portal = await loadPortal([a, shop]);
    for (const root of [a, shop]) expect(path.relative(portal.root, root)).not.toMatch(/^\.\./);
    expect(portal.features.map((f) => f.dir)).toEqual([path.relative(portal.root, path.join(a, 'billing')), path.relative(portal.root, path.join(shop, 'orders'))].map((p) => p.split(path.sep).join('/')));
  });

  it('names files from the common folder in diagnostics', async () => {
    const { a, b } = await twoRoots();
    await writeFile(path.join(b, 'notes.md'), '# loose\n');
    const portal = await loadPortal([a, b]);
    expect(portal.diagnostics.filter((d) => d.rule.startsWith('scan/')).map((d) => `${d.rule} ${d.file}`)).toEqual(['scan/outside-bundle vendor/team-b/notes.md']);
  });

  it('reports one slug published from two roots', async () => {
    const { a, b } = await twoRoots();
    await cp(path.join(a, 'billing'), path.join(b, 'billing'), { recursive: true });
    const portal = await loadPortal([a, b]);
    const slug = portal.diagnostics.find((d) => d.rule === 'ids/duplicate-slug');
    expect(slug?.file).toBe('vendor/team-b/billing/feature.md');
    expect(slug?.message).toContain('team-a/billing');
    expect(slug?.hint).toBeTruthy();
  });

  it('reports a root that does not exist, and still loads the others', async () => {
    const { a, dir } = await twoRoots();
    const missing = path.join(dir, 'nowhere');
    const portal = await loadPortal([a, missing]);
    const rules = portal.diagnostics.map((d) => d.rule);
    expect(rules).toContain('scan/no-content');
    expect(portal.diagnostics.find((d) => d.rule === 'scan/no-content')?.message).toContain(missing);
    expect(portal.features.map((f) => f.slug)).toEqual(['billing']);
  });

  it('scans a root nested in another root once', async () => {
    const { a, b } = await twoRoots();
    const portal = await loadPortal([b, path.join(b, 'shop'), a]);
    expect(errors(portal.diagnostics)).toEqual([]);
    expect(portal.features.map((f) => f.slug)).toEqual(['billing', 'orders']);
  });

  it('follows a link from one root into another, but not out of all of them', async () => {
    const { dir, a, b } = await twoRoots();
    await symlink(path.join(b, 'shop/orders/nfr.yaml'), path.join(a, 'billing/linked-nfr.yaml'));
    await mkdir(path.join(dir, 'secret'));
    await writeFile(path.join(dir, 'secret/key.txt'), 'do not publish');
    await symlink(path.join(dir, 'secret/key.txt'), path.join(a, 'billing/key.txt'));
    const portal = await loadPortal([a, b]);
    const problems = portal.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.file}`);
    expect(problems).toEqual(['scan/link-outside team-a/billing/key.txt']);
  });
});

describe('config: content roots and base', () => {
  it('resolves a list of content roots against the config folder', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'specport.config.yaml'), 'content:\n  - content\n  - vendor/payments-specs\n');
    const { config, diagnostics } = await loadConfig(dir);
    expect(diagnostics).toEqual([]);
    expect(contentRoots(config, dir)).toEqual([path.join(dir, 'content'), path.join(dir, 'vendor/payments-specs')]);
    expect(contentRoots((await loadConfig(await tempDir())).config, '/x')).toEqual([path.resolve('/x/content')]);
  });

  it('rejects an empty list of roots and a base that is not a path, at their lines', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'specport.config.yaml'), 'title: Specs\ncontent: []\nbase: https://example.com/specs\n');
    const { diagnostics } = await loadConfig(dir);
    expect(diagnostics.map((d) => `${d.line} ${d.rule}`)).toEqual(['2 schema/invalid-value', '3 schema/invalid-value']);
    expect(diagnostics.every((d) => d.hint)).toBe(true);
  });

  it('normalises the base path to one leading and one trailing slash', () => {
    expect(normaliseBase(undefined)).toBe('/');
    expect(normaliseBase('/')).toBe('/');
    expect(normaliseBase('specs')).toBe('/specs/');
    expect(normaliseBase('/docs/specs')).toBe('/docs/specs/');
    expect(normaliseBase('/specs/')).toBe('/specs/');
  });

  it('prefixes the links rendered into story HTML with the base', async () => {
    const portal = await loadPortal(VALID, { base: '/specs/' });
    const orders = portal.features.find((f) => f.slug === 'orders')!;
    expect(orders.storyHtml).toContain('href="/specs/features/billing/"');
    expect(orders.storyHtml).not.toMatch(/href="\/features\//);
  });
});

describe('the CLI with several --content roots', () => {
  it('checks them as one portal', async () => {
    const { a, b } = await twoRoots();
    const { stdout } = await promisify(execFile)(process.execPath, ['bin/specport.mjs', 'check', '--content', a, '--content', b, '--format', 'json'], { cwd: ROOT });
    const report = JSON.parse(stdout) as { features: Array<{ slug: string }>; diagnostics: Diagnostic[] };
    expect(errors(report.diagnostics)).toEqual([]);
    expect(report.features.map((f) => f.slug)).toEqual(['billing', 'orders']);
  });
});
