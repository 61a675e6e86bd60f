/**
 * No script from a spec runs. `test/fixtures/xss/` holds bundles whose every text field that
 * reaches a page (frontmatter, story Markdown, NFRs, threats, edge cases, Mermaid labels and
 * directives, sequence metadata, OpenAPI descriptions and URLs) carries an XSS payload. A payload
 * that ran would add its own ID to `window.__xss` (`push(/story-img/.source)`) or open a dialog
 * naming it (`alert(/api-contact-url/.source)`), so a failure names the field.
 *
 * The portal is built with the real CLI, then read twice:
 * - as built files, parsed without running anything: no event handler, script, `srcdoc` or
 *   script URL carries spec text, no script bundle holds spec text, and the Mermaid configuration
 *   the pages load is `securityLevel: strict`;
 * - in Chromium, every page: after Mermaid and Scalar have rendered, diagram nodes have been
 *   hovered and clicked, Scalar's schemas, API client (when shown) and search have been opened
 *   and the site search has listed results for payload words, no flag is set, no dialog opened,
 *   and no `href`, `src`, `action`, `formaction` or `xlink:href` of the live DOM holds a
 *   `javascript:` (or `data:` document) URL.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPortal, ROOT } from './harness.ts';

const FIXTURE = path.join(ROOT, 'test/fixtures/xss');

let out: string;
let site: Awaited<ReturnType<typeof openPortal>>;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'specport-xss-'));
  // The fixture passes `check` (warnings only), so a plain build must succeed.
  site = await openPortal(['--content', FIXTURE], out);
}, 600_000);

afterAll(async () => {
  await site?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// What counts as a hole

/** The payload IDs a piece of text carries: `/story-img/.source`, alert`swagger-host`, also inside base64 `data:` URLs. */
function payloadIds(text: string): string[] {
  text += [...text.matchAll(/;base64,([A-Za-z0-9+/=]+)/g)].map((m) => ` ${Buffer.from(m[1]!, 'base64').toString('latin1')}`).join('');
  const ids = [...text.matchAll(/\/([a-z0-9]+(?:-[a-z0-9]+)+)\/\.source|`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1] ?? m[2]!);
  return ids.length > 0 ? [...new Set(ids)] : ['(no payload ID)'];
}

/**
 * What in a document could run spec text: inline event handlers, scripts or `srcdoc` holding a
 * payload, and URL attributes (`href`, `src`, `action`, `formaction`, `xlink:href`…) holding a
 * `javascript:` URL or a `data:` URL that is not an image. Self-contained (no outer variables),
 * because the browser runs it, over built files parsed inertly and over the live DOM.
 */
function inspectDocument(doc?: Document): string[] {
  const root = doc ?? document;
  // Every payload of the fixture sets the window flag or opens a dialog: this marks its text.
  const marker = /__xss|alert[(`]/;
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'srcset', 'data', 'background', 'cite', 'ping', 'codebase', 'longdesc', 'lowsrc', 'dynsrc', 'manifest']);
  const entities: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', lpar: '(', rpar: ')', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  // The scheme as a browser reads it, decoding character references once more than the parser
  // did (to be strict) and dropping the whitespace and control characters it ignores.
  const normalise = (value: string) =>
    value
      .replace(/&(?:#x([0-9a-f]+)|#(\d+)|([a-z]+));?/gi, (all, hex?: string, dec?: string, name?: string) =>
        hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : (entities[name!.toLowerCase()] ?? all),
      )
      .replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
      .toLowerCase();
  const unsafe = (tag: string, value: string) => {
    const url = normalise(value);
    if (/(?:java|vb|live)script:/.test(url)) return true;
    return url.startsWith('data:') && !(url.startsWith('data:image/') && ['img', 'image', 'source', 'input'].includes(tag));
  };
  // Pagefind's own search form (written by its UI, never from a spec) is the one script URL allowed.
  const allowed = (element: Element, name: string, value: string) => element.matches('form.pagefind-ui__form') && name === 'action' && value === 'javascript:void(0);';
  const clip = (text: string) => text.replace(/\s+/g, ' ').slice(0, 160);
  const found: string[] = [];
  const visit = (scope: Document | ShadowRoot) => {
    for (const element of scope.querySelectorAll('*')) {
      const tag = element.localName.toLowerCase();
      for (const attribute of element.attributes) {
        const name = attribute.name.toLowerCase();
        const value = attribute.value;
        if (urlAttributes.has(name) && unsafe(tag, value) && !allowed(element, name, value)) found.push(`<${tag} ${name}="${clip(value)}">: script or data URL`);
        else if (name.startsWith('on')) found.push(`<${tag} ${name}="${clip(value)}">: inline event handler`);
        else if (name === 'srcdoc' && marker.test(value)) found.push(`<${tag} srcdoc="${clip(value)}">: spec text in srcdoc`);
        else if (tag === 'meta' && name === 'content' && /refresh/i.test(element.getAttribute('http-equiv') ?? '') && unsafe('a', value.replace(/^[^;]*;\s*url=/i, ''))) {
          found.push(`<meta http-equiv="refresh" content="${clip(value)}">: script URL`);
        }
      }
      if (tag === 'script' && marker.test(element.textContent ?? '')) found.push(`<script>${clip(element.textContent ?? '')}</script>: spec text in a script`);
      if (element.shadowRoot) visit(element.shadowRoot);
    }
  };
  visit(root);
  return found;
}

