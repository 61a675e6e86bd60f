/**
 * The registers and the threat coverage in real Chromium, on the sample portal built once: filters
 * narrow the rows and live in the URL, a filtered link reloads filtered, headers sort, every row is
 * there without JavaScript, and the coverage matrices link threats and mark the gaps in words.
 * Expected rows come from the core's model of the same content, not from the page itself.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portalCoverage } from '../../src/core/coverage.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Portal } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { OUTPUT, openPortal, ROOT, watchedPage } from './harness.ts';

let site: Awaited<ReturnType<typeof openPortal>>;
let browser: Browser;
let origin: string;
let portal: Portal;

beforeAll(async () => {
  site = await openPortal([], path.join(OUTPUT, 'registers'));
  ({ browser, origin } = site);
  portal = await loadPortal(path.join(ROOT, 'content'));
  await closeMermaid();
}, 600_000);

afterAll(async () => site?.close());

const threats = () => portal.features.flatMap((f) => f.threats);
/** IDs of the rows a reader sees, in order. */
const shownIds = (page: Page) => page.locator('[data-register] tbody tr:not([hidden])').evaluateAll((rows) => rows.map((r) => r.id));
const countText = (page: Page) => page.locator('[data-register-count]').textContent();
/** Waits until the script has wired the register: the filters show once it ran. */
const enhanced = (page: Page) => page.locator('[data-register-filters]').waitFor({ state: 'visible' });

