/**
 * Offline guarantee: every page of the built sample portal loads in Chromium without a single
 * request to another host (fonts, CDNs, telemetry, Scalar's cloud or proxy), including after the
 * interactions that load more: Mermaid diagrams, the search dialog, Scalar's operations and its
 * API client.
 *
 * Two checks that complement each other:
 * - Static: every built HTML, CSS, JS and SVG file is read for things on other hosts that a
 *   browser loads by itself: stylesheets, scripts, images, frames, fonts, `@import` and `url()`,
 *   preconnect, dns-prefetch and prefetch hints (which no request interception sees), pings,
 *   refreshes, and fetches, beacons and sockets to literal URLs in scripts. Hyperlinks are not
 *   resources: a link in a spec to another site is fine, the reader decides to follow it.
 * - In the browser: Chromium visits every page. Every request leaving the portal's origin is
 *   aborted before it is sent and recorded (this machine has no internet, so a request failing
 *   quietly must still fail the test), and so are WebSockets, EventSources, beacons, WebRTC and
 *   service workers. After each visit the live DOM is read like the static files, for hints and
 *   elements added by scripts.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/temp-dirs.ts';
import { openPortal, ROOT } from './harness.ts';

const tempDir = tempDirs('offline');
let out: string;
let site: Awaited<ReturnType<typeof openPortal>>;

beforeAll(async () => {
  out = path.join(await tempDir(), 'site');
  site = await openPortal(['--content', path.join(ROOT, 'content')], out);
}, 600_000);

afterAll(async () => site?.close());

/** One problem: where it was found and the URL on another host. */
interface Finding {
  where: string;
  what: string;
  url: string;
}
const describeFinding = (f: Finding) => `${f.where}: ${f.what} ${f.url}`;

/** What a document loads by itself, read from its DOM (see `inspectDocument`). */
interface Inspection {
  loads: Array<{ what: string; url: string }>;
  /** `<style>` contents and `style` attributes, read as CSS. */
  styles: string[];
  /** Inline scripts, read like the built JS files. */
  scripts: string[];
  /** Hyperlinks, which are not loaded; read only for links that hand the portal's address over. */
  anchors: string[];
  api: boolean;
  redirect: boolean;
}

/**
 * Reads a document for everything it loads without the reader's say. Runs in the browser (on a
 * built file parsed with DOMParser, which loads nothing, or on a live page), so it is one
 * self-contained function.
 */
