/**
 * The completeness score: 0–10 from an explicit rubric, one point a line, so a product owner sees
 * exactly what is still missing. Presence of the six artefacts, then how deep each goes.
 */
import type { SequenceFindings } from './consistency.ts';
import type { Completeness, Contract, Diagram, EdgeCaseItem, NfrItem, RubricLine, Sequence, ThreatItem } from './model.ts';

export interface CompletenessInput {
  context?: Diagram | undefined;
  dataModel?: Diagram | undefined;
  contracts: readonly Contract[];
  sequences: readonly Sequence[];
  /** What each sequence does not match in the contexts and contracts, by sequence name. */
  findings?: ReadonlyMap<string, SequenceFindings>;
  nfrs: readonly NfrItem[];
  edgeCases: readonly EdgeCaseItem[];
  threats: readonly ThreatItem[];
  /** The feature's slug, to tell its own operations in threat targets. */
  slug: string;
}

const list = (names: string[], max = 4) => (names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', '));

/** The rubric's lines, in order; configuration may weigh them. */
export const RUBRIC_LINES = [
  'context', 'api', 'api-depth', 'data-model', 'sequences', 'sequence-errors', 'nfrs', 'edge-cases', 'threat-coverage', 'threat-mitigations',
] as const;

/**
 * Scores a bundle. Each line weighs 1 unless `weights` says otherwise; the score is always on a
 * 0–10 scale, so portals with different weights still read the same way.
 */
export function completenessOf(input: CompletenessInput, weights: Readonly<Partial<Record<string, number>>> = {}): Completeness {
  const operations = input.contracts.flatMap((c) => c.operations);
  const lines: Array<Omit<RubricLine, 'points'>> = [];
  const line = (id: string, label: string, met: boolean, detail: string) => lines.push({ id, label, met, detail: met ? '' : detail });

  line('context', 'System context diagram', (input.context?.components.length ?? 0) > 0,
    input.context ? 'context.mmd declares no component.' : 'Add context.mmd: a C4Context or flowchart of the systems involved.');
  line('api', 'API contract with operations', operations.length > 0,
    input.contracts.length > 0 ? 'The contract declares no operation.' : 'Add openapi.yaml (or api/*.yaml) describing the operations.');
  const shallow = operations.filter((op) => !op.hasErrorResponse || !(op.secured || op.declaredPublic));
  line('api-depth', 'Every operation declares error responses and security (or `security: []`)', operations.length > 0 && shallow.length === 0,
    operations.length === 0 ? 'No operation yet.' : `Missing error responses or security: ${list(shallow.map((op) => op.operationId))}.`);
  line('data-model', 'Data model with attributes', (input.dataModel?.entities.some((e) => e.attributes.length > 0)) ?? false,
    input.dataModel ? 'data-model.mmd declares no entity with attributes.' : 'Add data-model.mmd: an erDiagram of the entities the feature reads and writes.');
  const untimed = input.sequences.filter((s) => !s.meta.timeout || !s.meta.retries);
  const mismatched = input.sequences.filter((s) => {
    const f = input.findings?.get(s.name);
    return f !== undefined && f.unknownParticipants.length + f.unknownCalls.length > 0;
  });
  line('sequences', 'Integration sequences with timeout and retries, matching the contexts and contracts', input.sequences.length > 0 && untimed.length === 0 && mismatched.length === 0,
    input.sequences.length === 0
      ? 'Add sequences/*.mmd: one sequenceDiagram per integration flow.'
      : [
          untimed.length > 0 ? `Declare timeout and retries in the front matter of: ${list(untimed.map((s) => s.name))}.` : '',
          mismatched.length > 0 ? `Participants or calls match no component or operation in: ${list(mismatched.map((s) => s.name))}.` : '',
        ].filter(Boolean).join(' '));
  const happyOnly = input.sequences.filter((s) => !s.diagram.hasErrorPath);
  line('sequence-errors', 'Every sequence shows an error path (alt, opt, break)', input.sequences.length > 0 && happyOnly.length === 0,
    input.sequences.length === 0 ? 'No sequence yet.' : `Show what happens when things fail in: ${list(happyOnly.map((s) => s.name))}.`);
  const vague = input.nfrs.filter((n) => !n.measurable);
  line('nfrs', 'NFRs, every one measurable', input.nfrs.length > 0 && vague.length === 0,
    input.nfrs.length === 0 ? 'Add nfr.yaml with the non-functional requirements.' : `Give a measurable target to: ${list(vague.map((n) => n.id))}.`);
  const loose = input.edgeCases.filter((e) => !e.links.some((l) => l.kind === 'op' || l.kind === 'sequence'));
  line('edge-cases', 'Edge cases, each tied to an operation or sequence', input.edgeCases.length > 0 && loose.length === 0,
    input.edgeCases.length === 0 ? 'Add edge-cases.yaml with the "what if…?" cases.' : `Reference an op: or sequence: in: ${list(loose.map((e) => e.id))}.`);
  const covered = new Set(input.threats.flatMap((t) => t.targets.filter((r) => r.kind === 'op' && r.href).map((r) => r.href)));
  const uncovered = operations.filter((op) => !covered.has(`/features/${input.slug}/#${op.operationId}`));
  line('threat-coverage', 'Threat model covers every operation', input.threats.length > 0 && uncovered.length === 0,
    input.threats.length === 0 ? 'Add threats.yaml with the STRIDE threat model.' : `No threat targets: ${list(uncovered.map((op) => op.operationId))}.`);
  const unmitigated = input.threats.filter((t) => t.status === 'open' && t.mitigations.length === 0);
  line('threat-mitigations', 'Every open threat has a mitigation', input.threats.length > 0 && unmitigated.length === 0,
    input.threats.length === 0 ? 'No threat yet.' : `Plan a mitigation for: ${list(unmitigated.map((t) => t.id))}.`);

  const rubric = lines.map((l) => {
    const weight = weights[l.id] ?? 1;
    return { ...l, points: l.met ? weight : 0, weight };
  });
  const total = rubric.reduce((sum, l) => sum + l.weight, 0);
  const met = rubric.reduce((sum, l) => sum + l.points, 0);
  return { score: total === 0 ? 0 : Math.round((met / total) * 10), max: 10, rubric: rubric.map(({ weight: _weight, ...l }) => l) };
}
