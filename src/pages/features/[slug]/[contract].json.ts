/** Each bundle's API contract, bundled and upgraded to OpenAPI 3.x, as a static JSON file. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection } from 'astro:content';

export const getStaticPaths = (async () => {
  const contracts = await getCollection('contracts');
  return contracts.map((entry) => {
    const [slug, contract] = entry.id.split('/') as [string, string];
    return { params: { slug, contract }, props: { json: (entry.data as { json: string }).json } };
  });
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response((props as { json: string }).json, { headers: { 'Content-Type': 'application/json' } });
