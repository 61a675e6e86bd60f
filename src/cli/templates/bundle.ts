/**
 * The files of a new bundle, as commented templates. The comments teach the format (what each
 * field means, which values it takes); the values are placeholders that already pass `check`
 * with no error and no warning, so a PO starts from a green bundle and edits it.
 *
 * Every name that is shared across the portal (operationIds, entities, components, schema names)
 * is built from the slug, which is unique, so a new bundle never collides with existing content.
 */
import { contextMmd, dataModelMmd, featureMd, sequenceMmd } from './diagrams.ts';
import { edgeCasesYaml, nfrYaml, threatsYaml } from './items.ts';
import type { BundleNames } from './names.ts';
import { openapiYaml } from './openapi.ts';

export { namesFor, sharedNames, type BundleNames } from './names.ts';

export interface TemplateFile {
  path: string;
  text: string;
}

/** Every file of the bundle, paths relative to the bundle folder. */
export function bundleTemplates(n: BundleNames): TemplateFile[] {
  return [
    { path: 'feature.md', text: featureMd(n) },
    { path: 'context.mmd', text: contextMmd(n) },
    { path: 'openapi.yaml', text: openapiYaml(n) },
    { path: 'data-model.mmd', text: dataModelMmd(n) },
    { path: `sequences/${n.sequence}.mmd`, text: sequenceMmd(n) },
    { path: 'nfr.yaml', text: nfrYaml(n) },
    { path: 'edge-cases.yaml', text: edgeCasesYaml(n) },
    { path: 'threats.yaml', text: threatsYaml(n) },
  ];
}
