/**
 * `/ref/<ID>/` in `astro dev`, injected by `integration.ts`: the same page a build writes, made
 * on request from the collections, so that a permanent link follows the content as it changes.
 * The route ends in `index.html` so that the dev server answers at `/ref/<ID>/`.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getPermalinks } from '../permalinks.ts';
import { renderRefPage } from './html.ts';
import { refRecords, type RefRecord } from './records.ts';

export const getStaticPaths = (async () => {
  const { features, catalog, permalinks } = await getPermalinks();
  return refRecords(features, catalog, permalinks).map((record) => ({ params: { id: record.id }, props: { record } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(renderRefPage((props as { record: RefRecord }).record, { base: import.meta.env.BASE_URL }), {
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
