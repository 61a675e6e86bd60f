/**
 * Site-wide quality of the built sample portal: no broken internal link or anchor on any page
 * (linkinator, fragments checked), and no serious or critical accessibility violation (axe-core in
 * Chromium) on the pages people land on.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import axe from 'axe-core';
import { LinkChecker } from 'linkinator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT, openPortal, watchedPage } from './harness.ts';

const out = path.join(OUTPUT, 'quality');
let site: Awaited<ReturnType<typeof openPortal>>;

beforeAll(async () => {
  site = await openPortal([], out);
}, 600_000);

afterAll(async () => site?.close());

/** Every HTML page of the build, as a URL on the test server. */
async function pages(): Promise<string[]> {
  const files = await readdir(out, { recursive: true });
  return files
    .filter((f) => f.endsWith('.html'))
    .map((f) => `${site.origin}/${f.replace(/index\.html$/, '').split(path.sep).join('/')}`);
}

describe('the built sample portal', () => {
  it('has no broken internal link or anchor on any page', async () => {
    const checker = new LinkChecker();
    const result = await checker.check({
      path: await pages(),
      recurse: true,
      checkFragments: true,
      concurrency: 8,
      // Only the portal's own pages: ticket URLs and servers in the specs point at other hosts.
      linksToSkip: async (link: string) => !link.startsWith(site.origin),
    });
    const broken = result.links.filter((l) => l.state === 'BROKEN').map((l) => `${l.url} (from ${l.parent ?? '?'}: ${l.status ?? ''})`);
    expect(broken).toEqual([]);
    expect(result.links.filter((l) => l.state === 'OK').length).toBeGreaterThan(100);
  }, 300_000);

  it.each([
    ['the home page', '/'],
    ['a feature page', '/features/checkout/'],
    ['a register', '/registers/threats/'],
    ['the landscape', '/system/'],
    ['an entity page', '/entities/Order/'],
  ])('has no serious or critical accessibility violation on %s', async (_name, route) => {
    const { page } = await watchedPage(site.browser, site.origin);
    await page.goto(`${site.origin}${route}`);
    await page.waitForLoadState('networkidle');
    await page.addScriptTag({ content: axe.source });
    const violations = await page.evaluate(async () => {
      const results = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
      return results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    });
    expect(violations).toEqual([]);
    await page.context().close();
  });
});
