/** `edge-cases.yaml`: the "what if the user...?" catalogue. */
import { z } from 'zod';
import { itemId, oneOrMany, refString } from './refs.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const edgeCaseSchema = z.strictObject({
  id: itemId,
  scenario: z.string().min(1).meta({ description: 'What happens: "What if the user…?"' }),
  expected: z.string().min(1).meta({ description: 'The expected behaviour.' }),
  refs: oneOrMany(refString())
    .default([])
    .meta({ description: 'Operations or sequences that handle the case.', examples: [['op:createOrder', 'sequence:checkout/pay-with-card']] }),
  source: z.string().optional().meta({ description: 'Where the case came from, e.g. a support ticket.', examples: ['SUP-2291'] }),
  severity: z.enum(SEVERITIES).meta({ description: 'How bad it is when handled wrongly.' }),
});

export const edgeCasesFileSchema = z.strictObject({
  edge_cases: z.array(edgeCaseSchema).meta({ description: 'The edge cases of the feature.' }),
});

export type EdgeCase = z.output<typeof edgeCaseSchema>;
