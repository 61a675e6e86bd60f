/**
 * The portal under a sub-path, as on a GitHub Pages project site: a project whose
 * specport.config.yaml sets `base: /specs/` builds the sample content with `specport build`, the
 * test server answers only below /specs/, and every URL the portal writes, follows or fetches has
 * to stay below it. A URL that forgets the base is a 404 here, as it would be on the real host.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalJson } from '../../src/core/export.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';
import { launch, ROOT, serve, specport, watchedPage } from './harness.ts';

const BASE = '/specs/';
// A project folder of the user's own, outside Specport's: only its config file says where things are.
const tempDir = tempDirs('base-path');
let project: string;
let out: string;

let origin: string;
let browser: Browser;
let portal: PortalJson;
let close: () => Promise<void>;

beforeAll(async () => {
  project = await tempDir();
  out = path.join(project, 'site');
  // What a user writes: the base and the content root, relative to the config file.
  const content = path.relative(project, path.join(ROOT, 'content')).split(path.sep).join('/');
  await writeFile(path.join(project, 'specport.config.yaml'), `base: ${BASE}\ncontent: ${content}\n`);
  const build = await specport(['build', '--out', out], {}, { cwd: project });
  if (build.code !== 0) throw new Error(`specport build failed (${build.code}):\n${build.stderr}${build.stdout}`);
  const server = await serve(out, { prefix: BASE });
  origin = server.origin;
  browser = await launch();
  close = async () => {
    await browser.close();
    await server.close();
  };
  portal = (await (await fetch(`${origin}${BASE}portal.json`)).json()) as PortalJson;
}, 600_000);

afterAll(async () => close?.());

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
const decode = (value: string) => value.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name: string) => ENTITIES[name]!);

/**
 * Every URL an HTML page makes the browser follow or load: the URL attributes of its tags
 * (`href`, `src`, `action`, `srcset`, `poster`, `xlink:href`), the target of a meta refresh, and
 * the `location.replace` of a permanent-link page. Text in the page is escaped, so only real
 * tags match.
 */
