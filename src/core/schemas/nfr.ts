/** `nfr.yaml`: non-functional requirements, each measurable or explicitly not. */
import { z } from 'zod';
import { itemId, refString } from './refs.ts';

export const NFR_CATEGORIES = [
  'latency', 'throughput', 'availability', 'scalability', 'security', 'privacy', 'compliance',
  'accessibility', 'observability', 'reliability', 'durability', 'capacity', 'usability',
  'maintainability', 'portability', 'cost',
] as const;

export const COMPARATORS = ['<', '<=', '>', '>=', '='] as const;

export const measurableTargetSchema = z.strictObject({
  metric: z.string().min(1).meta({ description: 'What is measured.', examples: ['p95 latency of POST /orders'] }),
  comparator: z.enum(COMPARATORS).meta({ description: 'How the measurement compares with the value.', examples: ['<='] }),
  value: z.number().meta({ description: 'The threshold.', examples: [300] }),
  unit: z.string().min(1).meta({ description: 'Unit of the value.', examples: ['ms'] }),
});

export const nfrSchema = z
  .strictObject({
    id: itemId,
    category: z.enum(NFR_CATEGORIES).meta({ description: 'The quality attribute.', examples: ['latency'] }),
    statement: z.string().min(1).meta({ description: 'The requirement in one sentence.' }),
    target: z
      .union([measurableTargetSchema, z.literal('none')])
      .meta({ description: 'A measurable `{ metric, comparator, value, unit }`, or `none` with a `reason`.' }),
    reason: z.string().min(1).optional().meta({ description: 'Why there is no measurable target (required with `target: none`).' }),
    applies_to: z
      .array(refString())
      .default([])
      .meta({ description: 'What the requirement constrains: operations, components, sequences, entities.', examples: [['op:createOrder']] }),
    verification: z.string().min(1).meta({ description: 'How it is proven: a load test, a dashboard, an audit.' }),
    priority: z.enum(['must', 'should', 'could']).meta({ description: 'MoSCoW priority.', examples: ['must'] }),
    rationale: z.string().optional().meta({ description: 'Why the requirement exists.' }),
  })
  .refine((nfr) => nfr.target !== 'none' || nfr.reason !== undefined, {
    message: 'An NFR with `target: none` needs a `reason`',
    path: ['reason'],
  });

export const nfrFileSchema = z.strictObject({
  nfrs: z.array(nfrSchema).meta({ description: 'The non-functional requirements of the feature.' }),
});

export type Nfr = z.output<typeof nfrSchema>;
