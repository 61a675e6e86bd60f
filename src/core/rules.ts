/** Every rule the core can report, with its default severity: the registry the docs page lists. */
import { bundleRules } from './bundle.ts';
import { catalogRules } from './catalog.ts';
import { configRules } from './config.ts';
import { consistencyRules } from './consistency.ts';
import type { RuleInfo } from './diagnostics.ts';
import { featureRules } from './feature-md.ts';
import { submoduleRules } from './submodules.ts';
import { importerRules } from './importers/index.ts';
import { idRules } from './index-items.ts';
import { itemRules } from './items.ts';
import { mermaidRules } from './mermaid.ts';
import { openapiRules } from './openapi.ts';
import { permalinkRules } from './permalinks.ts';
import { readRules } from './read.ts';
import { refRules } from './resolve.ts';
import { scanRules } from './scan.ts';
import { schemaRules } from './schema-errors.ts';
import { tooManyRules } from './too-many.ts';
import { yamlRules } from './yaml.ts';

export const RULES: Readonly<Record<string, RuleInfo>> = {
  ...configRules,
  ...scanRules,
  ...readRules,
  ...tooManyRules,
  ...yamlRules,
  ...schemaRules,
  ...itemRules,
  ...featureRules,
  ...bundleRules,
  ...importerRules,
  ...mermaidRules,
  ...openapiRules,
  ...idRules,
  ...refRules,
  ...consistencyRules,
  ...catalogRules,
  ...permalinkRules,
  ...submoduleRules,
};