function inspectDocument(doc: Document): Inspection {
  // Link types that only describe a relation; every other one (stylesheet, icon, preconnect,
  // dns-prefetch, prefetch, preload, modulepreload, manifest, search…) makes the browser fetch or connect.
  const describing = ['alternate', 'author', 'bookmark', 'canonical', 'external', 'help', 'license', 'me', 'next', 'nofollow', 'noopener', 'noreferrer', 'opener', 'prev', 'sitemap', 'tag'];
  const loads: Array<{ what: string; url: string }> = [];
  const add = (what: string, url: string | null | undefined) => {
    if (url && url.trim()) loads.push({ what, url: url.trim() });
  };
  const srcset = (what: string, value: string | null) => {
    for (const candidate of (value ?? '').split(',')) add(what, candidate.trim().split(/\s+/)[0]);
  };
  for (const link of doc.querySelectorAll('link')) {
    const rel = (link.getAttribute('rel') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    if (rel.length === 0 || rel.every((r) => describing.includes(r))) continue;
    add(`<link rel="${rel.join(' ')}">`, link.getAttribute('href'));
    srcset(`<link rel="${rel.join(' ')}" imagesrcset>`, link.getAttribute('imagesrcset'));
  }
  const attributes: Array<[string, string]> = [
    ['script', 'src'], ['img', 'src'], ['iframe', 'src'], ['frame', 'src'], ['embed', 'src'], ['object', 'data'],
    ['video', 'src'], ['video', 'poster'], ['audio', 'src'], ['source', 'src'], ['track', 'src'], ['input', 'src'], ['base', 'href'],
  ];
  for (const [tag, attribute] of attributes) {
    for (const element of doc.querySelectorAll(`${tag}[${attribute}]`)) add(`<${tag} ${attribute}>`, element.getAttribute(attribute));
  }
  for (const element of doc.querySelectorAll('img[srcset], source[srcset]')) srcset(`<${element.localName} srcset>`, element.getAttribute('srcset'));
  // SVG images and `<use>` fetch what they point at; `#id` fragments are the same document.
  for (const element of doc.querySelectorAll('image, use, feImage')) {
    add(`<${element.localName} href>`, element.getAttribute('href') ?? element.getAttributeNS('http://www.w3.org/1999/xlink', 'href'));
  }
  // `ping` sends a request to each URL when the link is followed: tracking, not navigation.
  for (const element of doc.querySelectorAll('a[ping], area[ping]')) {
    for (const url of (element.getAttribute('ping') ?? '').split(/\s+/)) add('ping', url);
  }
  for (const meta of doc.querySelectorAll('meta[http-equiv]')) {
    if (meta.getAttribute('http-equiv')?.toLowerCase() !== 'refresh') continue;
    add('<meta http-equiv="refresh">', /url\s*=\s*['"]?([^'"]+)/i.exec(meta.getAttribute('content') ?? '')?.[1]);
  }
  const scripts: string[] = [];
  for (const script of doc.querySelectorAll('script:not([src])')) {
    const type = (script.getAttribute('type') ?? '').toLowerCase();
    const text = script.textContent ?? '';
    if (type === 'speculationrules' || type === 'importmap') {
      // Every string in prefetch/prerender rules or an import map is a URL the browser may fetch.
      const urls: string[] = [];
      const walk = (value: unknown) => {
        if (typeof value === 'string') urls.push(value);
        else if (value && typeof value === 'object') Object.values(value).forEach(walk);
      };
      try {
        walk(JSON.parse(text));
      } catch {
        /* not JSON: the browser ignores it too */
      }
      for (const url of urls.filter((u) => /^(?:[a-z][a-z\d+.-]*:)?\/\//i.test(u))) add(`<script type="${type}">`, url);
    } else if (type === '' || type === 'module' || type.includes('javascript')) {
      scripts.push(text);
    }
  }
  const styles = [
    ...[...doc.querySelectorAll('style')].map((s) => s.textContent ?? ''),
    ...[...doc.querySelectorAll('[style]')].map((e) => e.getAttribute('style') ?? ''),
  ];
  const anchors = [...doc.querySelectorAll('a[href], area[href]')].map((a) => a.getAttribute('href') ?? '');
  const redirect = [...doc.querySelectorAll('meta[http-equiv]')].some((m) => m.getAttribute('http-equiv')?.toLowerCase() === 'refresh');
  return { loads, styles, scripts, anchors, api: doc.getElementById('sp-api-reference') !== null, redirect };
}

/** An absolute or protocol-relative URL: the only kind that can leave the portal's host. */
const ABSOLUTE = /^(?:[a-z][a-z\d+.-]*:)?\/\//i;
/** Schemes that never reach a network host. */
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'javascript:', 'mailto:', 'tel:']);

/** Whether `url`, as written in a page at `base`, is on a host other than `base`'s. */
function isForeign(url: string, base: string): boolean {
  try {
    const resolved = new URL(url, base);
    return !LOCAL_SCHEMES.has(resolved.protocol) && resolved.origin !== new URL(base).origin;
  } catch {
    return false;
  }
}

/** What CSS loads: `@import` and every `url()`. */
function cssLoads(css: string): Array<{ what: string; url: string }> {
  const found: Array<{ what: string; url: string }> = [];
  for (const m of css.matchAll(/@import\s+(?:url\(\s*)?["']?([^"')\s;]+)/gi)) found.push({ what: 'CSS @import', url: m[1]! });
  for (const m of css.matchAll(/(?<![\w-])url\(\s*["']?([^"')\s]+)/gi)) found.push({ what: 'CSS url()', url: m[1]! });
  return found;
}

/**
 * What scripts load from literal URLs. Bundles hold many URLs as plain text (documentation links,
 * namespaces, placeholders), so only the constructs that make a request count.
 */
const URL_LITERAL = String.raw`["'\x60]((?:(?:https?|wss?):)?//[^"'\x60\s]+)`;
const SCRIPT_LOADS: Array<[string, RegExp]> = [
  ['CSS url() in a script', /(?<![\w$.-])url\(\s*\\?["']?((?:https?:)?\/\/[^"')\s\\]+)/gi],
  ['CSS @import in a script', /@import\s+(?:url\(\s*)?\\?["']?((?:https?:)?\/\/[^"')\s\\;]+)/gi],
  ['fetch()', new RegExp(String.raw`\bfetch\(\s*${URL_LITERAL}`, 'g')],
  ['XMLHttpRequest', new RegExp(String.raw`\.open\(\s*["'\x60][A-Za-z]+["'\x60]\s*,\s*${URL_LITERAL}`, 'g')],
  ['new WebSocket/EventSource/Worker', new RegExp(String.raw`\bnew\s+(?:WebSocket|EventSource|Worker|SharedWorker)\(\s*${URL_LITERAL}`, 'g')],
  ['sendBeacon()', new RegExp(String.raw`\bsendBeacon\(\s*${URL_LITERAL}`, 'g')],
  ['import()/importScripts()', new RegExp(String.raw`\b(?:importScripts|import)\(\s*${URL_LITERAL}`, 'g')],
  ['src assignment', new RegExp(String.raw`\.src\s*=\s*${URL_LITERAL}`, 'g')],
  ['setAttribute("src")', new RegExp(String.raw`setAttribute\(\s*["'\x60]src["'\x60]\s*,\s*${URL_LITERAL}`, 'g')],
  ['resource element in markup', /<(?:script|img|iframe|source|video|audio|embed|track)\b[^>]{0,300}?\s(?:src|srcset|poster)=\\?["']?((?:https?:)?\/\/[^"'\\\s>]+)/gi],
  ['resource hint in markup', /<link\b[^>]{0,300}?\brel=\\?["']?(?:stylesheet|preconnect|dns-prefetch|prefetch|preload|modulepreload|prerender|icon)\b[^>]{0,300}?\bhref=\\?["']?((?:https?:)?\/\/[^"'\\\s>]+)/gi],
  ['resource hint in markup', /<link\b[^>]{0,300}?\bhref=\\?["']?((?:https?:)?\/\/[^"'\\\s>]+)[^>]{0,300}?\brel=\\?["']?(?:stylesheet|preconnect|dns-prefetch|prefetch|preload|modulepreload|prerender|icon)\b/gi],
  ['service worker registration', /\bserviceWorker\.register\(\s*([^)]{0,100})/g],
];
function scriptLoads(js: string): Array<{ what: string; url: string }> {
  return SCRIPT_LOADS.flatMap(([what, pattern]) => [...js.matchAll(pattern)].map((m) => ({ what, url: m[1]! })));
}

/**
 * Static findings known not to load, each with the reason. The browser visits below would still
 * see such a request if it were made.
 */
const NOT_LOADED: Array<{ file: RegExp; url: RegExp; why: string }> = [
  {
    file: /^_astro\/api\.[^/]*\.js$/,
    url: /^https:\/\/fonts\.scalar\.com\//,
    why: "Scalar's @font-face rules, injected only with its `withDefaultFonts` option, which the API page turns off",
  },
];

/** Sites of the static scan where a service worker registration counts whatever its URL. */
const ALWAYS = new Set(['service worker registration']);

/** `promise`, or an error after `ms` milliseconds. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every file of the build, relative to `out`, `/`-separated. */
async function builtFiles(): Promise<string[]> {
  return (await readdir(out, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(out, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** A built HTML file as the URL path it is served under. */
const pathOf = (file: string) => `/${file.replace(/(^|\/)index\.html$/, '$1')}`;

interface BuiltPage {
  path: string;
  file: string;
  inspection: Inspection;
}

/**
 * Reads every built file; returns the HTML pages and what the files would load from other hosts.
 * HTML is parsed by Chromium's own parser (DOMParser loads and runs nothing).
 */
async function scanBuild(): Promise<{ pages: BuiltPage[]; findings: Finding[] }> {
  const files = await builtFiles();
  const pages: BuiltPage[] = [];
  const findings: Finding[] = [];
  const record = (where: string, what: string, url: string) => {
    if (!ALWAYS.has(what) && !isForeign(url, 'http://portal.invalid/')) return;
    if (NOT_LOADED.some((k) => k.file.test(where) && k.url.test(url))) return;
    findings.push({ where, what, url });
  };

  const parser = await site.browser.newPage();
  await parser.addScriptTag({ content: `window.inspectDocument = ${inspectDocument.toString()};` });
  for (const file of files.filter((f) => f.endsWith('.html'))) {
    const html = await readFile(path.join(out, file), 'utf8');
    const inspection = await parser.evaluate(
      (text) => (window as unknown as { inspectDocument: typeof inspectDocument }).inspectDocument(new DOMParser().parseFromString(text, 'text/html')),
      html,
    );
    pages.push({ path: pathOf(file), file, inspection });
    for (const { what, url } of inspection.loads) record(file, what, url);
    for (const { what, url } of inspection.styles.flatMap(cssLoads)) record(file, what, url);
    for (const { what, url } of inspection.scripts.flatMap(scriptLoads)) record(file, what, url);
  }
  await parser.close();

  for (const file of files.filter((f) => /\.(css|m?js|svg)$/.test(f))) {
    const text = await readFile(path.join(out, file), 'utf8');
    const found = file.endsWith('.css') ? cssLoads(text) : scriptLoads(text);
    if (file.endsWith('.svg')) for (const m of text.matchAll(/\s(?:xlink:)?href=["']((?:https?:)?\/\/[^"']+)/g)) found.push({ what: 'SVG href', url: m[1]! });
    for (const { what, url } of found) record(file, what, url);
  }
  console.info(`offline (static): ${files.length} built files, ${pages.length} HTML pages, ${findings.length} finding(s)`);
  return { pages, findings };
}
let scanned: ReturnType<typeof scanBuild> | undefined;
const scan = () => (scanned ??= scanBuild());

describe('the sample portal offline', () => {
  it('ships no file that loads anything from another host (static scan)', async () => {
    const { pages, findings } = await scan();
    expect(pages.length).toBeGreaterThan(200);
    expect(findings.map(describeFinding)).toEqual([]);
  }, 120_000);

  it('loads every page in Chromium with zero requests to other hosts', async () => {
    const { pages } = await scan();
    const { origin, browser } = site;
    const findings: Finding[] = [];
    const counts = { requests: 0, pages: 0, diagrams: 0, apiPages: 0, sent: 0 };
    /** The page each tab is visiting, for naming it in findings. */
    const visiting = new Map<Page, string>();
    /** Tabs whose "Send" was just pressed in Scalar's client, with the hosts of the contract's servers. */
    const sending = new Map<Page, Set<string>>();
    /**
     * Tabs on a permanent link (`/ref/<ID>/`), which sends the reader on to the item's page at
     * once. That page is visited on its own; here the onward navigation is stopped and its URL kept.
     */
    const redirecting = new Map<Page, (url: string) => void>();
    const whereOf = (request: Request) => {
      try {
        const page = request.frame().page();
        return visiting.get(page) ?? page.url();
      } catch {
        return '(no page: a worker)'; // service worker requests have no frame
      }
    };
    const pageOf = (request: Request): Page | undefined => {
      try {
        return request.frame().page();
      } catch {
        return undefined;
      }
    };

    // Service workers blocked: their requests would bypass the page, and the portal registers none.
    const context: BrowserContext = await browser.newContext({ serviceWorkers: 'block' });
    context.on('request', () => counts.requests++);
    await context.route('**/*', (route) => {
      const request = route.request();
      const url = request.url();
      const page = pageOf(request);
      const onward = page && request.isNavigationRequest() && request.frame() === page.mainFrame() ? redirecting.get(page) : undefined;
      if (onward && new URL(url).pathname !== visiting.get(page!)) {
        onward(url);
        if (!isForeign(url, origin)) return route.abort('aborted');
      }
      if (!isForeign(url, origin)) return route.continue();
      const servers = page && sending.get(page);
      if (servers?.has(new URL(url).host)) counts.sent++;
      else findings.push({ where: whereOf(request), what: `request (${request.resourceType()})`, url });
      return route.abort('blockedbyclient');
    });
    // WebSockets are not HTTP requests: route them all, connect none, record any to another host.
    await context.routeWebSocket(/.*/, (socket) => {
      findings.push({ where: '(WebSocket)', what: 'WebSocket', url: socket.url() });
      socket.close();
    });
    context.on('serviceworker', (worker) => findings.push({ where: '(context)', what: 'service worker', url: worker.url() }));
    // Browser APIs that send or connect outside the request pipeline, or whose requests may not be
    // routed (beacons sent on unload), are recorded where they are called.
    await context.exposeBinding('__specportOffline', ({ page }, what: string, url: string) => {
      const where = visiting.get(page) ?? page.url();
      if (what === 'serviceWorker.register' || what.includes('RTCPeerConnection') || isForeign(url, origin)) findings.push({ where, what, url });
    });
    await context.addInitScript(() => {
      const report = (what: string, url: unknown) => {
        let href = String(url);
        try {
          href = new URL(href, location.href).href;
        } catch {
          /* keep it as written */
        }
        void (window as unknown as { __specportOffline?: (what: string, url: string) => Promise<void> }).__specportOffline?.(what, href);
      };
      const scope = window as unknown as Record<string, unknown>;
      for (const name of ['WebSocket', 'EventSource', 'RTCPeerConnection', 'webkitRTCPeerConnection']) {
        const Native = scope[name];
        if (typeof Native !== 'function') continue;
        scope[name] = new Proxy(Native, {
          construct(target, args, newTarget) {
            report(name, typeof args[0] === 'object' ? JSON.stringify(args[0]) : args[0]);
            return Reflect.construct(target, args, newTarget) as object;
          },
        });
      }
      const beacon = navigator.sendBeacon?.bind(navigator);
      if (beacon) {
        navigator.sendBeacon = (url, data) => {
          report('sendBeacon', url);
          return beacon(url, data);
        };
      }
      const container = navigator.serviceWorker;
      if (container) {
        const register = container.register.bind(container);
        container.register = (url, options) => {
          report('serviceWorker.register', url);
          return register(url, options);
        };
      }
    });

    /** The live DOM after the visit: resources, hints and links added by scripts. */
    const inspectLive = async (page: Page, where: string) => {
      const live = (await page.evaluate(`(${inspectDocument.toString()})(document)`)) as Inspection;
      const base = page.url();
      for (const { what, url } of [...live.loads, ...live.styles.flatMap(cssLoads)]) {
        if (isForeign(url, base)) findings.push({ where, what: `${what} in the live page`, url });
      }
      // A link is the reader's choice, but one that carries this portal's address (Scalar's
      // "Open API Client") hands the portal's documents to another host when followed.
      for (const href of live.anchors) {
        if (isForeign(href, base) && (href.includes(origin) || href.includes(encodeURIComponent(origin)))) findings.push({ where, what: 'link handing the portal URL to another host', url: href });
      }
    };

    /** Scalar: open an operation, its "Test Request" client, and send once. */
    const exerciseScalar = async (page: Page) => {
      const reference = page.locator('#sp-api-reference');
      await reference.getByRole('button', { name: /Test Request/ }).first().waitFor({ timeout: 30_000 });
      await reference.locator('a[href*="tag/"]', { hasText: 'HTTP Method' }).last().click();
      await page.waitForLoadState('networkidle');
      await reference.getByRole('button', { name: /Test Request/ }).first().click();
      const client = page.getByRole('dialog');
      await client.waitFor({ timeout: 10_000 });
      await page.waitForLoadState('networkidle');
      // "Send" calls the API itself: allowed to reach the servers the contracts declare, and only
      // them, so a detour through Scalar's proxy shows up as a request to another host.
      const servers = new Set<string>();
      for (const link of await page.locator('.sp-api-contracts a[download]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
        const document = (await (await fetch(link)).json()) as { servers?: Array<{ url?: string }> };
        for (const server of document.servers ?? []) if (server.url && ABSOLUTE.test(server.url)) servers.add(new URL(server.url).host);
      }
      sending.set(page, servers);
      await client.getByRole('button', { name: /^Send/ }).filter({ visible: true }).first().click();
      await page.waitForTimeout(500);
      await page.waitForLoadState('networkidle');
      sending.delete(page);
      counts.apiPages++;
    };

    const visit = async (page: Page, target: BuiltPage) => {
      visiting.set(page, target.path);
      const onward = target.inspection.redirect ? new Promise<string>((resolve) => redirecting.set(page, resolve)) : undefined;
      // A permanent link's own document never reaches `load`: leaving for the item's page stops it.
      const response = await page.goto(`${origin}${target.path}`, { waitUntil: onward ? 'commit' : 'load' });
      if (!response?.ok()) findings.push({ where: target.path, what: `HTTP ${response?.status() ?? 'no response'} for`, url: `${origin}${target.path}` });
      if (onward) {
        const to = new URL(await within(onward, 15_000, 'the permanent link did not redirect'));
        if (to.origin === origin && !known.has(to.pathname)) findings.push({ where: target.path, what: 'redirect to a page the portal does not have', url: to.href });
        await page.waitForLoadState('networkidle');
        counts.pages++;
        return; // its HTML, read whole by the static scan, holds nothing else
      }
      await page.waitForLoadState('networkidle');
      const diagrams = await page.locator('pre.mermaid').count();
      if (diagrams > 0) {
        // Rendered, or replaced by Mermaid's error message: either way every chunk it needed has loaded.
        await page.waitForFunction(() => [...document.querySelectorAll('pre.mermaid')].every((d) => d.hasAttribute('data-processed')), undefined, { timeout: 90_000 });
        counts.diagrams += diagrams;
      }
      if (target.inspection.api) await exerciseScalar(page);
      await page.waitForLoadState('networkidle');
      await inspectLive(page, target.path);
      counts.pages++;
    };

    const known = new Set(pages.map((p) => p.path));
    // Several tabs of one context visit the pages in parallel.
    const queue = [...pages];
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const page = await context.newPage();
        for (let target = queue.shift(); target; target = queue.shift()) {
          await visit(page, target)
            .catch((error: Error) => failures.push(`${target!.path}: ${error.message.split('\n')[0]}`))
            .finally(() => redirecting.delete(page));
        }
        await page.close();
      }),
    );

    // The search dialog, once: Pagefind loads its index and result fragments on demand.
    const page = await context.newPage();
    visiting.set(page, '/ (search)');
    await page.goto(`${origin}/`);
    await page.waitForSelector('site-search button[data-open-modal]:not([disabled])');
    await page.waitForSelector('#starlight__search .pagefind-ui__search-input', { state: 'attached' });
    await page.keyboard.press('Control+k');
    await page.keyboard.type('checkout');
    await page.waitForSelector('#starlight__search .pagefind-ui__result-link', { timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    await inspectLive(page, '/ (search)');
    await context.close();

    console.info(
      `offline: ${counts.pages} pages, ${counts.requests} requests, ${counts.diagrams} diagrams, ${counts.apiPages} API pages exercised, ` +
        `${counts.sent} test request(s) sent to the contracts' own servers, ${findings.length} finding(s)`,
    );
    expect([...failures, ...findings.map(describeFinding)]).toEqual([]);
    expect(counts.pages).toBe(pages.length);
    expect(counts.apiPages).toBeGreaterThan(0);
    expect(counts.sent).toBeGreaterThan(0);
  }, 600_000);
});
