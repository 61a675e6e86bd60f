import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { defineCollection } from 'astro:content';
import path from 'node:path';
import { contentRoots, loadConfig, normaliseBase } from './core/config.ts';
import { contractsLoader, featuresLoader, portalLoader } from './loaders/specport.ts';

/** Set by `specport build --content` (roots joined by the path delimiter); else `content` from specport.config.*, else the sample content. */
// `specport build` runs Astro from the project root and says where the user's config is.
const configDir = process.env['SPECPORT_CONFIG_DIR'] ?? process.cwd();
const { config } = await loadConfig(configDir);
const content = process.env['SPECPORT_CONTENT']?.split(path.delimiter).filter(Boolean) ?? contentRoots(config, configDir);
const base = normaliseBase(process.env['SPECPORT_BASE'] ?? config.base);
const allowErrors = process.env['SPECPORT_ALLOW_ERRORS'] === '1';

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
  features: defineCollection({ loader: featuresLoader({ content, base, configDir, allowErrors }) }),
  contracts: defineCollection({ loader: contractsLoader({ content, base, configDir, allowErrors }) }),
  portal: defineCollection({ loader: portalLoader({ content, base, configDir, allowErrors }) }),
};
