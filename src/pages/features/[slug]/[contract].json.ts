/** Each bundle's API contract, bundled and upgraded to OpenAPI 3.x, as a static JSON file. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getContracts } from '../../../lib/features.ts';

export const getStaticPaths = (async () =>
  (await getContracts()).map(({ id, json }) => {
    const [slug, contract] = id.split('/') as [string, string];
    return { params: { slug, contract }, props: { json } };
  })) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response((props as { json: () => string }).json(), { headers: { 'Content-Type': 'application/json' } });