// ---------------------------------------------------------------------------------------------
// The built files

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** `/features/x/index.html` → `/features/x/`; `/404.html` stays. */
const urlOf = (file: string) => `/${path.relative(out, file).split(path.sep).join('/')}`.replace(/(^|\/)index\.html$/, '$1');

/**
 * A blank page that parses HTML with the browser's own parser (DOMParser: nothing runs, nothing
 * loads) and inspects it.
 */
async function markupReader(context: BrowserContext) {
  const page = await context.newPage();
  await page.addScriptTag({ content: `window.inspectDocument = ${inspectDocument.toString()};` });
  type Reader = Window & { inspectDocument: typeof inspectDocument };
  return {
    inspect: (html: string) => page.evaluate((html) => (window as unknown as Reader).inspectDocument(new DOMParser().parseFromString(html, 'text/html')), html),
    attribute: (html: string, selector: string, name: string) =>
      page.evaluate(([html, selector, name]) => new DOMParser().parseFromString(html, 'text/html').querySelector(selector)?.getAttribute(name) ?? null, [html, selector, name] as const),
    close: () => page.close(),
  };
}

describe('the built XSS portal, read as files', () => {
  it('puts no spec text into event handlers, scripts, srcdoc or script URLs', async () => {
    const files = await filesUnder(out);
    const html = files.filter((f) => f.endsWith('.html'));
    expect(html.length).toBeGreaterThan(20);
    const findings: string[] = [];
    const report = (page: string, what: string) => findings.push(`${page}: ${what} [payload ${payloadIds(what).join(', ')}]`);
    const context = await site.browser.newContext();
    try {
      const reader = await markupReader(context);
      for (const file of html) for (const what of await reader.inspect(await readFile(file, 'utf8'))) report(urlOf(file), what);
    } finally {
      await context.close();
    }
    // Scripts are the portal's and its libraries' code: spec text never belongs in them, and an
    // attribute written by a script must not be a script URL (Pagefind's form is the exception).
    for (const file of files.filter((f) => /\.m?js$/.test(f))) {
      const text = await readFile(file, 'utf8');
      if (/__xss/.test(text)) report(urlOf(file), `spec text in a script: ${/.{0,80}__xss.{0,80}/.exec(text)?.[0]}`);
      for (const match of text.matchAll(/(?:href|src|action|formaction)["'`]?\s*[,:=]\s*\\?["'`]\s*(javascript:[^"'`]{0,80})/gi)) {
        if (match[1] !== 'javascript:void(0);') report(urlOf(file), `script writes a script URL: ${match[0]}`);
      }
    }
    expect(findings).toEqual([]);
  });

  it('loads Mermaid with securityLevel strict', async () => {
    const scripts = (await filesUnder(out)).filter((f) => f.endsWith('.js'));
    // astro-mermaid's page script holds the configuration it passes to mermaid.initialize().
    const configs: string[] = [];
    for (const file of scripts) {
      for (const match of (await readFile(file, 'utf8')).matchAll(/\{startOnLoad:(?:!1|false),theme:[^{}]*\}/g)) configs.push(match[0]);
    }
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) expect(config).toMatch(/securityLevel:\s*["'`]strict["'`]/);
  });
});

// ---------------------------------------------------------------------------------------------
// In Chromium

interface Visit {
  url: string;
  /** Payloads that ran: flags set and dialogs opened. */
  ran: string[];
  findings: string[];
  /** Payload IDs the page shows as text (rendered text and diagram labels). */
  shown: string[];
}

/** Every frame's `window.__xss`. */
async function flagsOf(page: Page): Promise<string[]> {
  const flags: string[] = [];
  for (const frame of page.frames()) {
    const value = await frame.evaluate(() => (window as unknown as { __xss?: unknown }).__xss).catch(() => undefined);
    if (value !== undefined) flags.push(`window.__xss = ${JSON.stringify(value)}${frame === page.mainFrame() ? '' : ` in frame ${frame.url()}`}`);
  }
  return flags;
}

async function inspectFrames(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const frame of page.frames()) {
    const list = await frame.evaluate(inspectDocument, undefined).catch((error: Error) => [`could not inspect frame ${frame.url()}: ${error.message}`]);
    found.push(...list.map((f) => (frame === page.mainFrame() ? f : `${f} (frame ${frame.url()})`)));
  }
  return found;
}

/** Lets pending work (image errors, timers, Vue updates) happen before flags are read. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.waitForTimeout(200);
}

async function waitForDiagrams(page: Page, findings: string[]) {
  if ((await page.locator('pre.mermaid').count()) === 0) return;
  await page.waitForFunction(() => [...document.querySelectorAll('pre.mermaid')].every((p) => p.hasAttribute('data-processed')), null, { timeout: 30_000 });
  // A diagram that fails to render never exercises the payloads in its labels.
  const failed = await page.locator('pre.mermaid', { hasText: 'Error rendering diagram' }).allTextContents();
  for (const text of failed) findings.push(`a diagram did not render (${text.slice(0, 160)})`);
}

/** Hovers and clicks what a reader would in the diagrams: nodes, actors, entities, labels, links. */
async function pokeDiagrams(page: Page) {
  const targets = page.locator('pre.mermaid svg :is(g.node, g.actor, rect.actor, text.actor, g.edgeLabel, [id^="entity-"], g.person-man, a, text.messageText, g.note)');
  const count = Math.min(await targets.count(), 80);
  const start = page.url();
  for (let i = 0; i < count; i++) {
    const target = targets.nth(i);
    await target.hover({ force: true, timeout: 1_000 }).catch(() => undefined);
    await target.click({ force: true, timeout: 1_000, noWaitAfter: true }).catch(() => undefined);
    // A node whose link was followed leaves the page; come back and go on.
    if (page.url().split('#')[0] !== start.split('#')[0]) await page.goto(start);
  }
}

/** Scalar: wait for the reference, expand schemas, open the API client (if shown) and Scalar's search. */
async function pokeScalar(page: Page) {
  await page.locator('#sp-api-reference .references-rendered').first().waitFor({ timeout: 30_000 });
  const show = page.locator('#sp-api-reference button', { hasText: /^Show/ });
  for (let i = 0; i < Math.min(await show.count(), 20); i++) await show.nth(i).click({ timeout: 1_000 }).catch(() => undefined);
  const testRequest = page.locator('#sp-api-reference button', { hasText: 'Test Request' }).first();
  if (await testRequest.count()) {
    await testRequest.click({ timeout: 10_000 }).catch(() => undefined);
    await settle(page);
    await page.keyboard.press('Escape');
  }
  const searchButton = page.locator('#sp-api-reference button', { hasText: 'Open Search' }).first();
  // On a loaded machine the request client may still be closing over the button: close it again and retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await searchButton.click({ timeout: 3_000 });
      break;
    } catch (error) {
      if (attempt === 5) throw error;
      await page.keyboard.press('Escape');
      await settle(page);
    }
  }
  await page.keyboard.type('img', { delay: 20 });
  await settle(page);
  await page.keyboard.press('Escape');
}

/** Starlight's search modal, with payload words, so that Pagefind renders results and excerpts. */
async function pokeSearch(page: Page): Promise<number> {
  await page.waitForSelector('site-search button[data-open-modal]:not([disabled])');
  await page.waitForSelector('#starlight__search .pagefind-ui__search-input', { state: 'attached' });
  await page.locator('site-search button[data-open-modal]').first().click();
  let results = 0;
  for (const term of ['onerror', 'javascript', 'script', 'svg', 'story', 'payloads', 'XSA-T-01', 'XSB-T-01']) {
    await page.locator('#starlight__search .pagefind-ui__search-input').fill(term);
    await page.waitForFunction((t) => document.querySelector('#starlight__search .pagefind-ui__message')?.textContent?.includes(t) ?? false, term, { timeout: 10_000 });
    // Results load their data (title, excerpt, sub-results) one by one after the list appears.
    await page.waitForFunction(() => [...document.querySelectorAll('#starlight__search .pagefind-ui__result')].slice(0, 5).every((r) => r.querySelector('.pagefind-ui__result-link')));
    results += await page.locator('#starlight__search .pagefind-ui__result').count();
    await settle(page);
  }
  return results;
}

async function visit(context: BrowserContext, origin: string, url: string, poke: (page: Page) => Promise<void>): Promise<Visit> {
  const page = await context.newPage();
  const ran: string[] = [];
  const findings: string[] = [];
  page.on('dialog', (dialog) => {
    ran.push(`${dialog.type()} dialog: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  // Folder names hold spec text (an entity named `"<img …>"`): the URL carries them encoded.
  const address = new URL(encodeURI(url), origin).href;
  try {
    if (url.startsWith('/ref/')) {
      // A ref page sends the reader on at once; stop it there, so that its own markup is what is read.
      await page.route('**/*', (route) => (route.request().isNavigationRequest() && route.request().url() !== address ? route.abort() : route.fallback()));
    }
    await page.goto(address, { waitUntil: 'load' }).catch((error: Error) => {
      if (!url.startsWith('/ref/')) throw error;
    });
    await waitForDiagrams(page, findings);
    await poke(page);
    await settle(page);
    ran.push(...(await flagsOf(page)));
    findings.push(...(await inspectFrames(page)));
    const text = await page.evaluate(() => `${document.body.innerText}\n${[...document.querySelectorAll('.sp-diagram-canvas svg')].map((svg) => svg.textContent).join('\n')}`);
    return { url, ran, findings, shown: payloadIds(text) };
  } finally {
    await page.close();
  }
}

/**
 * Payloads that must reach a page as text: if one is missing, a page did not render (or the
 * test stopped waiting too early) and the absence of flags would prove nothing.
 */
const SHOWN = [
  'fm-title', 'fm-title-script', 'fm-owner', 'fm-area', 'fm-sprint', 'fm-summary', 'fm2-title', 'story-heading-html', 'story-img', 'story-code-span',
  'story-footnote', 'nfr-category', 'nfr-statement', 'nfr-metric', 'nfr-verification', 'nfr-rationale', 'threat-title', 'threat-description',
  'threat-mitigation', 'threat-owner', 'edge-scenario', 'edge-expected', 'edge-source', 'seq-title', 'seq-integration', 'seq-idempotency',
  'er-attr-comment', 'er-entity-name', 'api-info-title', 'api-op-summary', 'api-param-desc', 'api-response-desc', 'swagger-title', 'swagger-op-summary',
];

describe('the built XSS portal in Chromium', () => {
  it('runs no payload on any page, however it is read', async () => {
    const { browser, origin } = site;
    const context = await browser.newContext();
    // Nothing leaves the machine: an image pointing elsewhere fails at once (firing any onerror).
    await context.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.fallback() : route.abort()));
    const reader = await markupReader(context);
    const jobs: Array<() => Promise<Visit>> = [];
    let searchResults = 0;
    for (const url of (await filesUnder(out)).filter((f) => f.endsWith('.html')).map(urlOf).sort()) {
      if (/^\/features\/[^/]+\/api\/$/.test(url)) {
        // One visit per contract: the reference shows first the contract its hash names.
        const html = await readFile(path.join(out, url, 'index.html'), 'utf8');
        const sources = JSON.parse((await reader.attribute(html, '#sp-api-reference', 'data-sources')) ?? '[]') as Array<{ slug: string }>;
        expect(sources.length).toBeGreaterThan(0);
        for (const { slug } of sources) jobs.push(() => visit(context, origin, `${url}#${slug}`, pokeScalar));
      } else if (url === '/') {
        jobs.push(() => visit(context, origin, url, async (page) => void (searchResults = await pokeSearch(page))));
      } else {
        jobs.push(() => visit(context, origin, url, pokeDiagrams));
      }
    }
    await reader.close();
    // A few pages at a time, in one browser context.
    const visits: Visit[] = [];
    try {
      await Promise.all(Array.from({ length: 3 }, async () => {
        for (let job = jobs.shift(); job; job = jobs.shift()) visits.push(await job());
      }));
    } finally {
      await context.close();
    }

    const problems = visits
      .sort((a, b) => a.url.localeCompare(b.url))
      .flatMap((v) => [...v.ran.map((f) => `${v.url}: payload ran: ${f}`), ...v.findings.map((f) => `${v.url}: ${f} [payload ${payloadIds(f).join(', ')}]`)]);
    expect(problems).toEqual([]);
    // …and the pages were really read: the payloads are there as text, and search listed them.
    const shown = new Set(visits.flatMap((v) => v.shown));
    expect(SHOWN.filter((id) => !shown.has(id)), 'payloads that no page shows as text').toEqual([]);
    expect(searchResults, 'search results for payload words').toBeGreaterThan(0);
  }, 600_000);
});
