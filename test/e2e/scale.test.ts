/**
 * A synthetic portal past the full-sidebar limit: every feature gets its page, but a page lists
 * only its own area's features, so page size does not grow with the portal.
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticPortal } from '../../scripts/synthetic.ts';
import { FULL_SIDEBAR_LIMIT } from '../../src/lib/areas.ts';
import { OUTPUT, specport } from './harness.ts';

const COUNT = FULL_SIDEBAR_LIMIT + 10;
const out = path.join(OUTPUT, 'scale');
let content: string;

beforeAll(async () => {
  content = await mkdtemp(path.join(tmpdir(), 'specport-scale-'));
  await writeSyntheticPortal(content, COUNT);
  await rm(out, { recursive: true, force: true });
  const check = await specport(['check', '--content', content]);
  expect(check.stdout).toContain(`0 errors, 0 warnings in ${COUNT} bundles.`);
  const build = await specport(['build', '--content', content, '--out', out]);
  expect(build.code, build.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  if (content) await rm(content, { recursive: true, force: true });
});

const page = (route: string) => readFile(path.join(out, route, 'index.html'), 'utf8');
const featureLinks = (html: string) => new Set([...html.matchAll(/href="\/features\/(feature-\d+)\/"/g)].map((m) => m[1]));

describe(`a portal of ${COUNT} features`, () => {
  it('builds a page for every feature', async () => {
    for (let i = 0; i < COUNT; i++) await expect(page(`features/feature-${i}`)).resolves.toContain(`<h1`);
  });

  it("lists only the reader's own area in the sidebar, and links the other areas", async () => {
    const html = await page('features/feature-3');
    const sidebar = html.slice(html.indexOf('<nav'), html.indexOf('</nav>', html.indexOf('<nav')));
    const listed = featureLinks(sidebar);
    // feature-3 is in the fourth area, with every tenth feature.
    expect([...listed].sort()).toEqual(Array.from({ length: COUNT / 10 }, (_, k) => `feature-${3 + 10 * k}`).sort());
    expect((sidebar.match(/href="\/areas\/[a-z-]+\/"/g) ?? []).length).toBeGreaterThanOrEqual(10);
  });

  it('shows areas, not every feature, on the home page, and every feature on its area page', async () => {
    expect(featureLinks(await page('.')).size).toBe(0);
    const area = await page('areas/fulfilment');
    expect(featureLinks(area).has('feature-3')).toBe(true);
  });
});
