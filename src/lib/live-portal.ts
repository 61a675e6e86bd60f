/**
 * The linked model the content loaders produced last, kept in memory for this process.
 *
 * It is the dev server's data path. Astro's content store serialises every entry and reloads the
 * whole store whenever one changes, which takes seconds once a portal holds a thousand features.
 * So in `astro dev` the loaders keep only small stubs in the store and publish the model here; the
 * pages read it through `getFeatures`, `getPermalinks`, `getCatalog` and `getContracts`, and
 * `livePreview` (the integration) reloads the browser as soon as a new model is published.
 * A build's pages read the collections instead, which carry the whole model; once they are
 * written, the ref-page integration writes the permanent links from this same model.
 *
 * The loaders, the integrations and the pages are loaded as separate module instances, so the one
 * shared place is a property of `globalThis`.
 */
import type { AstroIntegration } from 'astro';
import { diagramSvg, drawingKey, drawingOf, type DiagramSvg } from '../core/diagram-svg.ts';
import type { Drawings } from '../core/drawings.ts';
import type { Diagram, Portal } from '../core/model.ts';

interface Live {
  portal?: Portal;
  /** Clears the server's cached routes and reloads every open page; set by the integration. */
  reload?: () => void;
  /** In a build: each bundle diagram's drawing, started on the parse worker when the model was published. */
  drawings?: Drawings | undefined;
}

const live = ((globalThis as { [key: symbol]: Live })[Symbol.for('specport.live-portal')] ??= {});

/** The model the loaders produced last in this process, if they have run. */
export const livePortal = (): Portal | undefined => live.portal;

/** For pages: the model to read in the dev server; undefined in a build, whose pages read the collections. */
export const devPortal = (): Portal | undefined => (import.meta.env.DEV ? live.portal : undefined);

/**
 * Publishes a new model, and in the dev server reloads the pages. A build's loader also passes the
 * drawings it started (`core/drawings.ts`), which the feature pages then take.
 */
export function publishLivePortal(portal: Portal, drawings?: Drawings): void {
  live.portal = portal;
  live.drawings = drawings;
  live.reload?.();
}

/** A bundle diagram's drawing for its page, or `undefined` when Mermaid draws it in the browser. */
export async function drawnDiagram(diagram: Diagram): Promise<DiagramSvg | undefined> {
  const { body, idPrefix } = drawingOf(diagram);
  const key = drawingKey(body, idPrefix);
  const started = live.drawings?.get(key);
  if (!started) return diagramSvg(body, diagram, idPrefix);
  // Each diagram is drawn on one page only: let its drawing go once that page has it.
  live.drawings!.delete(key);
  const drawn = await started;
  return typeof drawn === 'string' ? undefined : drawn;
}

/** Lets the loaders reload the dev server's pages when they publish a new model. */
export const livePreview = (): AstroIntegration => ({
  name: 'specport-live-preview',
  hooks: {
    'astro:server:setup': ({ server }) => {
      live.reload = () => {
        // What Astro itself sends when its content store changes: the server forgets the pages'
        // static paths, and every open page reloads.
        for (const name of ['ssr', 'prerender']) server.environments[name]?.hot.send('astro:content-changed', {});
        server.environments.client.hot.send({ type: 'full-reload', path: '*' });
      };
    },
  },
});
