/**
 * Typed references: `kind:target`. A reference names what it points at, so a dangling one can be
 * reported precisely ("no NFR CHK-NFR-09", not "broken link").
 */
import { z } from 'zod';

export const REF_KINDS = ['feature', 'nfr', 'threat', 'edge', 'op', 'entity', 'component', 'sequence'] as const;
export type RefKind = (typeof REF_KINDS)[number];

/** A parsed reference. `scope` is the feature slug of `op:checkout/createOrder` or `sequence:checkout/pay`. */
export interface Ref {
  kind: RefKind;
  /** What follows the colon, as written. */
  target: string;
  /** The raw text, e.g. `nfr:CHK-NFR-01`. */
  raw: string;
}

const REF_PATTERN = new RegExp(`^(${REF_KINDS.join('|')}):([^\\s:\\]\\[]+)$`);

/** Parses `kind:target`; returns undefined for anything else (free text in mitigations, for instance). */
export function parseRef(raw: string): Ref | undefined {
  const match = REF_PATTERN.exec(raw.trim());
  if (!match) return undefined;
  return { kind: match[1] as RefKind, target: match[2]!, raw: raw.trim() };
}

/** A typed reference written as a plain string in YAML. */
export const refString = (kinds: readonly RefKind[] = REF_KINDS) =>
  z
    .string()
    .refine((value) => {
      const ref = parseRef(value);
      return ref !== undefined && kinds.includes(ref.kind);
    }, { message: `Expected a typed reference (${kinds.map((k) => `${k}:…`).join(', ')})` })
    .meta({
      description: `A typed reference: ${kinds.map((k) => `\`${k}:\``).join(', ')}.`,
      examples: [kinds.includes('nfr') ? 'nfr:CHK-NFR-01' : `${kinds[0]}:example`],
    });

/** Item IDs are unique across the whole portal: an uppercase feature key, a kind, a number. */
export const itemId = z
  .string()
  .regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/, 'IDs are uppercase words joined by dashes, e.g. CHK-NFR-01')
  .meta({ description: 'Unique across the whole portal. Start it with the feature key.', examples: ['CHK-NFR-01'] });

/** A list that may also be written as a single value: `tickets: CHK-1` reads as `[CHK-1]`. */
export const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item), item.transform((value) => [value])]).transform((list) => list as z.output<T>[]);
