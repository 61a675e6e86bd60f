/**
 * The `/ref/<ID>/` pages: one per item, operation, entity and feature, tens of thousands in a
 * large portal, each a few hundred bytes (`html.ts`). Rendered as Astro routes they cost about a
 * millisecond each in Astro's page pipeline, 47 s of a 1,000-feature build, for pages that have no
 * layout, no asset and nothing Astro adds. So a build writes them itself, once Astro is done and
 * before Starlight's Pagefind step (this integration comes first in `astro.config.mjs`), which
 * indexes them like any other page. The dev server serves them from an injected route instead
 * (`route.ts`), so they follow edits there.
 *
 * The model is the one the content loaders published for the pages (live-portal.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import pLimit from 'p-limit';
import { pagePortal } from '../live-portal.ts';
import { renderRefPage } from './html.ts';
import { refRecords, type RefRecord } from './records.ts';

/** Files written at once: enough to keep the disk busy, few enough to stay far from the open-file limit. */
const WRITES_IN_FLIGHT = 64;

export function refPages(): AstroIntegration {
  let base = '/';
  return {
    name: 'specport-ref-pages',
    hooks: {
      'astro:config:setup': ({ command, injectRoute }) => {
        if (command === 'dev') injectRoute({ pattern: '/ref/[...id]/index.html', entrypoint: fileURLToPath(new URL('./route.ts', import.meta.url)) });
      },
      'astro:config:done': ({ config }) => {
        base = config.base;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const portal = pagePortal();
        const written = await writeRefPages(fileURLToPath(dir), refRecords(portal.features, portal.catalog, portal.permalinks), base);
        logger.info(`${written} permanent links written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      },
    },
  };
}

/**
 * Writes each record's page to `<out>/ref/<id>/index.html`; returns how many. An ID is made of
 * URL-safe segments (`permalinks.ts`); one that would still leave `ref/` is skipped.
 */
export async function writeRefPages(out: string, records: readonly RefRecord[], base: string): Promise<number> {
  const root = path.join(out, 'ref');
  const limit = pLimit(WRITES_IN_FLIGHT);
  const results = await Promise.all(
    records.map((record) =>
      limit(async () => {
        const folder = path.join(root, ...record.id.split('/'));
        if (!folder.startsWith(root + path.sep)) return 0;
        await mkdir(folder, { recursive: true });
        await writeFile(path.join(folder, 'index.html'), renderRefPage(record, { base }));
        return 1;
      }),
    ),
  );
  return results.reduce<number>((sum, n) => sum + n, 0);
}
