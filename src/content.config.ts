import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { defineCollection } from 'astro:content';
import { loadConfig } from './core/config.ts';
import { contractsLoader, featuresLoader } from './loaders/specport.ts';

/** Set by `specport build --content`; else `content` from specport.config.*, else the sample content. */
const { config } = await loadConfig(process.cwd());
const content = process.env['SPECPORT_CONTENT'] ?? config.content ?? 'content';
const allowErrors = process.env['SPECPORT_ALLOW_ERRORS'] === '1';

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
  features: defineCollection({ loader: featuresLoader({ content, allowErrors }) }),
  contracts: defineCollection({ loader: contractsLoader({ content, allowErrors }) }),
};
