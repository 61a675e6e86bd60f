/** `threats.yaml`: the STRIDE threat model. */
import { z } from 'zod';
import { itemId, oneOrMany, refString } from './refs.ts';

export const STRIDE = [
  'spoofing', 'tampering', 'repudiation', 'information-disclosure', 'denial-of-service', 'elevation-of-privilege',
] as const;
export const LEVELS = ['low', 'medium', 'high'] as const;
export const THREAT_STATUSES = ['open', 'mitigated', 'accepted', 'transferred', 'not-applicable'] as const;

const threatTarget = refString(['component', 'op', 'entity', 'sequence']);

export const threatSchema = z.strictObject({
  id: itemId,
  title: z.string().min(1).meta({ description: 'The threat in a few words.' }),
  stride: oneOrMany(z.enum(STRIDE)).pipe(z.array(z.enum(STRIDE)).min(1)).meta({ description: 'One or more STRIDE categories.', examples: [['tampering']] }),
  target: z
    .union([threatTarget, z.array(threatTarget).min(1)])
    .transform((t) => (Array.isArray(t) ? t : [t]))
    .meta({ description: 'What is attacked: a component, operation, entity or sequence reference, or a list of them.', examples: ['op:createOrder'] }),
  description: z.string().min(1).meta({ description: 'How the attack works.' }),
  likelihood: z.enum(LEVELS).meta({ description: 'How likely the attack is.' }),
  impact: z.enum(LEVELS).meta({ description: 'How bad it is if it succeeds.' }),
  mitigations: oneOrMany(z.string().min(1))
    .default([])
    .meta({ description: 'Typed references (e.g. `nfr:CHK-NFR-01`) or free text.', examples: [['nfr:CHK-NFR-04', 'Rate limit per card fingerprint']] }),
  status: z.enum(THREAT_STATUSES).meta({ description: 'Where the threat stands.', examples: ['mitigated'] }),
  owner: z.string().min(1).optional().meta({ description: 'Who is accountable for the mitigation.' }),
});

export const threatsFileSchema = z.strictObject({
  threats: z.array(threatSchema).meta({ description: 'The threats of the feature.' }),
});

export type Threat = z.output<typeof threatSchema>;
export type Level = (typeof LEVELS)[number];
export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

/** Risk from likelihood × impact on a 3×3 grid: 1–2 low, 3–4 medium, 6 high, 9 critical. */
export function riskOf(likelihood: Level, impact: Level): RiskLevel {
  const score = (LEVELS.indexOf(likelihood) + 1) * (LEVELS.indexOf(impact) + 1);
  return score >= 9 ? 'critical' : score >= 6 ? 'high' : score >= 3 ? 'medium' : 'low';
}
