/**
 * Permanent links, `portal.json` and search, on the sample portal in Chromium: every `/ref/<ID>/`
 * lands on its item's anchor with and without JavaScript, `portal.json` matches its published
 * JSON Schema and each of its permanent links exists, and Starlight's search modal finds items
 * by exact ID and by `POST /orders`, narrows by filter, and opens from the keyboard.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalJson } from '../../src/core/export.ts';
import { OUTPUT, openPortal, watchedPage } from './harness.ts';

let site: Awaited<ReturnType<typeof openPortal>>;
let browser: Browser;
let origin: string;
let portal: PortalJson;

beforeAll(async () => {
  // `specport build` makes a production build even under Vitest's NODE_ENV=test (search needs it).
  site = await openPortal([], path.join(OUTPUT, 'search'));
  ({ browser, origin } = site);
  portal = (await (await fetch(`${origin}/portal.json`)).json()) as PortalJson;
}, 600_000);

afterAll(async () => site?.close());

/** Every thing with a permanent link, with where it must land. */
const permalinks = () => [
  ...portal.features.map((f) => ({ kind: 'feature', permalink: f.permalink, href: f.href })),
  ...portal.items.map((i) => ({ kind: i.kind, permalink: i.permalink, href: i.href })),
  ...portal.operations.flatMap((o) => (o.permalink ? [{ kind: 'op', permalink: o.permalink, href: o.href }] : [])),
  ...portal.entities.flatMap((e) => (e.permalink ? [{ kind: 'entity', permalink: e.permalink, href: e.href }] : [])),
];

/** The page shows the target: the URL is the target's, and its anchor (if any) is an element. */
async function expectLandedOn(page: Page, href: string) {
  await page.waitForURL(`${origin}${href}`, { timeout: 10_000 });
  const [, hash] = href.split('#');
  if (hash) await expect(page.evaluate((id) => document.getElementById(decodeURIComponent(id)) !== null, hash), href).resolves.toBe(true);
  else await expect(page.locator('h1').first().textContent()).resolves.toBeTruthy();
}

async function openSearch(page: Page, how: 'Control+k' | '/' = 'Control+k') {
  await page.waitForSelector('site-search button[data-open-modal]:not([disabled])');
  // Pagefind's UI is created once the page is idle.
  await page.waitForSelector('#starlight__search .pagefind-ui__search-input', { state: 'attached' });
  await page.keyboard.press(how);
  await expect(page.locator('site-search dialog').evaluate((d) => (d as HTMLDialogElement).open)).resolves.toBe(true);
  await expect(page.evaluate(() => document.activeElement?.classList.contains('pagefind-ui__search-input'))).resolves.toBe(true);
}

async function search(page: Page, term: string) {
  await page.keyboard.type(term);
  await page.waitForFunction((t) => document.querySelector('.pagefind-ui__message')?.textContent?.includes(t) ?? false, term, { timeout: 10_000 });
  await waitForResults(page);
}

/** Pagefind lists the results first and loads each one's data after: wait until the first few are loaded. */
const waitForResults = (page: Page) =>
  page.waitForFunction(() => {
    const results = [...document.querySelectorAll('#starlight__search .pagefind-ui__result')].slice(0, 3);
    return results.length > 0 && results.every((r) => r.querySelector('.pagefind-ui__result-link'));
  });

const resultTitles = (page: Page) => page.locator('#starlight__search .pagefind-ui__result > .pagefind-ui__result-inner > .pagefind-ui__result-title a').allTextContents();
const resultCount = async (page: Page) => Number(/^(\d+)/.exec((await page.locator('.pagefind-ui__message').textContent()) ?? '')?.[1] ?? NaN);

describe('permanent links', () => {
  it('exist for every feature, item, operation and entity listed in portal.json', async () => {
    const all = permalinks();
    expect(new Set(all.map((p) => p.kind))).toEqual(new Set(['feature', 'nfr', 'threat', 'edge', 'op', 'entity']));
    for (const { permalink, href } of all) {
      const response = await fetch(`${origin}${permalink}`);
      expect(response.status, permalink).toBe(200);
      const html = await response.text();
      expect(html, permalink).toContain(`<meta http-equiv="refresh" content="0; url=${href}">`);
      expect(html, permalink).toContain(`location.replace(${JSON.stringify(href)})`);
    }
  });

  it('land on the anchor of every kind of item without JavaScript, through the meta refresh', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    // Only documents: the anchors are in the HTML, and ~200 pages load faster without their styles.
    await context.route('**/*', (route) =>
      route.request().url().startsWith(`${origin}/`) && route.request().resourceType() === 'document' ? route.continue() : route.abort());
    const page = await context.newPage();
    for (const { permalink, href } of permalinks()) {
      await page.goto(`${origin}${permalink}`);
      await expectLandedOn(page, href);
    }
    await context.close();
  }, 120_000);

  it('land on the anchor of every kind of item with JavaScript, and stay out of the history', async () => {
    const byKind = new Map(permalinks().map((p) => [p.kind, p]));
    // The qualified alias of an operation, and the entity that lost /ref/Cart/ to the feature cart.
    const op = portal.operations.find((o) => o.id === o.operationId)!;
    const extra = [
      { permalink: `/ref/${op.feature}/${op.operationId}/`, href: op.href },
      { permalink: '/ref/entity/Cart/', href: '/entities/Cart/' },
    ];
    for (const { permalink, href } of [...byKind.values(), ...extra]) {
      const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
      await page.goto(`${origin}/`);
      await page.goto(`${origin}${permalink}`);
      await expectLandedOn(page, href);
      await page.goBack();
      await page.waitForURL(`${origin}/`);
      expect(foreign).toEqual([]);
      expect(consoleErrors, permalink).toEqual([]);
      await page.context().close();
    }
  });

  it('are what the copy button next to an item ID copies', async () => {
    const { page } = await watchedPage(browser, origin);
    const nfr = portal.items.find((i) => i.kind === 'nfr')!;
    const op = portal.operations.find((o) => o.feature === nfr.feature)!;
    await page.goto(`${origin}${nfr.href}`);
    await expect(page.locator(`tr[id="${nfr.id}"] button[data-copy-link]`).getAttribute('data-copy-link')).resolves.toBe(nfr.permalink);
    await expect(page.locator(`tr[id="${op.operationId}"] button[data-copy-link]`).getAttribute('data-copy-link')).resolves.toBe(op.permalink);
    await page.context().close();
  });
});

