/**
 * Resolving typed references (`nfr:CHK-NFR-01`, `op:checkout/createOrder`, …) against the portal
 * index. A dangling or ambiguous reference gets a diagnostic that names the closest real targets.
 */
import { distance } from 'fastest-levenshtein';
import { entitySegment } from './catalog.ts';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { IndexReader, Target } from './index-items.ts';
import type { SourceRef } from './model.ts';
import { parseRef, type Ref } from './schemas/refs.ts';

export const refRules = {
  'refs/unresolved': { severity: 'error', description: 'A typed reference points at nothing.' },
  'refs/ambiguous': { severity: 'error', description: 'An unqualified `op:` reference matches operations of several features.' },
  'refs/malformed': { severity: 'error', description: 'A wiki link is not a typed reference.' },
} as const satisfies Record<string, RuleInfo>;

/**
 * The URL of a target (without the site's base path): an entity has its own page across features;
 * everything else is an anchor on its feature's page.
 */
export const hrefOf = (target: Target) =>
  target.kind === 'entity'
    ? `/entities/${entitySegment(target.label)}/`
    : `/features/${target.feature}/${target.anchor ? `#${target.anchor}` : ''}`;

/**
 * "Did you mean" compares a dangling reference with every candidate. Past this many comparisons
 * in one portal, hints stop suggesting: a file of 100,000 dangling references against 10,000 IDs
 * would otherwise take minutes. Real portals use a small fraction of it.
 */
const SUGGESTION_BUDGET = 5_000_000;

/** The comparisons one run may still spend on suggestions; one per run, shared by all its references. */
export interface SuggestionBudget {
  left: number;
}

export const suggestionBudget = (): SuggestionBudget => ({ left: SUGGESTION_BUDGET });

/** Resolves `raw` written in feature `from`; returns the target or a diagnostic. */
export function resolveRef(
  index: IndexReader,
  raw: string,
  from: string,
  at: SourceRef & { column?: number },
  budget: SuggestionBudget = suggestionBudget(),
): { ref?: Ref; target?: Target; diagnostic?: Diagnostic } {
  const ref = parseRef(raw);
  if (!ref) {
    return { diagnostic: problem(refRules, 'refs/malformed', at, `"${raw}" is not a typed reference.`, 'Write kind:target, e.g. nfr:CHK-NFR-01, op:createOrder, entity:Order, feature:checkout.') };
  }
  const { kind, target } = ref;
  /** `candidates` is called only while the suggestion budget lasts; `count` is how many it gives at most. */
  const unresolved = (what: string, count: number, candidates: () => Iterable<string>, extra = '') => {
    const left = budget.left;
    budget.left -= count;
    const near = left >= count ? closest(target, [...candidates()]) : [];
    return {
      ref,
      diagnostic: problem(refRules, 'refs/unresolved', at, `${raw} points at no ${what}.`,
        near.length > 0 ? `Did you mean ${near.map((n) => `${kind}:${n}`).join(' or ')}?${extra}` : `Check the spelling; the ${what} must exist in some bundle of the portal.${extra}`),
    };
  };

  switch (kind) {
    case 'feature': {
      const found = index.features.get(target);
      return found ? { ref, target: found } : unresolved('feature (bundle folder name)', index.features.size, () => index.features.keys());
    }
    case 'nfr':
    case 'threat':
    case 'edge': {
      const found = index.items.get(target);
      const names = { nfr: 'NFR', threat: 'threat', edge: 'edge case' } as const;
      if (found && found.kind === kind) return { ref, target: found };
      if (found) return unresolved(names[kind], 0, () => [], ` ${target} is ${found.kind === 'edge' ? 'an edge case' : `a ${names[found.kind as 'nfr']}`}: write ${found.kind}:${target}.`);
      return unresolved(names[kind], index.items.size, () => [...index.items.values()].filter((t) => t.kind === kind).map((t) => t.anchor));
    }
    case 'op': {
      const [scope, id] = target.includes('/') ? (target.split('/', 2) as [string, string]) : [undefined, target];
      const all = index.operations.get(id) ?? [];
      const matches = scope ? all.filter((t) => t.feature === scope) : all;
      if (matches.length === 1) return { ref, target: matches[0]! };
      if (matches.length > 1) {
        const local = matches.find((t) => t.feature === from);
        if (local) return { ref, target: local };
        return {
          ref,
          diagnostic: problem(refRules, 'refs/ambiguous', at, `${raw} matches operations in ${matches.map((t) => t.feature).join(', ')}.`, `Qualify it with the feature: ${matches.map((t) => `op:${t.feature}/${id}`).join(' or ')}.`),
        };
      }
      return unresolved('operation (operationId)', index.operations.size, () => index.operations.keys());
    }
    case 'entity':
    case 'component': {
      const map = kind === 'entity' ? index.entities : index.components;
      const list = map.get(target);
      if (list && list.length > 0) return { ref, target: list.find((t) => t.feature === from) ?? list[0]! };
      return unresolved(kind === 'entity' ? 'entity of any ER diagram' : 'component of any context diagram', map.size, () => map.keys());
    }
    case 'sequence': {
      const found = index.sequences.get(target) ?? index.sequences.get(`${from}/${target}`);
      return found ? { ref, target: found } : unresolved('sequence (write <feature-slug>/<file name without .mmd>)', index.sequences.size, () => index.sequences.keys());
    }
  }
}

/** Up to two candidates within a small edit distance, or sharing a case-insensitive prefix. */
function closest(word: string, candidates: string[]): string[] {
  const lower = word.toLowerCase();
  return candidates
    .map((c) => ({ c, d: distance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(word.length / 4)) || c.toLowerCase().startsWith(lower))
    .sort((a, b) => a.d - b.d)
    .slice(0, 2)
    .map(({ c }) => c);
}
