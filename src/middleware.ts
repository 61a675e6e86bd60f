/**
 * `astro dev` serves endpoint files by their exact name, so `/ref/<ID>/` would 404 while
 * `/ref/<ID>/index.html` answers; a built site serves the folder's index. Make dev match.
 */
import { defineMiddleware } from 'astro:middleware';
import { withBase } from './lib/url.ts';

export const onRequest = defineMiddleware((context, next) => {
  const { pathname } = context.url;
  // The request's path carries the base path (`/specs/ref/<ID>/`); the rewrite takes the route's
  // own path, and Astro puts the base back.
  const refs = withBase('/ref/');
  if (import.meta.env.DEV && pathname.startsWith(refs) && pathname.endsWith('/')) return context.rewrite(`/ref/${pathname.slice(refs.length)}index.html`);
  return next();
});
