/**
 * `astro dev` serves endpoint files by their exact name, so `/ref/<ID>/` would 404 while
 * `/ref/<ID>/index.html` answers; a built site serves the folder's index. Make dev match.
 */
import { defineMiddleware } from 'astro:middleware';

export const onRequest = defineMiddleware((context, next) => {
  const { pathname } = context.url;
  if (import.meta.env.DEV && pathname.startsWith('/ref/') && pathname.endsWith('/')) return context.rewrite(`${pathname}index.html`);
  return next();
});