describe('a register in Chromium', () => {
  it('narrows the threat register by STRIDE category, then by feature, and says how many rows are left', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/registers/threats/`);
    await enhanced(page);
    const total = threats().length;
    expect(await shownIds(page)).toHaveLength(total);
    expect(await countText(page)).toBe(`${total} of ${total} rows`);

    await page.getByLabel('STRIDE').selectOption('tampering');
    const tampering = threats().filter((t) => t.stride.includes('tampering')).map((t) => t.id);
    expect(tampering.length).toBeGreaterThan(0);
    expect(tampering.length).toBeLessThan(total);
    expect(await shownIds(page)).toEqual(tampering);
    expect(await countText(page)).toBe(`${tampering.length} of ${total} rows`);

    await page.getByLabel('Feature', { exact: true }).selectOption('checkout');
    const both = threats().filter((t) => t.feature === 'checkout' && t.stride.includes('tampering')).map((t) => t.id);
    expect(both.length).toBeLessThan(tampering.length);
    expect(await shownIds(page)).toEqual(both);
    expect(await countText(page)).toBe(`${both.length} of ${total} rows`);
    expect(new URL(page.url()).search).toBe('?stride=tampering&feature=checkout');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForFunction(() => location.search === '');
    expect(await shownIds(page)).toHaveLength(total);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('restores a filtered view from the URL query, as a link from a ticket would', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/registers/threats/?stride=tampering&feature=checkout`);
    await enhanced(page);
    expect(await page.getByLabel('STRIDE').inputValue()).toBe('tampering');
    expect(await page.getByLabel('Feature', { exact: true }).inputValue()).toBe('checkout');
    const expected = threats().filter((t) => t.feature === 'checkout' && t.stride.includes('tampering')).map((t) => t.id);
    expect(await shownIds(page)).toEqual(expected);
    expect(await countText(page)).toBe(`${expected.length} of ${threats().length} rows`);

    // A value no row carries still applies, rather than silently showing everything.
    await page.goto(`${origin}/registers/edge-cases/?feature=no-such-feature`);
    await enhanced(page);
    expect(await shownIds(page)).toEqual([]);
    expect(await page.getByLabel('Feature', { exact: true }).inputValue()).toBe('no-such-feature');
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('sorts by a column when its header button is pressed, and reverses on a second press', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/registers/nfrs/`);
    await enhanced(page);
    const before = await shownIds(page);
    const header = page.locator('th', { has: page.getByRole('button', { name: 'Priority' }) });
    expect(await header.getAttribute('aria-sort')).toBeNull();

    // From the keyboard: the header is a real button.
    await page.getByRole('button', { name: 'Priority' }).focus();
    await page.keyboard.press('Enter');
    const rank = ['must', 'should', 'could'];
    const priorities = () => page.locator('[data-register] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-priority')!));
    const ascending = (await priorities()).map((p) => rank.indexOf(p));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    expect(await shownIds(page)).not.toEqual(before);
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('priority');

    await page.getByRole('button', { name: 'Priority' }).click();
    const descending = (await priorities()).map((p) => rank.indexOf(p));
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(new URL(page.url()).searchParams.get('sort')).toBe('-priority');

    await page.getByRole('button', { name: 'ID' }).click();
    const ids = portal.features.flatMap((f) => f.nfrs.map((n) => n.id));
    expect(await shownIds(page)).toEqual([...ids].sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare));
    expect(await header.getAttribute('aria-sort')).toBeNull();
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('lands on a row by its item ID, also in a sorted view', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin);
    const nfr = portal.features.flatMap((f) => f.nfrs).at(-1)!;
    await page.goto(`${origin}/registers/nfrs/?sort=id#${nfr.id}`);
    await enhanced(page);
    expect(await page.locator('tr:target').getAttribute('id')).toBe(nfr.id);
    await page.waitForFunction((id) => {
      const box = document.getElementById(id)!.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }, nfr.id);
    expect(await page.locator(`tr[id="${nfr.id}"] a[href="/features/${nfr.feature}/#${nfr.id}"]`).count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});

describe('the registers without JavaScript', () => {
  it('show every row of every register, with the filter controls hidden', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const foreign: string[] = [];
    await context.route('**/*', (route) => {
      if (route.request().url().startsWith(`${origin}/`)) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    const registers = {
      nfrs: portal.features.flatMap((f) => f.nfrs.map((n) => n.id)),
      threats: threats().map((t) => t.id),
      'edge-cases': portal.features.flatMap((f) => f.edgeCases.map((e) => e.id)),
      operations: portal.features.flatMap((f) => f.contracts.flatMap((c) => c.operations.map((o) => `${f.slug}/${o.operationId}`))),
    };
    for (const [name, ids] of Object.entries(registers)) {
      // Even a filtered link shows the whole table: nothing can apply the filter.
      await page.goto(`${origin}/registers/${name}/?feature=checkout`);
      expect(await page.locator('[data-register] tbody tr').evaluateAll((rows) => rows.map((r) => r.id)), name).toEqual(ids);
      expect(await page.locator('[data-register] tbody tr:visible').count(), name).toBe(ids.length);
      expect(await page.locator('[data-register-filters]').isVisible(), name).toBe(false);
      expect(await page.locator('th button').count(), name).toBe(0);
    }
    expect(foreign).toEqual([]);
    await context.close();
  });
});

describe('threat coverage in Chromium', () => {
  it('shows every feature with a matrix whose cells link threats and whose gaps say "not analysed"', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/registers/threat-coverage/`);
    const coverage = portalCoverage(portal.features);
    for (const feature of coverage.features) {
      const section = page.locator(`section:has(> h3#coverage-${feature.feature})`);
      expect(await section.count(), feature.feature).toBe(1);
      if (feature.rows.length === 0) continue;
      const gaps = section.locator('td.sp-coverage-gap');
      expect(await gaps.count(), feature.feature).toBe(feature.counts.cells - feature.counts.analysedCells);
      expect(await gaps.first().textContent()).toBe('—not analysed');
      expect(await section.locator('tbody th[scope="row"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(
        feature.rows.map((r) => r.href),
      );
    }
    const checkout = coverage.features.find((f) => f.feature === 'checkout')!;
    const row = checkout.rows.find((r) => r.cells[0]!.length > 0)!;
    const threat = row.cells[0]![0]!;
    const cell = page.locator('section:has(> h3#coverage-checkout) tbody tr', { has: page.locator(`th a[href="${row.href}"]`) }).locator('td').first();
    await cell.locator(`a[href="${threat.href}"]`).click();
    await page.waitForURL(`**${threat.href}`);
    expect(await page.locator(`tr[id="${threat.id}"]`).isVisible()).toBe(true);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it("shows the feature's own matrix under its threat table", async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/features/checkout/`);
    const headings = await page.locator('#threats ~ h2, #threats ~ h3').evaluateAll((hs) => hs.map((h) => h.id));
    expect(headings.slice(0, 2)).toEqual(['threat-coverage', 'referenced-by']);
    const matrix = page.locator('#threat-coverage ~ .sp-table-wrap table.sp-coverage').first();
    expect(await matrix.locator('thead th').allTextContents()).toEqual([
      'Target', 'S spoofing', 'T tampering', 'R repudiation', 'I information-disclosure', 'D denial-of-service', 'E elevation-of-privilege',
    ]);
    const expected = portalCoverage(portal.features).features.find((f) => f.feature === 'checkout')!;
    expect(await matrix.locator('tbody th[scope="row"]').count()).toBe(expected.rows.length);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
