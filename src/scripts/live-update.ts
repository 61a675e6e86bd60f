/**
 * The live preview's page side (`npm run dev` only; `livePreview` in src/lib/live-portal.ts adds
 * it to every page). When an edit has been linked, the server says so, and the open page shows it:
 * a feature page takes the new page's body in place, which keeps its scroll position and spares
 * the browser loading the page and its modules again (at 1,000 features, about a third of an
 * edit's time went there); any other page, or a feature page whose scripts or styles changed,
 * reloads as before. Diagrams that Mermaid draws in the browser are drawn again through the event
 * Astro's own page swaps send, which astro-mermaid listens to.
 *
 * A page that missed the news (the edit was linked while it was loading, or while the dev server
 * reloaded it) catches up when it connects: each page carries the version of the model it was
 * rendered from (src/lib/live-version.ts), and the server answers the current one.
 */
import { LIVE_UPDATED_EVENT, LIVE_VERSION_META, LIVE_VERSION_PATH } from '../lib/live-names.ts';

/** Marks a page whose body may be replaced in place: its scripts work from the document, not from elements found at load. */
const SWAPPABLE = '[data-live-swap]';

/** What a page loads besides its body's markup: its scripts and styles, as the dev server names them. */
function resources(doc: Document): Set<string> {
  return new Set([
    ...[...doc.querySelectorAll<HTMLScriptElement>('script[src]')].map((s) => `script ${s.getAttribute('src')}`),
    ...[...doc.querySelectorAll<HTMLScriptElement>('script[type="module"]:not([src])')].map((s) => `module ${s.textContent}`),
    ...[...doc.querySelectorAll<HTMLStyleElement>('style')].map((s) => `style ${s.dataset['viteDevId'] ?? s.textContent}`),
    ...[...doc.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => `link ${l.getAttribute('href')}`),
  ]);
}

/**
 * Whether this document already has every script and style the new version of the page loads.
 * It may have more: scripts add styles as they run (astro-mermaid does), and a style the new
 * version no longer uses only styles markup that is gone.
 */
function hasEverything(next: Document): boolean {
  const here = resources(document);
  return [...resources(next)].every((name) => here.has(name));
}

/** Runs the body's inline classic scripts again (Starlight's theme picker, sidebar state): inserted markup does not run them. */
function runInlineScripts(body: HTMLElement): void {
  for (const old of body.querySelectorAll<HTMLScriptElement>('script:not([src])')) {
    if (old.type && old.type !== 'text/javascript') continue;
    const fresh = document.createElement('script');
    for (const { name, value } of old.attributes) fresh.setAttribute(name, value);
    fresh.textContent = old.textContent;
    old.replaceWith(fresh);
  }
}

const sidebarGroups = () => [...document.querySelectorAll<HTMLDetailsElement>('#starlight__sidebar details')];
const versionMeta = () => document.querySelector<HTMLMetaElement>(`meta[name="${LIVE_VERSION_META}"]`);

/** Shows the new version of this page: in place when both versions allow it, else by reloading. */
async function update(): Promise<void> {
  if (!document.querySelector(SWAPPABLE)) return location.reload();
  const response = await fetch(location.href, { cache: 'no-store', headers: { accept: 'text/html' } });
  if (!response.ok) return location.reload();
  const next = new DOMParser().parseFromString(await response.text(), 'text/html');
  if (!next.querySelector(SWAPPABLE) || !hasEverything(next)) return location.reload();
  // The sidebar as the reader left it: its scroll and which groups are open.
  const scroll = document.getElementById('starlight__sidebar')?.scrollTop;
  const open = sidebarGroups().map((group) => group.open);
  document.title = next.title;
  const version = next.querySelector<HTMLMetaElement>(`meta[name="${LIVE_VERSION_META}"]`)?.content;
  if (version !== undefined) versionMeta()?.setAttribute('content', version);
  const body = document.adoptNode(next.body);
  document.body.replaceWith(body);
  runInlineScripts(body);
  // After Starlight's own scripts, which restore the sidebar as it was when the page loaded.
  const groups = sidebarGroups();
  if (groups.length === open.length) groups.forEach((group, i) => (group.open = open[i]!));
  const sidebar = document.getElementById('starlight__sidebar');
  if (sidebar && scroll !== undefined) sidebar.scrollTop = scroll;
  document.dispatchEvent(new Event('astro:after-swap'));
}

/** Edits in a row: one update at a time, and one more if another edit came meanwhile. */
let running: Promise<void> | undefined;
let again = false;
function onEdit(): void {
  if (running) {
    again = true;
    return;
  }
  running = update()
    .catch(() => location.reload())
    .finally(() => {
      running = undefined;
      if (again) {
        again = false;
        onEdit();
      }
    });
}

/** Updates the page when the model is newer than the one it was rendered from. */
async function catchUp(): Promise<void> {
  const rendered = versionMeta()?.content;
  if (rendered === undefined || running) return;
  const response = await fetch(`${import.meta.env.BASE_URL.replace(/\/?$/, '/')}${LIVE_VERSION_PATH}`, { cache: 'no-store' }).catch(() => undefined);
  if (response?.ok && (await response.text()) !== rendered) onEdit();
}

if (import.meta.hot) {
  import.meta.hot.on(LIVE_UPDATED_EVENT, onEdit);
  import.meta.hot.on('vite:ws:connect', () => void catchUp());
  void catchUp();
}
