// @ts-check
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import mermaid from 'astro-mermaid';

export default defineConfig({
  ...(process.env.SPECPORT_SITE ? { site: process.env.SPECPORT_SITE } : {}),
  trailingSlash: 'always',
  vite: {
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
    starlight({
      title: 'Specport',
      description: 'Feature specs: context, contracts, data, flows, NFRs, edge cases and threats, cross-linked.',
      customCss: ['./src/styles/specport.css'],
      disable404Route: true,
      routeMiddleware: './src/lib/sidebar.ts',
      sidebar: [
        { label: 'Portal', items: [{ label: 'Home', link: '/' }] },
        { label: 'Guide', items: [{ slug: 'guide/writing-bundles' }] },
      ],
    }),
  ],
});
