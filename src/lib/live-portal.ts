/**
 * The linked model the content loaders produced last, kept in memory for this process: what the
 * pages read, in the dev server and in a build alike.
 *
 * Astro's content store would serialise every entry: in a build it bundles the whole store into
 * the server code as one JSON string (tens of megabytes for a thousand features) and parses it
 * again to render, a second copy of a model this process already holds; in `astro dev` it reloads
 * the whole store whenever one entry changes, which takes seconds at that size. So the loaders
 * keep only small stubs in the store and publish the model here; the pages read it through
 * `getFeatures`, `getPermalinks`, `getCatalog` and `getContracts`. In the dev server `livePreview`
 * (the integration) updates the open pages as soon as a new model is published; after a build's pages
 * are written, the ref-page integration writes the permanent links from the same model.
 *
 * The loaders, the integrations and the pages are loaded as separate module instances, so the one
 * shared place is a property of `globalThis`.
 */
import type { AstroIntegration } from 'astro';
import { fileURLToPath } from 'node:url';
import { diagramSvg, drawingKey, drawingOf, type DiagramSvg } from '../core/diagram-svg.ts';
import type { Drawings } from '../core/drawings.ts';
import type { Diagram, Portal } from '../core/model.ts';
import { LIVE_UPDATED_EVENT, LIVE_VERSION_PATH } from './live-names.ts';

interface Live {
  portal?: Portal;
  /** Clears the server's cached routes and updates every open page; set by the integration. */
  reload?: () => void;
  /** In a build: starts each bundle diagram's drawing on the parse worker (`core/drawings.ts`). */
  startDrawings?: (() => Drawings) | undefined;
  /** The drawings, once the first page has asked for one. */
  drawings?: Drawings | undefined;
  /** How many models were published: a page rendered from an earlier one is out of date. */
  version?: number;
}

const live = ((globalThis as { [key: symbol]: Live })[Symbol.for('specport.live-portal')] ??= {});

/**
 * For pages and the ref-page integration: the model to render. Astro syncs the content (runs the
 * loaders) before it renders a page, in a build as in the dev server, so it is there unless that
 * sync was turned off.
 */
export function pagePortal(): Portal {
  if (!live.portal) throw new Error('The spec model was not loaded: build with `specport build`, or with `astro build` without turning off its content sync.');
  return live.portal;
}

/**
 * Publishes a new model, and in the dev server reloads the pages. A build's loader also passes how
 * to start its drawings (`core/drawings.ts`): all of them start when the first page asks for one,
 * once Astro has bundled the scripts, so that the two do not hold memory at the same time; the
 * worker keeps ahead of the pages from there.
 */
export function publishLivePortal(portal: Portal, startDrawings?: () => Drawings): void {
  live.portal = portal;
  live.version = (live.version ?? 0) + 1;
  live.startDrawings = startDrawings;
  live.drawings = undefined;
  live.reload?.();
}

/** A bundle diagram's drawing for its page, or `undefined` when Mermaid draws it in the browser. */
export async function drawnDiagram(diagram: Diagram): Promise<DiagramSvg | undefined> {
  const { body, idPrefix } = drawingOf(diagram);
  const key = drawingKey(body, idPrefix);
  live.drawings ??= live.startDrawings?.();
  const started = live.drawings?.get(key);
  if (!started) return diagramSvg(body, diagram, idPrefix);
  // Each diagram is drawn on one page only: let its drawing go once that page has it.
  live.drawings!.delete(key);
  const drawn = await started;
  return typeof drawn === 'string' ? undefined : drawn;
}

/** The version of the model the pages render now (live-version.ts puts it in each page of the dev server). */
export const liveVersion = () => live.version ?? 0;

/** Lets the loaders update the dev server's open pages when they publish a new model. */
export const livePreview = (): AstroIntegration => ({
  name: 'specport-live-preview',
  hooks: {
    'astro:config:setup': ({ command, injectScript, injectRoute }) => {
      if (command !== 'dev') return;
      // Each page's side of it (src/scripts/live-update.ts): a feature page takes its new body in
      // place, any other page reloads.
      injectScript('page', `import ${JSON.stringify(fileURLToPath(new URL('../scripts/live-update.ts', import.meta.url)))};`);
      // And the version of the model, for a page that missed the news of an edit.
      injectRoute({ pattern: `/${LIVE_VERSION_PATH}`, entrypoint: fileURLToPath(new URL('./live-version-endpoint.ts', import.meta.url)) });
    },
    'astro:server:setup': ({ server }) => {
      live.reload = () => {
        // What Astro itself sends when its content store changes, the server forgetting the pages'
        // static paths; then the open pages are told to show the new model.
        for (const name of ['ssr', 'prerender']) server.environments[name]?.hot.send('astro:content-changed', {});
        server.environments.client.hot.send(LIVE_UPDATED_EVENT, {});
      };
    },
  },
});