describe('portal.json', () => {
  it('matches the JSON Schema published next to it', async () => {
    const schema = (await (await fetch(`${origin}/portal.schema.json`)).json()) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(portal), JSON.stringify(validate.errors)).toBe(true);
  });

  it('lists the items of every feature, and only warnings', () => {
    expect(portal.items.length).toBeGreaterThan(100);
    for (const feature of portal.features) expect(portal.items.some((i) => i.feature === feature.slug), feature.slug).toBe(true);
    expect(portal.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });
});

describe('search', () => {
  it('opens from the keyboard, with Ctrl+K as Starlight does, and with /', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/`);
    await openSearch(page, 'Control+k');
    await page.keyboard.press('Escape');
    await openSearch(page, '/');
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('lists an NFR first when its exact ID is typed, once, and its result lands on its anchor', async () => {
    const nfr = portal.items.find((i) => i.kind === 'nfr' && i.id.endsWith('-01'))!;
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/`);
    await openSearch(page);
    await search(page, nfr.id);
    const titles = await resultTitles(page);
    expect(titles[0]).toBe(`${nfr.id}: ${nfr.title}`);
    expect(titles.filter((t) => t.startsWith(nfr.id))).toHaveLength(1);
    // A ref page has no headings, so Starlight shows no sub-result repeating it.
    await expect(page.locator('.pagefind-ui__result').first().locator('.pagefind-ui__result-nested').count()).resolves.toBe(0);
    await page.locator('.pagefind-ui__result-link').first().click();
    await expectLandedOn(page, nfr.href);
    await page.goBack();
    await page.waitForURL(`${origin}/`);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('finds an operation by method and path, and by operationId', async () => {
    const op = portal.operations.find((o) => o.method === 'POST' && o.path === '/orders')!;
    for (const term of [`POST ${op.path}`, op.operationId]) {
      const { page, consoleErrors } = await watchedPage(browser, origin);
      await page.goto(`${origin}/`);
      await openSearch(page);
      await search(page, term);
      await expect(resultTitles(page).then((t) => t[0])).resolves.toBe(`${op.operationId}: POST ${op.path}`);
      expect(consoleErrors).toEqual([]);
      await page.context().close();
    }
  });

  it('finds threats, edge cases and entities by ID or name', async () => {
    const threat = portal.items.find((i) => i.kind === 'threat')!;
    const edge = portal.items.find((i) => i.kind === 'edge')!;
    for (const [term, title] of [[threat.id, `${threat.id}: ${threat.title}`], [edge.id, `${edge.id}: ${edge.title}`], ['IdempotencyKey', 'IdempotencyKey']] as const) {
      const { page, consoleErrors } = await watchedPage(browser, origin);
      await page.goto(`${origin}/`);
      await openSearch(page);
      await search(page, term);
      await expect(resultTitles(page).then((t) => t[0]), term).resolves.toBe(title);
      expect(consoleErrors).toEqual([]);
      await page.context().close();
    }
  });

  it('narrows the results with a filter: kind, then STRIDE category', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/`);
    await openSearch(page);
    await search(page, 'order');
    const all = await resultCount(page);
    const panel = page.locator('#starlight__search .pagefind-ui__filter-panel');
    await panel.locator('summary', { hasText: 'Kind' }).click();
    await panel.locator('label', { hasText: /^threat \(\d+\)$/ }).click();
    await page.waitForFunction((n) => Number(/^(\d+)/.exec(document.querySelector('.pagefind-ui__message')?.textContent ?? '')?.[1]) < n, all);
    const threats = await resultCount(page);
    expect(threats).toBeGreaterThan(0);
    await waitForResults(page);
    for (const title of await resultTitles(page)) expect(title).toMatch(/^[A-Z0-9]+-T-\d+: /);
    await panel.locator('summary', { hasText: 'STRIDE' }).click();
    await panel.locator('label', { hasText: /^spoofing \(\d+\)$/ }).click();
    await page.waitForFunction((n) => Number(/^(\d+)/.exec(document.querySelector('.pagefind-ui__message')?.textContent ?? '')?.[1]) < n, threats);
    await waitForResults(page);
    const stride = portal.items.filter((i) => i.kind === 'threat' && i.stride.includes('spoofing')).map((i) => i.id);
    for (const title of await resultTitles(page)) expect(stride).toContain(title.split(':')[0]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
