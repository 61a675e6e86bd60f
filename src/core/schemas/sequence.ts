/**
 * Integration metadata in a sequence diagram's Mermaid front matter. These are the numbers an
 * engineer looks for: how long to wait, how often to retry, how to stay idempotent.
 */
import { z } from 'zod';
import { oneOrMany } from './refs.ts';

const duration = z
  .union([
    z.string().regex(/^\d+(\.\d+)?\s*(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)$/i, 'Write a duration such as 800ms, 3s, 5min, 1h or 7d'),
    // A bare number is read as milliseconds, the unit timeouts are configured in most often.
    z.number().nonnegative().transform((ms) => `${ms}ms`),
  ])
  .meta({ description: 'A duration: `800ms`, `3s`, `5min`, `1h`, `7d` (a bare number means milliseconds).', examples: ['3s'] });

export const RETRY_POLICIES = ['none', 'fixed', 'linear', 'exponential', 'exponential-jitter'] as const;

/** Retries in one shape, whichever short form was written. */
export interface Retries {
  policy?: (typeof RETRY_POLICIES)[number] | undefined;
  max?: number | undefined;
  backoff?: string | undefined;
  on?: string[] | undefined;
  note?: string | undefined;
}

export const sequenceFrontmatterSchema = z.looseObject({
  title: z.string().min(1).optional().meta({ description: 'The flow, as shown above the diagram.', examples: ['Pay with card'] }),
  integration: z.string().min(1).optional().meta({ description: 'The external system this flow integrates with.', examples: ['Stripe'] }),
  timeout: duration.optional().meta({ description: 'How long the caller waits before giving up.', examples: ['3s'] }),
  retries: z
    .union([
      z.strictObject({
        policy: z.enum(RETRY_POLICIES).optional().meta({ description: 'How retries are spaced.' }),
        max: z.number().int().min(0).optional().meta({ description: 'The retry budget: at most this many retries.', examples: [3] }),
        backoff: duration.optional().meta({ description: 'The first delay between attempts.', examples: ['200ms'] }),
        on: oneOrMany(z.union([z.string(), z.number().transform(String)])).optional().meta({ description: 'What is retried, e.g. `5xx`, `timeout`.', examples: [['timeout', '503']] }),
        note: z.string().optional().meta({ description: 'Anything else about the policy, in words.' }),
      }),
      // Short forms: `retries: 3` (the budget), `retries: none`, or a sentence.
      z.number().int().min(0).transform((max) => ({ max, ...(max === 0 ? { policy: 'none' as const } : {}) })),
      z.literal(false).transform(() => ({ policy: 'none' as const, max: 0 })),
      z.string().min(1).transform((text) => (/^(none|no|never)$/i.test(text.trim()) ? { policy: 'none' as const, max: 0 } : { note: text })),
    ])
    .transform((retries): Retries => retries)
    .optional()
    .meta({ description: 'Retry policy and budget: `{ policy, max, backoff, on }`, or a number (the budget), `none`, or a sentence.' }),
  idempotency: z
    .union([z.string().min(1), z.boolean().transform((yes) => (yes ? 'idempotent' : 'not idempotent'))])
    .optional().meta({ description: 'How a repeated call is made safe.', examples: ['Idempotency-Key header, kept 24h'] }),
});

export type SequenceFrontmatter = z.output<typeof sequenceFrontmatterSchema>;
