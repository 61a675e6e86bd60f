/**
 * Integration metadata in a sequence diagram's Mermaid front matter. These are the numbers an
 * engineer looks for: how long to wait, how often to retry, how to stay idempotent.
 */
import { z } from 'zod';

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|min|h)$/, 'Write a duration such as 800ms, 3s, 5min or 1h')
  .meta({ description: 'A duration: `800ms`, `3s`, `5min`, `1h`.', examples: ['3s'] });

export const RETRY_POLICIES = ['none', 'fixed', 'linear', 'exponential', 'exponential-jitter'] as const;

export const sequenceFrontmatterSchema = z.looseObject({
  title: z.string().min(1).optional().meta({ description: 'The flow, as shown above the diagram.', examples: ['Pay with card'] }),
  integration: z.string().min(1).optional().meta({ description: 'The external system this flow integrates with.', examples: ['Stripe'] }),
  timeout: duration.optional().meta({ description: 'How long the caller waits before giving up.', examples: ['3s'] }),
  retries: z
    .strictObject({
      policy: z.enum(RETRY_POLICIES).meta({ description: 'How retries are spaced.' }),
      max: z.number().int().min(0).optional().meta({ description: 'The retry budget: at most this many retries.', examples: [3] }),
      backoff: duration.optional().meta({ description: 'The first delay between attempts.', examples: ['200ms'] }),
      on: z.array(z.string()).optional().meta({ description: 'What is retried, e.g. `5xx`, `timeout`.', examples: [['timeout', '503']] }),
    })
    .optional()
    .meta({ description: 'Retry policy and budget.' }),
  idempotency: z.string().min(1).optional().meta({ description: 'How a repeated call is made safe.', examples: ['Idempotency-Key header, kept 24h'] }),
});

export type SequenceFrontmatter = z.output<typeof sequenceFrontmatterSchema>;
