/**
 * `/ref/<ID>/`: one tiny static page per permanent link (see `_html.ts`). An endpoint rather than
 * an `.astro` page, so that no layout, stylesheet or page script is added to tens of thousands
 * of pages; the route ends in `index.html` so that static hosts serve it at `/ref/<ID>/`.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getPermalinks } from '../_permalinks.ts';
import { renderRefPage } from '../_html.ts';
import { refRecords, type RefRecord } from '../_records.ts';

export const getStaticPaths = (async () => {
  const { features, catalog, permalinks } = await getPermalinks();
  return refRecords(features, catalog, permalinks).map((record) => ({ params: { id: record.id }, props: { record } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(renderRefPage((props as { record: RefRecord }).record, { base: import.meta.env.BASE_URL }), {
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  });
