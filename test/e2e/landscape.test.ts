/**
 * The system landscape and the entity catalogue of the sample portal, in real Chromium: the
 * generated diagrams render as SVG without Mermaid errors, every component and every declaring
 * feature is listed, `entity:` links land on the entity's page, and nothing leaves the origin.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog, entitySegment, type Catalog } from '../../src/core/catalog.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Portal } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { OUTPUT, openPortal, ROOT, watchedPage } from './harness.ts';

let portal: Portal;
let catalog: Catalog;
let site: Awaited<ReturnType<typeof openPortal>>;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  site = await openPortal([], path.join(OUTPUT, 'landscape'));
  ({ browser, origin } = site);
  portal = await loadPortal(path.join(ROOT, 'content'));
  ({ catalog } = buildCatalog(portal.features));
  await closeMermaid();
}, 600_000);

afterAll(async () => site?.close());

/** Opens a page and waits until every Mermaid diagram on it is an SVG; fails on Mermaid's error diagram. */
async function openWithDiagrams(url: string) {
  const watched = await watchedPage(browser, origin);
  const { page } = watched;
  await page.goto(`${origin}${url}`);
  const count = await page.locator('pre.mermaid').count();
  await page.waitForFunction((n) => document.querySelectorAll('pre.mermaid[data-processed] svg').length >= n, count, { timeout: 30_000 });
  await expect(page.locator('pre.mermaid', { hasText: 'Error rendering diagram' }).count()).resolves.toBe(0);
  await expect(page.locator('pre.mermaid', { hasText: 'Syntax error' }).count()).resolves.toBe(0);
  return { ...watched, count };
}

describe('the system landscape', () => {
  it('renders the overview, the full diagram and one diagram per area as SVG, and lists every component of every context diagram', async () => {
    const areas = [...new Set(portal.features.map((f) => f.area))];
    const { page, foreign, consoleErrors, count } = await openWithDiagrams('/system/');
    // Overview + full (the sample is small) + one per area.
    expect(count).toBe(2 + areas.length);
    await expect(page.locator('figure.sp-diagram pre.mermaid svg[role^="graphics-document"]').count()).resolves.toBe(count);

    const ids = [...new Set(portal.features.flatMap((f) => f.context?.components.map((c) => c.id) ?? []))];
    expect(ids.length).toBeGreaterThan(10);
    const rows = await page.evaluate(() => [...document.querySelectorAll('tr[id^="component-"]')].map((tr) => tr.id.slice('component-'.length)));
    expect(rows.sort()).toEqual(ids.sort());

    for (const area of areas) {
      await expect(page.locator(`.sp-area-nav a[href="#area-${area}"]`).count(), area).resolves.toBe(1);
      await expect(page.locator(`section#area-${area} pre.mermaid svg`).count(), area).resolves.toBe(1);
    }
    // Every feature that touches a component is linked from its row, to the component on the feature's page.
    const gateway = catalog.components.find((c) => c.features.length > 2)!;
    for (const slug of gateway.features) {
      await expect(page.locator(`tr#component-${gateway.id} a[href="/features/${slug}/#component-${gateway.id}"]`).count()).resolves.toBe(1);
    }
    await expect(page.locator('#relations ~ .sp-table-wrap tbody tr').count()).resolves.toBe(catalog.relations.length);

    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('is linked from the sidebar, with the entity catalogue, in a group named System', async () => {
    const { page } = await watchedPage(browser, origin);
    await page.goto(`${origin}/`);
    const group = page.locator('nav.sidebar details', { has: page.locator('summary', { hasText: /^\s*System\s*$/ }) });
    await expect(group.locator('a[href="/system/"]').textContent()).resolves.toContain('System landscape');
    await expect(group.locator('a[href="/entities/"]').textContent()).resolves.toContain('Entities');
    await page.context().close();
  });
});

describe('the entity catalogue', () => {
  it('lists every entity on the index, each linked to its page', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/entities/`);
    for (const entity of catalog.entities) {
      await expect(page.locator(`tr#entity-${entity.name} a[href="/entities/${entity.segment}/"]`).count(), entity.name).resolves.toBe(1);
    }
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('lists every feature that declares a shared entity, and draws its relationships', async () => {
    const shared = [...catalog.entities].sort((a, b) => b.declarations.length - a.declarations.length)[0]!;
    const declaring = [...new Set(shared.declarations.map((d) => d.feature))];
    expect(declaring.length).toBeGreaterThan(1);

    const { page, foreign, consoleErrors, count } = await openWithDiagrams(`/entities/${shared.segment}/`);
    expect(count).toBe(1);
    await expect(page.locator('h1').textContent()).resolves.toBe(shared.name);
    for (const slug of declaring) {
      await expect(page.locator(`#declared-in + ul a[href="/features/${slug}/#entity-${shared.name}"]`).count(), slug).resolves.toBe(1);
    }
    // Each attribute row names the features that declare it so.
    for (const attribute of shared.attributes) {
      await expect(page.locator('#attributes ~ .sp-table-wrap tbody tr', { hasText: attribute.name }).count()).resolves.toBeGreaterThan(0);
    }
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('follows an entity: link on a feature page to the entity page, which lists the reference', async () => {
    const feature = portal.features.find((f) => f.nfrs.some((n) => n.appliesTo.some((r) => r.kind === 'entity' && r.href)))!;
    const ref = feature.nfrs.flatMap((n) => n.appliesTo).find((r) => r.kind === 'entity' && r.href)!;
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/features/${feature.slug}/`);
    await page.locator(`#nfrs ~ .sp-table-wrap a.sp-ref[href="${ref.href}"]`).first().click();
    await page.waitForURL(`**${ref.href}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(ref.target);
    await expect(page.locator(`#referenced-by ~ .sp-table-wrap a[href^="/features/${feature.slug}/"]`).count()).resolves.toBeGreaterThan(0);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it("links each entity of a feature's data model to its entity page", async () => {
    const feature = portal.features.find((f) => f.dataModel)!;
    const { page } = await watchedPage(browser, origin);
    await page.goto(`${origin}/features/${feature.slug}/`);
    for (const entity of feature.dataModel!.entities) {
      await expect(page.locator(`[id="entity-${entity.name}"] a.sp-entity-link[href="/entities/${entitySegment(entity.name)}/"]`).count()).resolves.toBe(1);
    }
    await page.context().close();
  });
});
