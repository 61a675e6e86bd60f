/** `nfr.yaml`: non-functional requirements, each measurable or explicitly not. */
import { z } from 'zod';
import { itemId, oneOrMany, refString } from './refs.ts';

/** The categories the portal knows and filters by; others are accepted with a warning. */
export const NFR_CATEGORIES = [
  'latency', 'throughput', 'availability', 'scalability', 'security', 'privacy', 'compliance',
  'accessibility', 'observability', 'reliability', 'durability', 'capacity', 'performance', 'resilience',
  'usability', 'maintainability', 'portability', 'interoperability', 'auditability', 'cost',
] as const;

export const COMPARATORS = ['<', '<=', '>', '>=', '='] as const;

/** Other ways people write comparators, read as the canonical symbol. */
const COMPARATOR_ALIASES: Record<string, (typeof COMPARATORS)[number]> = {
  '<': '<', lt: '<', 'less-than': '<',
  '<=': '<=', '≤': '<=', lte: '<=', 'at-most': '<=', max: '<=',
  '>': '>', gt: '>', 'more-than': '>', 'greater-than': '>',
  '>=': '>=', '≥': '>=', gte: '>=', 'at-least': '>=', min: '>=',
  '=': '=', '==': '=', eq: '=', equals: '=',
};

export const measurableTargetSchema = z.strictObject({
  metric: z.string().min(1).meta({ description: 'What is measured.', examples: ['p95 latency of POST /orders'] }),
  comparator: z
    .string()
    .refine((c) => c.trim().toLowerCase().replace(/\s+/g, '-') in COMPARATOR_ALIASES, {
      message: `Use one of ${COMPARATORS.join(' ')} (or lt, lte, gt, gte, eq, at-most, at-least)`,
    })
    .transform((c) => COMPARATOR_ALIASES[c.trim().toLowerCase().replace(/\s+/g, '-')]!)
    .meta({ description: 'How the measurement compares with the value: `<`, `<=`, `>`, `>=`, `=`.', examples: ['<='] }),
  value: z
    .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, 'Write the number alone; put its unit in `unit`').transform(Number)])
    .meta({ description: 'The threshold, a number.', examples: [300] }),
  unit: z.string().min(1).meta({ description: 'Unit of the value.', examples: ['ms'] }),
});

export const nfrSchema = z.strictObject({
    id: itemId,
    category: z
      .string()
      .min(1)
      .transform((c) => c.trim().toLowerCase())
      .meta({ description: `The quality attribute: ${NFR_CATEGORIES.join(', ')}; others are accepted with a warning.`, examples: ['latency'] }),
    statement: z.string().min(1).meta({ description: 'The requirement in one sentence.' }),
    target: z
      .union([measurableTargetSchema, z.literal('none')])
      .meta({ description: 'A measurable `{ metric, comparator, value, unit }`, or `none` with a `reason`.' }),
    reason: z.string().min(1).optional().meta({ description: 'Why there is no measurable target (required with `target: none`).' }),
    applies_to: oneOrMany(refString())
      .default([])
      .meta({ description: 'What the requirement constrains: operations, components, sequences, entities.', examples: [['op:createOrder']] }),
    verification: z.string().min(1).meta({ description: 'How it is proven: a load test, a dashboard, an audit.' }),
    priority: z.enum(['must', 'should', 'could']).meta({ description: 'MoSCoW priority.', examples: ['must'] }),
    rationale: z.string().optional().meta({ description: 'Why the requirement exists.' }),
  });

export const nfrFileSchema = z.strictObject({
  nfrs: z.array(nfrSchema).meta({ description: 'The non-functional requirements of the feature.' }),
});

export type Nfr = z.output<typeof nfrSchema>;
