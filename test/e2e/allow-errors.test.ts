/**
 * Preview builds: `specport build --allow-errors` builds content that has errors, and every page
 * concerned says so in a banner, while the default build refuses the same content. The content is
 * the valid two-bundle fixture with one dangling reference in billing and a broken link in no
 * bundle at all.
 */
import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/temp-dirs.ts';
import { launch, ROOT, serve, specport, watchedPage, type RunResult } from './harness.ts';

const tempDir = tempDirs('allow-errors');
let content: string;
let strict: RunResult;
let strictOut: string;
let preview: RunResult;
let origin: string;
let browser: Browser;
let close: () => Promise<void>;

beforeAll(async () => {
  content = path.join(await tempDir(), 'content');
  await cp(path.join(ROOT, 'test/fixtures/portal-valid'), content, { recursive: true });
  const nfr = path.join(content, 'billing/nfr.yaml');
  await writeFile(nfr, (await readFile(nfr, 'utf8')).replace('applies_to: [component:billing_service]', 'applies_to: [component:billing_service, nfr:BIL-NFR-99]'));
  await symlink(path.join(content, 'nowhere.yaml'), path.join(content, 'broken-link.yaml'));

  const out = await tempDir();
  strictOut = path.join(out, 'strict');
  strict = await specport(['build', '--content', content, '--out', strictOut]);
  preview = await specport(['build', '--content', content, '--out', path.join(out, 'preview'), '--allow-errors']);
  if (preview.code !== 0) throw new Error(`specport build --allow-errors failed (${preview.code}):\n${preview.stderr}`);
  const server = await serve(path.join(out, 'preview'));
  origin = server.origin;
  browser = await launch();
  close = async () => {
    await browser.close();
    await server.close();
  };
}, 300_000);

afterAll(async () => close?.());

describe('specport build on content with errors', () => {
  it('refuses by default and builds nothing', () => {
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('refs/unresolved');
    expect(strict.stderr).toContain('--allow-errors');
    expect(existsSync(strictOut)).toBe(false);
  });

  it('builds with --allow-errors, printing the same problems and saying the build is a preview', () => {
    expect(preview.code).toBe(0);
    expect(preview.stderr).toContain('billing/nfr.yaml');
    expect(preview.stderr).toContain('refs/unresolved');
    expect(preview.stderr).toContain('scan/link-outside');
    expect(preview.stderr).toContain('Building anyway (--allow-errors)');
    expect(preview.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses --allow-errors outside build', async () => {
    const run = await specport(['check', '--content', content, '--allow-errors']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--allow-errors is an option of build only.');
  });
});

describe('the preview in Chromium', () => {
  it('shows the errors of a bundle in a banner on its page, and none on a clean page', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(`${origin}/features/billing/`);
    const banner = page.locator('.sp-banner-error[role="alert"]');
    await expect(banner.count()).resolves.toBe(1);
    const text = await banner.innerText();
    expect(text).toContain('This bundle has 1 error');
    expect(text).toContain('billing/nfr.yaml:');
    expect(text).toContain('refs/unresolved');
    expect(text).toContain('BIL-NFR-99');

    await page.goto(`${origin}/features/orders/`);
    expect(await page.locator('.sp-banner-error').count()).toBe(0);
    await expect(page.locator('h1').innerText()).resolves.toBe('Orders');
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('lists errors outside any bundle and the features with errors on the home page, linking to them', async () => {
    const { page } = await watchedPage(browser, origin);
    await page.goto(`${origin}/`);
    const banner = page.locator('.sp-banner-error[role="alert"]');
    const text = await banner.innerText();
    expect(text).toContain('built with 2 errors');
    expect(text).toContain('broken-link.yaml');
    expect(text).toContain('scan/link-outside');
    await banner.getByRole('link', { name: 'Billing' }).click();
    await page.waitForURL(`${origin}/features/billing/`);
    await expect(page.locator('.sp-banner-error').count()).resolves.toBe(1);
    await page.context().close();
  });
});
