/**
 * What a reader's browser gets: the JavaScript a page loads (each response body compressed with
 * gzip -9), whether Scalar's bundle loads outside API pages, and how long a large API page takes
 * to become usable. Chromium through the end-to-end harness; every request to another host than
 * the local server is refused and recorded.
 */
import { constants, gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { watchedPage } from '../../test/e2e/harness.ts';
import type { PageJsFigures, PageJsResult, ScriptFigure } from './report.ts';

const gzipSize = (body: Buffer | string) => gzipSync(body, { level: constants.Z_BEST_COMPRESSION }).length;

/** Scalar's own code names its packages (`@scalar/…`) in the bundle; no other script on the portal does. */
const SCALAR_MARK = '@scalar/';

interface Recorder {
  scripts: () => Promise<Array<ScriptFigure & { scalar: boolean }>>;
}

/** Records every JavaScript response of `page`, once per URL. */
function recordScripts(page: Page): Recorder {
  const pending = new Map<string, Promise<(ScriptFigure & { scalar: boolean }) | undefined>>();
  page.on('response', (response) => {
    const url = response.url();
    const type = response.request().resourceType();
    const contentType = response.headers()['content-type'] ?? '';
    if (pending.has(url) || !(type === 'script' || /javascript|ecmascript/.test(contentType))) return;
    pending.set(
      url,
      response.body().then(
        (body) => ({ url, bytes: body.length, gzip: gzipSize(body), scalar: body.includes(SCALAR_MARK) }),
        () => undefined,
      ),
    );
  });
  return {
    scripts: async () => (await Promise.all(pending.values())).filter((s): s is ScriptFigure & { scalar: boolean } => s !== undefined),
  };
}

/** The page's inline scripts, compressed together. */
async function inlineScriptsGzip(page: Page): Promise<number> {
  const text = await page.evaluate(() =>
    [...document.querySelectorAll('script:not([src])')]
      .filter((s) => !s.getAttribute('type') || /module|javascript/.test(s.getAttribute('type')!))
      .map((s) => s.textContent ?? '')
      .join('\n'),
  );
  return text ? gzipSize(text) : 0;
}

/** Every Mermaid diagram on the page rendered (none at all is fine). */
async function mermaidRendered(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const diagrams = [...document.querySelectorAll('pre.mermaid')];
      return diagrams.every((d) => d.hasAttribute('data-processed'));
    },
    null,
    { timeout, polling: 100 },
  );
}

/** A heading with exactly this text is rendered and visible; resolves to that moment on the page's epoch clock. */
async function headingVisible(page: Page, text: string, timeout: number): Promise<number> {
  const handle = await page.waitForFunction(
    (wanted) => {
      for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')) {
        if (h.textContent?.trim() !== wanted) continue;
        if (h.getClientRects().length > 0 && (h as HTMLElement).checkVisibility({ visibilityProperty: true, opacityProperty: true })) {
          return performance.timeOrigin + performance.now();
        }
      }
      return false;
    },
    text,
    { timeout, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

interface OpenedPage {
  figures: PageJsFigures;
  scripts: Array<ScriptFigure & { scalar: boolean }>;
}

/** Opens `url` in a fresh context and waits for load, network idle and `ready`; then sums its JavaScript. */
async function openAndMeasure(browser: Browser, origin: string, url: string, ready: (page: Page) => Promise<unknown>): Promise<OpenedPage> {
  const { page, foreign } = await watchedPage(browser, origin);
  const recorder = recordScripts(page);
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForLoadState('networkidle', { timeout: 120_000 });
    await ready(page);
    // Whatever the rendering fetched on the way (Mermaid's diagram chunks) has arrived.
    await page.waitForLoadState('networkidle', { timeout: 120_000 });
    const scripts = await recorder.scripts();
    const inlineGzip = await inlineScriptsGzip(page);
    return {
      scripts,
      figures: {
        url,
        scripts: scripts.map(({ url: u, bytes, gzip }) => ({ url: u, bytes, gzip })),
        gzip: scripts.reduce((sum, s) => sum + s.gzip, 0),
        bytes: scripts.reduce((sum, s) => sum + s.bytes, 0),
        inlineGzip,
        foreign: [...foreign],
      },
    };
  } finally {
    await page.context().close();
  }
}

/**
 * The JavaScript of a feature page (after its Mermaid diagrams have rendered) and of the same
 * feature's API page (after Scalar has rendered the first operation), and which scripts only the
 * API page loads.
 */
export async function measurePageJs(browser: Browser, origin: string, options: { n: number; slug: string; firstOperation: string }): Promise<PageJsResult> {
  const feature = await openAndMeasure(browser, origin, `${origin}/features/${options.slug}/`, (page) => mermaidRendered(page, 120_000));
  const api = await openAndMeasure(browser, origin, `${origin}/features/${options.slug}/api/`, (page) => headingVisible(page, options.firstOperation, 120_000));
  const onFeature = new Set(feature.scripts.map((s) => s.url));
  const apiOnly = api.scripts.filter((s) => !onFeature.has(s.url)).map((s) => s.url);
  const apiOnlySet = new Set(apiOnly);
  return {
    n: options.n,
    feature: feature.figures,
    api: api.figures,
    apiOnly,
    scalarOnFeature: feature.scripts.filter((s) => s.scalar || apiOnlySet.has(s.url)).map((s) => s.url),
    scalarOnApi: api.scripts.some((s) => s.scalar),
  };
}

export interface ApiPageTiming {
  /** Navigation start → the first operation's summary shown (the large-contract test's locator) and its heading visible. */
  usableMs: number;
  loadMs: number;
  jsGzip: number;
  foreign: string[];
}

/** Times an API page until it is usable: Scalar has rendered the first operation's heading. */
export async function timeApiPage(browser: Browser, origin: string, route: string, firstOperation: string, timeout = 180_000): Promise<ApiPageTiming> {
  const { page, foreign } = await watchedPage(browser, origin);
  const recorder = recordScripts(page);
  try {
    await page.goto(`${origin}${route}`, { waitUntil: 'commit', timeout });
    const [located, heading] = await Promise.all([
      // What test/e2e/large-contract.test.ts waits for.
      page
        .getByText(firstOperation, { exact: true })
        .first()
        .waitFor({ timeout })
        .then(() => Date.now()),
      headingVisible(page, firstOperation, timeout),
    ]);
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { origin: performance.timeOrigin, load: nav?.loadEventEnd ?? 0 };
    });
    await page.waitForLoadState('networkidle', { timeout });
    const scripts = await recorder.scripts();
    const load = timing.load || (await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventEnd ?? 0));
    return { usableMs: Math.max(located, heading) - timing.origin, loadMs: load, jsGzip: scripts.reduce((sum, s) => sum + s.gzip, 0), foreign: [...foreign] };
  } finally {
    await page.context().close();
  }
}
