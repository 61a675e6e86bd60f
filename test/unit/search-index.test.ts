/**
 * `specport build` writes the search index after Astro's process has ended: Starlight's Pagefind
 * step is left out of that process, and only there. That the built portal is searchable is
 * covered end to end (test/e2e/search.test.ts).
 */
import type { AstroIntegration } from 'astro';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SEARCH_INDEX_ENV, searchIndexLater } from '../../src/lib/search-index.ts';

const starlightLike = (): AstroIntegration => ({
  name: '@astrojs/starlight',
  hooks: {
    'astro:config:setup': () => {},
    'astro:config:done': () => {},
    'astro:build:done': () => {},
  },
});

describe('searchIndexLater', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('leaves the integration as it is for a direct astro build', () => {
    vi.stubEnv(SEARCH_INDEX_ENV, undefined);
    const integration = starlightLike();
    expect(searchIndexLater(integration)).toBe(integration);
  });

  it('drops only the Pagefind step when specport build indexes afterwards', () => {
    vi.stubEnv(SEARCH_INDEX_ENV, 'later');
    const integration = starlightLike();
    const later = searchIndexLater(integration);
    expect(later.name).toBe('@astrojs/starlight');
    expect(Object.keys(later.hooks).sort()).toEqual(['astro:config:done', 'astro:config:setup']);
    expect(later.hooks['astro:config:setup']).toBe(integration.hooks['astro:config:setup']);
    // The integration passed in is not changed: a second config load gets the whole of it.
    expect(Object.keys(integration.hooks)).toContain('astro:build:done');
  });
});
