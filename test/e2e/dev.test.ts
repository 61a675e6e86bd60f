/**
 * Live preview: `astro dev` over a copy of a portal shows an edit to a bundle without a restart,
 * and a broken edit as a banner on the affected page while the rest of the portal keeps working.
 * An open page reloads by itself; a bundle added or removed appears or goes everywhere, its
 * permanent links and contracts included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LIVE_VERSION_META, LIVE_VERSION_PATH } from '../../src/lib/live-names.ts';
import { launch, ROOT, watchedPage } from './harness.ts';

let content: string;
let dev: ChildProcess;
let origin: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Fetches a page until `predicate` holds or the time runs out; returns the last body. */
async function poll(route: string, predicate: (html: string, status: number) => boolean, ms = 60_000): Promise<string> {
  const until = Date.now() + ms;
  let body = '';
  while (Date.now() < until) {
    try {
      const response = await fetch(`${origin}${route}`);
      body = await response.text();
      if (predicate(body, response.status)) return body;
    } catch {
      // The server is still starting.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return body;
}

/** Runs `test` on a page of its own in Chromium. */
async function inBrowser(test: (watched: Awaited<ReturnType<typeof watchedPage>>) => Promise<void>): Promise<void> {
  const browser = await launch();
  try {
    await test(await watchedPage(browser, origin));
  } finally {
    await browser.close();
  }
}

/** Marks the page's document, which a reload replaces and an update in place keeps. */
const mark = (page: Page) => page.evaluate(() => Object.assign(window, { specportMarker: 'kept' }));
const marked = (page: Page) => page.evaluate(() => (window as { specportMarker?: string }).specportMarker === 'kept');

const versionMeta = `meta[name="${LIVE_VERSION_META}"]`;

beforeAll(async () => {
  content = await mkdtemp(path.join(tmpdir(), 'specport-dev-'));
  await cp(path.join(ROOT, 'test/fixtures/portal-valid'), content, { recursive: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dev = spawn(process.execPath, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    // Vitest's own import.meta.env variables (MODE=test, DEV, PROD…) must not leak into the dev server.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL', 'NODE_ENV', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST'].includes(k))), SPECPORT_CONTENT: content, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  const first = await poll('/features/orders/', (html) => html.includes('Creating an order is fast.'), 120_000);
  expect(first).toContain('Creating an order is fast.');
}, 180_000);

afterAll(async () => {
  dev?.kill();
  if (content) await rm(content, { recursive: true, force: true });
});

describe('npm run dev', () => {
  it("serves pages for reading specs, without Astro's toolbar or its source annotations on every element", async () => {
    const html = await poll('/features/orders/', (body) => body.includes('<h1'));
    expect(html).toContain('<h1');
    expect(html).not.toContain('data-astro-source-file');
    expect(html).not.toContain('dev-toolbar');
  }, 90_000);

  it('shows an edit to nfr.yaml without a restart', async () => {
    const file = path.join(content, 'shop/orders/nfr.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Creating an order is fast.', 'Creating an order is very fast.'));
    const html = await poll('/features/orders/', (body) => body.includes('Creating an order is very fast.'));
    expect(html).toContain('Creating an order is very fast.');
  }, 90_000);

  it('shows a broken edit as a banner on the affected page, and keeps the other pages working', async () => {
    const file = path.join(content, 'shop/orders/nfr.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('priority: must', 'priority: urgent'));
    // Dev servers inline the CSS, so look for the banner's markup, not its class name alone.
    const banner = 'class="sp-banner sp-banner-error"';
    const html = await poll('/features/orders/', (body) => body.includes('schema/invalid-value'));
    expect(html).toContain(banner);
    expect(html).toContain('schema/invalid-value');
    const other = await poll('/features/billing/', (body) => body.includes('<h1'));
    expect(other).toContain('Billing');
    expect(other).not.toContain(banner);
  }, 90_000);

  it('updates an open feature page in place once its bundle changes, and the page keeps working', () =>
    inBrowser(async ({ page, consoleErrors }) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      await page.goto(`${origin}/features/billing/`);
      await expect(page.locator('h1').first().textContent()).resolves.toBe('Billing');
      await mark(page);
      // The reader folds a sidebar group; the update keeps it folded.
      const groups = () => page.evaluate(() => [...document.querySelectorAll<HTMLDetailsElement>('#starlight__sidebar details')].map((d) => d.open));
      const before = await groups();
      expect(before.length).toBeGreaterThan(0);
      await page.evaluate(() => {
        const first = document.querySelector<HTMLDetailsElement>('#starlight__sidebar details')!;
        first.open = !first.open;
      });
      const folded = [!before[0], ...before.slice(1)];
      expect(await groups()).toEqual(folded);
      // An NFR, not the title: the collections hold only titles in dev, so no change of theirs reloads the page.
      const file = path.join(content, 'billing/nfr.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('Rate-limit charges per customer.', 'Rate-limit charges per customer, edited live.'));
      // No navigation here: the server tells the page to update.
      await page.waitForFunction(() => document.body.textContent?.includes('edited live'), null, { timeout: 30_000 });
      expect(await marked(page)).toBe(true);
      expect(await groups()).toEqual(folded);
      // The new body's controls work: a copy button copies its NFR's permanent link.
      const button = page.locator('[data-copy-link*="/ref/BIL-NFR-"]').first();
      await button.click();
      await expect.poll(() => button.getAttribute('data-copied')).toBe('true');
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ref\/BIL-NFR-\d+\/$/);

      // A diagram Mermaid draws in the browser, added by an edit, is drawn in the updated page.
      const story = path.join(content, 'billing/feature.md');
      await writeFile(story, `${await readFile(story, 'utf8')}\n\n\`\`\`mermaid\npie title Charges by method\n  "Card" : 80\n  "Invoice" : 20\n\`\`\`\n`);
      await page.waitForSelector('pre.mermaid svg', { timeout: 60_000 });
      expect(await marked(page)).toBe(true);
      expect(consoleErrors.filter((e) => !/WebSocket|vite/i.test(e))).toEqual([]);
    }), 120_000);

  it('brings a page that missed the news of an edit up to date as soon as its script runs', () =>
    inBrowser(async ({ page }) => {
      // The page hears nothing from the server, and its live-update script waits until the edit is linked.
      await page.routeWebSocket(/.*/, () => {});
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await page.route(/live-update\.ts/, async (route) => {
        await released;
        await route.continue();
      });
      // Not until DOMContentLoaded: that waits for the module scripts, the held one among them.
      await page.goto(`${origin}/features/billing/`, { waitUntil: 'commit' });
      await page.waitForSelector(versionMeta, { state: 'attached' });
      await page.waitForSelector('h1');
      await mark(page);
      const rendered = await page.locator(versionMeta).getAttribute('content');
      expect(Number(rendered)).toBeGreaterThan(0);
      const file = path.join(content, 'billing/edge-cases.yaml');
      await writeFile(file, `${await readFile(file, 'utf8')}\n# edited while the page was loading\n`.replace(/scenario: (.*)/, 'scenario: $1 (caught up)'));
      await poll(`/${LIVE_VERSION_PATH}`, (body, status) => status === 200 && body !== rendered);
      release();
      await page.waitForFunction(() => document.body.textContent?.includes('(caught up)'), null, { timeout: 30_000 });
      expect(await marked(page)).toBe(true);
      expect(await page.locator(versionMeta).getAttribute('content')).not.toBe(rendered);
    }), 90_000);

  it('reloads an open page that is not a feature page once the content changes', () =>
    inBrowser(async ({ page }) => {
      await page.goto(`${origin}/registers/nfrs/`);
      await mark(page);
      const file = path.join(content, 'billing/nfr.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('Rate-limit charges per customer', 'Throttle charges per customer'));
      await page.waitForFunction(() => document.body.textContent?.includes('Throttle charges'), null, { timeout: 30_000 });
      expect(await marked(page)).toBe(false);
    }), 90_000);

  it('publishes a bundle folder added while it runs, with its permanent links and contract, and drops it when removed', async () => {
    const copy = path.join(content, 'billing-two');
    await cp(path.join(content, 'billing'), copy, { recursive: true });
    for (const name of await readdir(copy, { recursive: true })) {
      const file = path.join(copy, name);
      if (!/\.(md|ya?ml|json|mmd)$/.test(name)) continue;
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll('BIL', 'BLT').replace(/^title: .*$/m, 'title: Billing two'));
    }
    const page = await poll('/features/billing-two/', (html) => html.includes('Billing two'));
    expect(page).toContain('BLT-NFR-01');
    expect(await poll('/ref/BLT-NFR-01/', (html) => html.includes('/features/billing-two/#BLT-NFR-01'))).toContain('/features/billing-two/#BLT-NFR-01');
    expect(await poll('/', (html) => html.includes('Billing two'))).toContain('/features/billing-two/');
    const api = await poll('/features/billing-two/api/', (html) => /\/features\/billing-two\/[^"/]+\.json/.test(html));
    const contract = api.match(/\/features\/billing-two\/[^"/]+\.json/)![0];
    expect(JSON.parse(await poll(contract, (_body, status) => status === 200))).toHaveProperty('openapi');

    await rm(copy, { recursive: true });
    await poll('/features/billing-two/', (_html, status) => status === 404);
    expect(await poll('/', (html) => !html.includes('Billing two'))).not.toContain('/features/billing-two/');
    expect((await fetch(`${origin}/ref/BLT-NFR-01/`)).status).toBe(404);
  }, 120_000);
});
