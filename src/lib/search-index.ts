/**
 * The search index, written after Astro's process has ended. Starlight runs Pagefind at the end of
 * Astro's build, in that process: Pagefind's own process (1.4 GB for the 50,000 pages of a
 * 1,000-feature portal) then comes on top of everything Astro still holds. `specport build` runs
 * Astro in a child process that leaves this step out (`searchIndexLater`), and once that child has
 * ended, runs the same step itself (`writeSearchIndex`): the same Pagefind calls as Starlight's,
 * so the same index. A direct `astro build` keeps Starlight's own step.
 */
import type { AstroIntegration } from 'astro';
import path from 'node:path';
import * as pagefind from 'pagefind';

/** Set (to `later`) by `specport build` for its Astro process. */
export const SEARCH_INDEX_ENV = 'SPECPORT_SEARCH_INDEX';

/** Whether this process is the Astro build of `specport build`, whose parent writes the index afterwards. */
export const indexedLater = (): boolean => process.env[SEARCH_INDEX_ENV] === 'later';

/** Starlight's integration without its Pagefind step when `specport build` writes the index afterwards. */
export function searchIndexLater(integration: AstroIntegration): AstroIntegration {
  if (!indexedLater()) return integration;
  // Starlight's `astro:build:done` hook runs Pagefind and nothing else.
  const { 'astro:build:done': _pagefind, ...hooks } = integration.hooks;
  return { ...integration, hooks };
}

/** Indexes the built site in `out` into `out/pagefind/`; the pages it found, or Pagefind's errors. */
export async function writeSearchIndex(out: string): Promise<{ pages: number } | { errors: string[] }> {
  try {
    const created = await pagefind.createIndex();
    if (created.errors.length > 0 || !created.index) return { errors: created.errors };
    const added = await created.index.addDirectory({ path: out });
    if (added.errors.length > 0) return { errors: added.errors };
    const written = await created.index.writeFiles({ outputPath: path.join(out, 'pagefind') });
    if (written.errors.length > 0) return { errors: written.errors };
    return { pages: added.page_count };
  } catch (error) {
    return { errors: [(error as Error).message] };
  } finally {
    await pagefind.close();
  }
}