function urlsOf(html: string): string[] {
  const urls: string[] = [];
  for (const [tag] of html.matchAll(/<[a-zA-Z][^\s>/]*(?:\s[^>]*)?>/g)) {
    const attributes = new Map([...tag.matchAll(/\s([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((m) => [m[1]!.toLowerCase(), decode(m[2] ?? m[3] ?? '')]));
    for (const name of ['href', 'src', 'action', 'poster', 'xlink:href']) {
      const value = attributes.get(name);
      if (value !== undefined) urls.push(value.trim());
    }
    const srcset = attributes.get('srcset');
    if (srcset) urls.push(...srcset.split(',').map((candidate) => candidate.trim().split(/\s+/)[0]!));
    if (attributes.get('http-equiv')?.toLowerCase() === 'refresh') {
      const target = /url\s*=\s*(.+)$/i.exec(attributes.get('content') ?? '')?.[1];
      if (target !== undefined) urls.push(target.trim());
    }
  }
  for (const m of html.matchAll(/location\.replace\(("(?:[^"\\]|\\.)*")\)/g)) urls.push(JSON.parse(m[1]!) as string);
  return urls;
}

/** The file a static host serves for a path below the base, if there is one. */
async function fileFor(pathname: string): Promise<string | undefined> {
  const relative = decodeURI(pathname.slice(BASE.length));
  for (const candidate of [relative, path.join(relative, 'index.html'), `${relative}.html`]) {
    const file = path.join(out, candidate);
    if (await stat(file).then((s) => s.isFile(), () => false)) return file;
  }
  return undefined;
}

describe(`the sample portal built with base ${BASE}`, () => {
  it('writes every internal URL of every page under the base, and each one leads to a file of the build', async () => {
    const pages = (await readdir(out, { recursive: true })).filter((f) => f.endsWith('.html')).map((f) => f.split(path.sep).join('/'));
    expect(pages.length).toBeGreaterThan(100);
    const outside: string[] = [];
    const missing: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const url of urlsOf(await readFile(path.join(out, page), 'utf8'))) {
        // Other hosts (`https:`, `mailto:`, `//cdn`), inline data and same-page anchors are not the base's business.
        if (url === '' || url.startsWith('#') || url.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(url)) continue;
        const resolved = new URL(url, `http://portal${BASE}${page}`);
        if (!url.startsWith(BASE) && url.startsWith('/')) outside.push(`${page}: ${url}`);
        else if (!resolved.pathname.startsWith(BASE)) outside.push(`${page}: ${url} (resolves to ${resolved.pathname})`);
        else if (!(await fileFor(resolved.pathname))) missing.push(`${page}: ${url}`);
        checked++;
      }
    }
    expect(outside, 'URLs that miss the base path').toEqual([]);
    expect(missing, 'URLs under the base path with no file behind them').toEqual([]);
    expect(checked).toBeGreaterThan(2000);
  }, 120_000);

  it('publishes portal.json with every link and permanent link under the base', () => {
    const links = [
      ...portal.features.flatMap((f) => [f.href, f.permalink]),
      ...portal.items.flatMap((i) => [i.href, i.permalink]),
      ...portal.operations.flatMap((o) => [o.href, o.permalink]),
    ];
    expect(links.length).toBeGreaterThan(100);
    expect(links.filter((href) => !href.startsWith(BASE))).toEqual([]);
  });

  it('serves the editor schemas with their $id under the base', async () => {
    const response = await fetch(`${origin}${BASE}schemas/nfr.schema.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { $id: string }).$id).toBe(`${BASE}schemas/nfr.schema.json`);
  });
});

describe(`reading the portal under ${BASE} in Chromium`, () => {
  /** A page that also records every response of the portal's origin that is not a success. */
  async function open() {
    const watched = await watchedPage(browser, origin);
    const failed: string[] = [];
    watched.page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    return { ...watched, failed };
  }

  /** Clicks `link` and waits for the page it points at, which must be below the base. */
  async function follow(page: Page, link: ReturnType<Page['locator']>): Promise<string> {
    const href = (await link.getAttribute('href'))!;
    expect(href.startsWith(BASE), href).toBe(true);
    await link.click();
    await page.waitForURL(`${origin}${href}`, { timeout: 15_000 });
    return href;
  }

  const heading = (page: Page) => page.locator('h1').first().textContent().then((t) => t?.trim());

  it('goes from the home page to a feature, to a wiki link of its story, to a register and on to an item', async () => {
    const { page, foreign, consoleErrors, failed } = await open();
    await page.goto(`${origin}${BASE}`);
    await expect(heading(page)).resolves.toBe('Spec portal');

    const checkout = portal.features.find((f) => f.slug === 'checkout')!;
    // Links are found by what they say, so that one missing the base fails on its href, not on a timeout.
    await follow(page, page.locator('main').getByRole('link', { name: checkout.title, exact: true }).first());
    await expect(heading(page)).resolves.toBe(checkout.title);
    // The sidebar marks the page the reader is on by comparing paths, base included.
    await expect(page.getByRole('navigation', { name: 'Main' }).locator('a[aria-current="page"]').getAttribute('href')).resolves.toBe(checkout.href);

    // A wiki link to another feature, rendered into the story's HTML by the core.
    const story = page.locator('.sp-story a.sp-ref[href*="features/"]:not([href*="#"])').first();
    const href = await follow(page, story);
    const linked = portal.features.find((f) => f.href === href)!;
    expect(linked, href).toBeDefined();
    await expect(heading(page)).resolves.toBe(linked.title);

    // Starlight's sidebar, from the astro.config.mjs entries.
    await follow(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'NFRs', exact: true }));
    await expect(heading(page)).resolves.toBe('NFR register');
    const nfr = page.locator('table a[href*="features/"][href*="#"]').first();
    const target = await follow(page, nfr);
    await expect(page.evaluate((id) => document.getElementById(decodeURIComponent(id)) !== null, target.split('#')[1]!)).resolves.toBe(true);

    expect(failed).toEqual([]);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('opens the API page from a feature and loads the contract into Scalar', async () => {
    const feature = portal.features.find((f) => f.slug === 'checkout')!;
    const { page, foreign, consoleErrors, failed } = await open();
    await page.goto(`${origin}${BASE}features/${feature.slug}/`);
    await follow(page, page.getByRole('link', { name: 'Open the interactive reference' }).first());
    await expect(heading(page)).resolves.toBe(`${feature.title}: API reference`);
    // Scalar fetches the contract JSON from the page's `data-sources`; its operations appear only if that worked.
    const operation = portal.operations.find((o) => o.feature === feature.slug && o.summary)!;
    await page.getByText(operation.summary, { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(failed).toEqual([]);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('sends a permanent link on to its item', async () => {
    const nfr = portal.items.find((i) => i.kind === 'nfr')!;
    expect(nfr.permalink).toBe(`${BASE}ref/${nfr.id}/`);
    const { page, failed } = await open();
    await page.goto(`${origin}${nfr.permalink}`);
    await page.waitForURL(`${origin}${nfr.href}`, { timeout: 15_000 });
    await expect(page.evaluate((id) => document.getElementById(id) !== null, nfr.id)).resolves.toBe(true);
    // The diagrams above the item render after the jump and push it down; it must still be in view.
    await page.waitForFunction(() => [...document.querySelectorAll('pre.mermaid')].every((pre) => pre.querySelector('svg')), null, { timeout: 15_000 });
    await page.waitForTimeout(300);
    const top = await page.evaluate((id) => document.getElementById(id)!.getBoundingClientRect().top, nfr.id);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(await page.evaluate(() => innerHeight));
    expect(failed).toEqual([]);
    await page.context().close();
  });

  it('finds an operation by its ID in the search dialog and follows the first result to it', async () => {
    const op = portal.operations.find((o) => o.operationId === 'createOrder')!;
    const { page, foreign, consoleErrors, failed } = await open();
    await page.goto(`${origin}${BASE}`);
    await page.waitForSelector('site-search button[data-open-modal]:not([disabled])');
    // Pagefind's UI is created once the page is idle; its index lives under the base.
    await page.waitForSelector('#starlight__search .pagefind-ui__search-input', { state: 'attached' });
    await page.keyboard.press('Control+k');
    await page.keyboard.type(op.operationId);
    const first = page.locator('#starlight__search .pagefind-ui__result-link').first();
    await first.waitFor({ timeout: 15_000 });
    await expect(first.textContent()).resolves.toContain(op.operationId);
    await first.click();
    await page.waitForURL(`${origin}${op.href}`, { timeout: 15_000 });
    await expect(page.evaluate((id) => document.getElementById(id) !== null, op.operationId)).resolves.toBe(true);
    expect(failed).toEqual([]);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('leads from the not-found page back to the feature index', async () => {
    const { page, failed } = await open();
    await page.goto(`${origin}${BASE}404.html`);
    await expect(heading(page)).resolves.toBe('Not found');
    await follow(page, page.getByRole('link', { name: 'feature index' }));
    await expect(heading(page)).resolves.toBe('Spec portal');
    expect(failed).toEqual([]);
    await page.context().close();
  });
});

describe(`npm run dev with base ${BASE}`, () => {
  it('answers a permanent link below the base, as the built site does, and the live preview\'s version there', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    // The project folder holds the config, so the dev server reads `base` from it as `npm run dev` would.
    const dev = spawn(process.execPath, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'dev', '--root', ROOT, '--host', '127.0.0.1', '--port', String(port)], {
      cwd: project,
      // Vitest's own import.meta.env variables must not leak into the dev server.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL', 'NODE_ENV', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST'].includes(k))), ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: 'ignore',
    });
    try {
      const nfr = portal.items.find((i) => i.kind === 'nfr')!;
      // The server answers once it is ready; until then the connection is refused.
      let response: Response | undefined;
      const until = Date.now() + 120_000;
      while (!response && Date.now() < until) {
        response = await fetch(`http://127.0.0.1:${port}${nfr.permalink}`).catch(() => undefined);
        if (!response) await new Promise((r) => setTimeout(r, 500));
      }
      expect(response?.status).toBe(200);
      expect(await response!.text()).toContain(`location.replace(${JSON.stringify(nfr.href)})`);
      // What an open page asks to learn whether it missed an edit, below the base too.
      const version = await fetch(`http://127.0.0.1:${port}${BASE}__specport/live-version.txt`);
      expect(version.status).toBe(200);
      expect(await version.text()).toMatch(/^[1-9][0-9]*$/);
    } finally {
      dev.kill();
    }
  }, 180_000);
});
