/**
 * `/ref/<ID>/` in `astro dev`, injected by `integration.ts`: the same page a build writes, made
 * on request from the live model, so that a permanent link follows the content as it changes, and
 * an ID that no longer exists is a plain 404. The route ends in `index.html` so that the dev
 * server answers at `/ref/<ID>/`.
 */
import type { APIRoute } from 'astro';
import { getPermalinks } from '../permalinks.ts';
import { renderRefPage } from './html.ts';
import { refRecords, type RefRecord } from './records.ts';

/** Rendered on each request: the records change with the content. */
export const prerender = false;

const byIndex = new WeakMap<object, Map<string, RefRecord>>();

export const GET: APIRoute = async ({ params }) => {
  const index = await getPermalinks();
  let records = byIndex.get(index);
  if (!records) byIndex.set(index, (records = new Map(refRecords(index.features, index.catalog, index.permalinks).map((record) => [record.id, record]))));
  const record = records.get(params['id'] ?? '');
  if (!record) return new Response('No item has this permanent link.', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(renderRefPage(record, { base: import.meta.env.BASE_URL }), { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
};
