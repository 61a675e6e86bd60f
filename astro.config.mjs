// @ts-check
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import mermaid from 'astro-mermaid';

export default defineConfig({
  site: process.env.SPECPORT_SITE,
  trailingSlash: 'always',
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
      routeMiddleware: './src/lib/sidebar.ts',
      sidebar: [
        { label: 'Portal', items: [{ label: 'Home', link: '/' }] },
        { label: 'Guide', items: [{ slug: 'guide/writing-bundles' }] },
      ],
    }),
  ],
});
