/** In `npm run dev`: the version of the model the pages render now, for pages that missed an edit (src/scripts/live-update.ts). */
import type { APIRoute } from 'astro';
import { liveVersion } from './live-portal.ts';

export const GET: APIRoute = () => new Response(String(liveVersion()), { headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
