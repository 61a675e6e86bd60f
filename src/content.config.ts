import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { defineCollection } from 'astro:content';
import { portalOptions } from './lib/portal-options.ts';
import { featuresLoader, portalLoader } from './loaders/specport.ts';

const options = await portalOptions();

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }),
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
  features: defineCollection({ loader: featuresLoader(options) }),
  portal: defineCollection({ loader: portalLoader(options) }),
};
