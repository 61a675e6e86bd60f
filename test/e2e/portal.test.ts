/**
 * Builds the sample portal with `specport build` and reads it in real Chromium: diagrams render
 * as SVG without Mermaid errors, tables and anchors are there, the API page shows Scalar's
 * operations, no request leaves the portal's origin and the console stays clean.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMermaid } from '../../src/core/mermaid.ts';
import type { Portal } from '../../src/core/model.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { OUTPUT, openPortal, ROOT, watchedPage } from './harness.ts';

const out = path.join(OUTPUT, 'sample');
let portal: Portal;
let site: Awaited<ReturnType<typeof openPortal>>;
let browser: Browser;
let server: { origin: string };

beforeAll(async () => {
  site = await openPortal([], out);
  ({ browser } = site);
  server = { origin: site.origin };
  portal = await loadPortal(path.join(ROOT, 'content'));
  await closeMermaid();
}, 600_000);

afterAll(async () => site?.close());

describe('the sample portal in Chromium', () => {
  it('lists every feature on the home page with its completeness', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, server.origin);
    await page.goto(`${server.origin}/`);
    for (const feature of portal.features) {
      const row = page.locator('tr', { has: page.locator(`a[href="/features/${feature.slug}/"]`) });
      await expect(row.textContent()).resolves.toContain(`${feature.completeness.score}/${feature.completeness.max}`);
    }
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('renders every diagram of every feature page as SVG, with an anchor for every item', async () => {
    for (const feature of portal.features) {
      const { page, foreign, consoleErrors } = await watchedPage(browser, server.origin);
      await page.goto(`${server.origin}/features/${feature.slug}/`);
      const diagrams = page.locator('.sp-diagram-canvas');
      const count = await diagrams.count();
      const expected = (feature.context ? 1 : 0) + (feature.dataModel ? 1 : 0) + feature.sequences.length;
      expect(count, feature.slug).toBeGreaterThanOrEqual(expected);
      // The bundle's diagram files come drawn with the page; only Mermaid blocks in the story wait for Mermaid.
      await expect(page.locator('.sp-feature > figure.sp-diagram .sp-diagram-svg > svg, .sp-sequence figure.sp-diagram .sp-diagram-svg > svg').count(), feature.slug).resolves.toBe(expected);
      await page.waitForFunction((n) => document.querySelectorAll('.sp-diagram-canvas svg').length >= n, count, { timeout: 30_000 });
      await expect(page.locator('pre.mermaid', { hasText: 'Error rendering diagram' }).count()).resolves.toBe(0);

      const anchors = [
        ...feature.nfrs.map((n) => n.id),
        ...feature.threats.map((t) => t.id),
        ...feature.edgeCases.map((e) => e.id),
        ...feature.contracts.flatMap((c) => c.operations.map((o) => o.operationId)),
      ];
      const present = await page.evaluate((ids) => ids.filter((id) => document.getElementById(id) !== null), anchors);
      expect(present).toEqual(anchors);
      await expect(page.locator('#nfrs + * table, #nfrs ~ .sp-table-wrap table').first().isVisible()).resolves.toBe(true);
      await expect(page.locator('#threats ~ .sp-table-wrap').last().isVisible()).resolves.toBe(true);

      const order = await page.evaluate(() => [...document.querySelectorAll('.sp-feature > h2')].map((h) => h.id));
      expect(order).toEqual(['story', 'context', 'api', 'data-model', 'sequences', 'nfrs', 'edge-cases', 'threats', 'referenced-by', 'source-files']);
      expect(foreign, feature.slug).toEqual([]);
      expect(consoleErrors, feature.slug).toEqual([]);
      await page.context().close();
    }
  }, 180_000);

  it('links a threat mitigation to the NFR that mitigates it', async () => {
    const threat = portal.features.flatMap((f) => f.threats).find((t) => t.mitigationItems.some((m) => 'ref' in m && m.ref.kind === 'nfr'))!;
    const mitigation = threat.mitigationItems.find((m) => 'ref' in m && m.ref.kind === 'nfr') as { ref: { target: string; href: string } };
    const { page } = await watchedPage(browser, server.origin);
    await page.goto(`${server.origin}/features/${threat.feature}/#${threat.id}`);
    await page.locator(`tr[id="${threat.id}"] a.sp-ref[href="${mitigation.ref.href}"]`).click();
    await page.waitForURL(`**${mitigation.ref.href}`);
    await expect(page.locator(`tr[id="${mitigation.ref.target}"]`).isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it("shows Scalar's list of operations on the API page, loading nothing from other hosts", async () => {
    const feature = portal.features.find((f) => f.contracts.length > 0)!;
    const { page, foreign, consoleErrors } = await watchedPage(browser, server.origin);
    await page.goto(`${server.origin}/features/${feature.slug}/api/`);
    const summary = feature.contracts[0]!.operations[0]!.summary;
    await page.getByText(summary, { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('loads Scalar only on API pages', async () => {
    const { page } = await watchedPage(browser, server.origin);
    const scripts: string[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(response.url());
    });
    await page.goto(`${server.origin}/features/${portal.features[0]!.slug}/`);
    await page.waitForLoadState('networkidle');
    const sizes = await Promise.all(scripts.map(async (url) => (await fetch(url)).text().then((t) => ({ url, scalar: /createApiReference|scalar-app/.test(t) }))));
    expect(sizes.filter((s) => s.scalar)).toEqual([]);
    await page.context().close();
  });

  it('loads Mermaid only on a feature page holding a diagram the build could not draw, and draws it there', async () => {
    const loaded: Record<string, boolean> = {};
    for (const feature of portal.features) {
      const { page, consoleErrors } = await watchedPage(browser, server.origin);
      const scripts: string[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script') scripts.push(response.url());
      });
      await page.goto(`${server.origin}/features/${feature.slug}/`);
      await page.waitForLoadState('networkidle');
      const inBrowser = await page.locator('pre.mermaid').count();
      loaded[feature.slug] = scripts.some((url) => /mermaid\.core/.test(url));
      expect(loaded[feature.slug], feature.slug).toBe(inBrowser > 0);
      if (inBrowser > 0) await page.waitForFunction(() => [...document.querySelectorAll('pre.mermaid')].every((pre) => pre.querySelector('svg')), null, { timeout: 30_000 });
      // Every ```mermaid block of a story is a diagram figure, drawn at build time or in the browser.
      const blocks = (feature.body.match(/^```mermaid\s*$/gm) ?? []).length;
      await expect(page.locator('.sp-story figure.sp-diagram .sp-diagram-canvas').count(), feature.slug).resolves.toBe(blocks);
      await expect(page.locator('.sp-story .sp-diagram-svg > svg').count(), feature.slug).resolves.toBe(blocks);
      expect(consoleErrors, feature.slug).toEqual([]);
      await page.context().close();
    }
    // The sample's diagrams are all drawn at build time; test/e2e/xss.test.ts has diagrams left to Mermaid.
    expect(loaded).toEqual(Object.fromEntries(portal.features.map((f) => [f.slug, false])));
  });
});
