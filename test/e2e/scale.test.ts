/**
 * A synthetic portal past every size limit: past the full-sidebar limit, a page lists only its
 * own area's features; past PAGE_ROWS rows, each register, the threat coverage, the landscape and
 * the entity index become an overview of areas with pages per area, so that no page's size grows
 * with the portal. One area is made twice the size of the others, so that its pages are numbered.
 */
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axe from 'axe-core';
import { LinkChecker } from 'linkinator';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticPortal } from '../../scripts/synthetic.ts';
import { FULL_SIDEBAR_LIMIT } from '../../src/lib/areas.ts';
import { PAGE_ROWS } from '../../src/lib/paging.ts';
import { launch, OUTPUT, serve, specport, watchedPage } from './harness.ts';

/** Past the sidebar's limit, and more entities (one per feature, plus one they share) than a page holds. */
const COUNT = Math.max(FULL_SIDEBAR_LIMIT + 10, PAGE_ROWS + 10);
/** No page of a split register, coverage, landscape or entity index may weigh more than this. */
const MAX_PAGE_BYTES = 300_000;
const out = path.join(OUTPUT, 'scale');
let content: string;

beforeAll(async () => {
  content = await mkdtemp(path.join(tmpdir(), 'specport-scale-'));
  await writeSyntheticPortal(content, COUNT);
  // platform keeps one feature; the others join partners, which then has twice the features of an area.
  for (let i = 17; i < COUNT; i += 10) await rename(path.join(content, 'platform', `feature-${i}`), path.join(content, 'partners', `feature-${i}`));
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
const featureLinks = (html: string) => new Set([...html.matchAll(/href="\/features\/(feature-\d+)\/[^"]*"/g)].map((m) => m[1]!));

/** Routes of every page below `route` (itself included), e.g. `/registers/threats/payments/2/`. */
async function pagesUnder(route: string): Promise<string[]> {
  const dir = path.join(out, route);
  const files = (await readdir(dir, { recursive: true })).filter((f) => f === 'index.html' || f.endsWith(`${path.sep}index.html`));
  return files.map((f) => `${route}${path.dirname(f) === '.' ? '' : `${path.dirname(f).split(path.sep).join('/')}/`}`).sort();
}

interface Portal {
  features: Array<{ slug: string; area: string }>;
  items: Array<{ kind: string; id: string }>;
  operations: Array<{ feature: string; operationId: string }>;
  entities: Array<{ name: string }>;
  components: Array<{ id: string }>;
}
const portal = async () => JSON.parse(await readFile(path.join(out, 'portal.json'), 'utf8')) as Portal;

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

const REGISTERS = ['nfrs', 'threats', 'edge-cases', 'operations', 'threat-coverage'] as const;
const SPLIT = [...REGISTERS.map((r) => `/registers/${r}/`), '/system/', '/entities/'];
/** Where each split page's area pages live. */
const areaPagesOf = (route: string) => (route === '/entities/' ? '/entities/areas/' : route);

describe(`past ${PAGE_ROWS} rows`, () => {
  it(`splits each register, the threat coverage, the landscape and the entity index by area, every page under ${MAX_PAGE_BYTES / 1000} kB`, async () => {
    const areas = new Set((await portal()).features.map((f) => f.area));
    for (const route of SPLIT) {
      const pages = await pagesUnder(areaPagesOf(route));
      const routes = route === '/entities/' ? [route, ...pages] : pages;
      expect(routes.length, route).toBeGreaterThan(areas.size);
      for (const r of routes) {
        const { size } = await stat(path.join(out, r, 'index.html'));
        expect(size, r).toBeLessThan(MAX_PAGE_BYTES);
        // No page lists every feature, nor a large share of them.
        expect(featureLinks(await page(r)).size, r).toBeLessThan(COUNT / 4);
      }
      // The larger area is split into numbered pages (its entities, one per feature, still fit on one).
      if (route !== '/entities/') expect(pages, route).toContain(`${areaPagesOf(route)}partners/2/`);
    }
  });

  it("links every area's pages from the overview, and each area page back to it", async () => {
    for (const route of SPLIT) {
      const expected = (await pagesUnder(areaPagesOf(route))).filter((r) => r !== route);
      const overview = await page(route);
      const prefix = areaPagesOf(route).replaceAll('/', '\\/');
      const linked = new Set([...overview.matchAll(new RegExp(`href="(${prefix}[a-z0-9-]+\\/(?:\\d+\\/)?)"`, 'g'))].map((m) => m[1]));
      expect([...linked].sort(), route).toEqual(expected);
      for (const r of expected) {
        const html = await page(r);
        expect(html.slice(html.indexOf('data-pager')), r).toContain(`href="${route}"`);
      }
    }
  });

  it('lists every item of the portal on exactly one page of each register', async () => {
    const { items, operations } = await portal();
    const expected: Record<string, string[]> = {
      nfrs: items.filter((i) => i.kind === 'nfr').map((i) => i.id),
      threats: items.filter((i) => i.kind === 'threat').map((i) => i.id),
      'edge-cases': items.filter((i) => i.kind === 'edge').map((i) => i.id),
      operations: operations.map((o) => `${o.feature}/${o.operationId}`),
    };
    for (const [register, ids] of Object.entries(expected)) {
      const rows: string[] = [];
      for (const r of await pagesUnder(`/registers/${register}/`)) rows.push(...[...(await page(r)).matchAll(/<tr id="([^"]+)" data-feature="/g)].map((m) => m[1]!));
      expect(rows.length, register).toBe(ids.length);
      expect(new Set(rows), register).toEqual(new Set(ids));
    }
    const coverage: string[] = [];
    for (const r of await pagesUnder('/registers/threat-coverage/')) coverage.push(...[...(await page(r)).matchAll(/<h3 id="coverage-([^"]+)"/g)].map((m) => m[1]!));
    expect(coverage.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `feature-${i}`).sort());
  });

  it('draws every feature on exactly one landscape page, and lists every component and entity on an area page', async () => {
    const { components, entities } = await portal();
    const drawn: string[] = [];
    const listed = new Set<string>();
    for (const r of (await pagesUnder('/system/')).filter((r) => r !== '/system/')) {
      const html = await page(r);
      const features = html.slice(html.indexOf('Features:'), html.indexOf('</ul>', html.indexOf('Features:')));
      drawn.push(...featureLinks(features));
      for (const m of html.matchAll(/<tr id="component-([^"]+)"/g)) listed.add(m[1]!);
    }
    expect(drawn.sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `feature-${i}`).sort());
    expect(listed).toEqual(new Set(components.map((c) => c.id)));
    // The overview shows areas and the relations between them, not the components.
    expect(await page('system')).not.toContain('id="component-');

    const named = new Set<string>();
    for (const r of await pagesUnder('/entities/areas/')) for (const m of (await page(r)).matchAll(/<tr id="entity-([^"]+)"/g)) named.add(m[1]!);
    expect(named).toEqual(new Set(entities.map((e) => e.name)));
    expect(await page('entities')).not.toContain('id="entity-');
  });
});

describe('split pages in Chromium', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    site = await serve(out);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  const shown = (p: Page) => p.locator('[data-register] tbody tr:not([hidden])').evaluateAll((rows) => rows.map((r) => r.id));
  const enhanced = (p: Page) => p.locator('[data-register-filters]').waitFor({ state: 'visible' });

  it("filters within a page, offers only that page's features, and pages on with next and previous", async () => {
    const { page: p, foreign, consoleErrors } = await watchedPage(browser, site.origin);
    await p.goto(`${site.origin}/registers/threats/partners/`);
    await enhanced(p);
    const first = await shown(p);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(PAGE_ROWS);
    const features = await p.locator('[data-register] tbody tr').evaluateAll((rows) => [...new Set(rows.map((r) => r.getAttribute('data-feature')!))]);
    const options = await p.locator('#sp-filter-feature option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(options.sort()).toEqual([...features].sort());
    expect(options.length).toBeLessThan(COUNT / 4);

    await p.getByLabel('Feature', { exact: true }).selectOption(features[1]!);
    expect(await shown(p)).toEqual(Array.from({ length: 10 }, (_, t) => `F${features[1]!.slice('feature-'.length)}-T-${String(t + 1).padStart(2, '0')}`));
    await p.getByLabel('Risk').selectOption('high');
    const high = await shown(p);
    expect(high.length).toBeGreaterThan(0);
    expect(await p.locator('[data-register] tbody tr:not([hidden])').evaluateAll((rows) => rows.every((r) => r.getAttribute('data-risk') === 'high'))).toBe(true);
    expect(new URL(p.url()).search).toBe(`?feature=${features[1]}&risk=high`);

    await p.locator('[data-pager] a[rel="next"]').click();
    await p.waitForURL('**/registers/threats/partners/2/');
    await enhanced(p);
    const second = await shown(p);
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((id) => first.includes(id))).toBe(false);
    expect(await p.locator('h1').textContent()).toContain('partners (2 of 3)');
    await p.getByLabel('Risk').selectOption('high');
    expect(await p.locator('[data-register] tbody tr:not([hidden])').evaluateAll((rows) => rows.every((r) => r.getAttribute('data-risk') === 'high'))).toBe(true);
    // Starlight's own previous and next links at the foot of the page follow the area's pages too.
    expect(await p.locator('.pagination-links a[rel="next"]').getAttribute('href')).toBe('/registers/threats/partners/3/');

    await p.locator('[data-pager] a[rel="prev"]').click();
    await p.waitForURL('**/registers/threats/partners/');
    await enhanced(p);
    expect(await shown(p)).toEqual(first);
    await p.locator('[data-pager] a', { hasText: 'all areas' }).click();
    await p.waitForURL('**/registers/threats/');
    expect(await p.locator('[data-register] tbody tr').count()).toBe(0);
    expect(await p.locator('.sp-register-overview tbody tr').count()).toBe(10);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await p.context().close();
  });

  /** Each overview, and the first two pages of the larger area. */
  const samples = SPLIT.flatMap((route) => [route, `${areaPagesOf(route)}partners/`, ...(route === '/entities/' ? [] : [`${areaPagesOf(route)}partners/2/`])]);

  it('has no broken link or anchor on the overviews and area pages', async () => {
    const result = await new LinkChecker().check({
      path: samples.map((r) => `${site.origin}${r}`),
      recurse: false,
      checkFragments: true,
      concurrency: 8,
      linksToSkip: async (link: string) => !link.startsWith(site.origin),
    });
    const broken = result.links.filter((l) => l.state === 'BROKEN').map((l) => `${l.url} (from ${l.parent ?? '?'}: ${l.status ?? ''})`);
    expect(broken).toEqual([]);
  }, 300_000);

  it('has no serious or critical accessibility violation on the overviews and area pages', async () => {
    const { page: p } = await watchedPage(browser, site.origin);
    for (const route of samples) {
      await p.goto(`${site.origin}${route}`);
      await p.waitForLoadState('networkidle');
      await p.addScriptTag({ content: axe.source });
      const violations = await p.evaluate(async () => {
        const results = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
        return results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      expect(violations, route).toEqual([]);
    }
    await p.context().close();
  }, 120_000);
});
