// @ts-check
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { fileURLToPath } from 'node:url';
import mermaid from 'astro-mermaid';
import { loadConfig, normaliseBase } from './src/core/config.ts';
import { livePreview } from './src/lib/live-portal.ts';
import { refPages } from './src/lib/refs/integration.ts';
import { searchIndexLater } from './src/lib/search-index.ts';

/** specport.config.* in the working directory; `check` reports its problems, here defaults stand in. */
const { config } = await loadConfig(process.env.SPECPORT_CONFIG_DIR ?? process.cwd());
const site = process.env.SPECPORT_SITE ?? config.site;

export default defineConfig({
  ...(site ? { site } : {}),
  // A sub-path such as `/specs/` when the portal does not own its host's root.
  base: normaliseBase(process.env.SPECPORT_BASE ?? config.base),
  trailingSlash: 'always',
  // The live preview is for reading specs, not for building Astro sites: without Astro's toolbar,
  // a feature page in `npm run dev` is half the HTML (no source annotations on every element) and
  // loads 16 fewer modules after each edit.
  devToolbar: { enabled: false },
  vite: {
    server: {
      // The hostile corpus holds symbolic-link loops, and .bench/ tens of thousands of built pages:
      // neither is content the dev server shows. Content roots are watched by the loader.
      watch: { ignored: [fileURLToPath(new URL('./test/fixtures/hostile/', import.meta.url)), fileURLToPath(new URL('./.bench/', import.meta.url))].map((dir) => `${dir}**`) },
    },
    build: {
      // Mermaid and Scalar are large by nature; each loads only on the pages that need it.
      chunkSizeWarningLimit: 4096,
      rolldownOptions: {
        onLog(level, log, handler) {
          // MDX's head-injection directive is expected in bundled content modules.
          if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
          handler(level, log);
        },
      },
    },
  },
  integrations: [
    // Before Starlight, so its Markdown plugins see the ```mermaid blocks of the docs pages.
    mermaid({
      theme: 'default',
      autoTheme: true,
      enableLog: false,
      // Strict: labels are escaped and `click` callbacks disabled, since specs come from many teams.
      mermaidConfig: { securityLevel: 'strict' },
    }),
    // Before Starlight, so that the /ref/ pages it writes after the build are in Pagefind's index.
    refPages(),
    // In the dev server: reloads the pages as soon as an edit has been linked.
    livePreview(),
    // `specport build` writes the search index itself once Astro's process has ended.
    searchIndexLater(starlight({
      title: config.title,
      description: 'Feature specs: context, contracts, data, flows, NFRs, edge cases and threats, cross-linked.',
      customCss: ['./src/styles/specport.css'],
      disable404Route: true,
      // Starlight's search plus `/` to open it and room for Pagefind's filters (kind, status, STRIDE, category).
      components: { Search: './src/components/search/Search.astro' },
      pagefind: {
        // A ref page's `feature` and `kind` metadata label its result; matching them must not
        // outrank the item whose own ID or name was typed (each would add a title-sized boost).
        ranking: { metaWeights: { feature: 0, kind: 0 } },
      },
      routeMiddleware: ['./src/lib/sidebar.ts', './src/lib/live-version.ts'],
      sidebar: [
        { label: 'Portal', items: [{ label: 'Home', link: '/' }] },
        {
          label: 'System',
          items: [
            { label: 'System landscape', link: '/system/' },
            { label: 'Entities', link: '/entities/' },
          ],
        },
        {
          label: 'Registers',
          items: [
            { label: 'Overview', link: '/registers/' },
            { label: 'NFRs', link: '/registers/nfrs/' },
            { label: 'Threats', link: '/registers/threats/' },
            { label: 'Edge cases', link: '/registers/edge-cases/' },
            { label: 'Operations', link: '/registers/operations/' },
            { label: 'Threat coverage', link: '/registers/threat-coverage/' },
          ],
        },
        { label: 'Guide', items: [{ slug: 'guide/writing-bundles' }, { slug: 'guide/deploying' }] },
      ],
    })),
  ],
});
