/** `feature.md` frontmatter: who owns the feature, where it stands, what it depends on. */
import { z } from 'zod';
import { oneOrMany, refString } from './refs.ts';

export const FEATURE_STATUSES = ['draft', 'ready', 'in-sprint', 'shipped', 'deprecated'] as const;

export const featureFrontmatterSchema = z.strictObject({
  title: z.string().min(1).meta({ description: 'The feature name shown as the page title.', examples: ['Checkout'] }),
  id: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'The feature key is 2 to 10 uppercase letters or digits, e.g. CHK')
    .meta({ description: 'Short uppercase key; item IDs of this feature start with it.', examples: ['CHK'] }),
  status: z.enum(FEATURE_STATUSES).meta({ description: 'Where the feature stands.', examples: ['in-sprint'] }),
  owner: z.string().min(1).meta({ description: 'Team or person accountable for the spec.', examples: ['team-payments'] }),
  area: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Area or domain; defaults to the parent folder of the bundle.', examples: ['payments'] }),
  sprint: z
    .union([z.string(), z.number()])
    .transform(String)
    .optional()
    .meta({ description: 'The sprint the feature is planned for.', examples: ['2026-S24'] }),
  tickets: oneOrMany(z.string().min(1))
    .default([])
    .meta({ description: 'Ticket keys or URLs; URLs render as links.', examples: [['PAY-142', 'https://tracker.example/PAY-143']] }),
  depends_on: oneOrMany(refString(['feature']))
    .default([])
    .meta({ description: 'Features this one needs, as `feature:<slug>` references.', examples: [['feature:cart']] }),
  summary: z.string().optional().meta({ description: 'One or two sentences for the feature index and search.' }),
  tags: oneOrMany(z.string().min(1)).default([]).meta({ description: 'Free-form tags.', examples: [['pci', 'web']] }),
});

export type FeatureFrontmatter = z.output<typeof featureFrontmatterSchema>;
