/**
 * The names a new bundle's templates use. Every name that is shared across the portal
 * (operationIds, entities, components) is built from the slug, which is unique, so a new bundle
 * never collides with existing content.
 */

/** The names one bundle's templates use, derived from its slug and key. */
export interface BundleNames {
  slug: string;
  key: string;
  title: string;
  /** `OrderTracking`: prefix of entities and OpenAPI schema names. */
  pascal: string;
  /** `order_tracking`: prefix of component IDs (C4 aliases and sequence participants). */
  snake: string;
  /** `sequences/<sequence>.mmd`. */
  sequence: string;
  /** Where the YAML files find their JSON Schema, relative to the bundle folder. */
  schemaDir: string;
}

/** `order-tracking` → words in every case a template needs. */
export function namesFor(slug: string, key: string, title: string, schemaDir: string, qualifier = ''): BundleNames {
  const words = slug.split('-').filter(Boolean);
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') + qualifier;
  const prefix = /^[0-9]/.test(pascal) ? `F${pascal}` : pascal;
  return { slug, key, title, pascal: prefix, snake: `${words.join('_')}${qualifier ? `_${qualifier.toLowerCase()}` : ''}`, sequence: 'create-record', schemaDir };
}

/** The identifiers other bundles could also declare; `new` checks them against the content root. */
export function sharedNames(n: BundleNames): string[] {
  return [...Object.values(ops(n)), ...Object.values(entities(n)), ...Object.values(components(n))];
}

export const ops = (n: BundleNames) => ({ create: `create${n.pascal}Record`, get: `get${n.pascal}Record` });
export const entities = (n: BundleNames) => ({ record: `${n.pascal}Record`, event: `${n.pascal}Event` });
export const components = (n: BundleNames) => ({ user: `${n.snake}_user`, service: `${n.snake}_service`, db: `${n.snake}_db`, partner: `${n.snake}_partner` });
export const basePath = (n: BundleNames) => `/${n.slug}/records`;

/** Where a YAML file finds its JSON Schema, as the yaml-language-server modeline. */
export const schemaLine = (n: BundleNames, name: string) => `# yaml-language-server: $schema=${n.schemaDir}/${name}.schema.json\n`;
