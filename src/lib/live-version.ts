/**
 * In `npm run dev`, each page says which version of the model it was rendered from, so that a
 * page that missed the news of an edit (the edit was linked while the page was loading) catches up
 * as soon as it connects (src/scripts/live-update.ts).
 */
import { defineRouteMiddleware } from '@astrojs/starlight/route-data';
import { LIVE_VERSION_META } from './live-names.ts';
import { liveVersion } from './live-portal.ts';

export const onRequest = defineRouteMiddleware((context) => {
  if (!import.meta.env.DEV) return;
  context.locals.starlightRoute.head.push({ tag: 'meta', attrs: { name: LIVE_VERSION_META, content: String(liveVersion()) } });
});
