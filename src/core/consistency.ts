/**
 * Cross-artefact consistency: do the six artefacts of a bundle tell one story? A sequence's
 * participants should be components of some context diagram, its HTTP calls operations of some
 * contract; every operation should be covered by a threat, every open threat mitigated, every NFR
 * measurable or explained. The findings also feed the completeness rubric.
 */
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { PortalIndex } from './index-items.ts';
import type { Contract, NfrItem, Sequence, ThreatItem } from './model.ts';

export const consistencyRules = {
  'consistency/unknown-participant': { severity: 'warning', description: 'A sequence participant matches no component of any context diagram.' },
  'consistency/unknown-call': { severity: 'warning', description: 'An HTTP call in a sequence (`POST /orders`) matches no operation of any contract.' },
  'consistency/uncovered-operation': { severity: 'warning', description: 'No threat targets an operation.' },
  'consistency/unmitigated-threat': { severity: 'warning', description: 'An open threat lists no mitigation.' },
  'consistency/nfr-target': { severity: 'warning', description: 'An NFR has no measurable target and states no reason.' },
} as const satisfies Record<string, RuleInfo>;

const HTTP_CALL = /^\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE)\s+(\/[^\s?#]*)/i;
const normalise = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

/** What a sequence does not match, for the rubric's detail. */
export interface SequenceFindings {
  unknownParticipants: string[];
  unknownCalls: string[];
}

/** What sequences are checked against, built once per portal index: checking one sequence never walks the whole portal. */
interface Known {
  /** Normalised component IDs and labels. */
  components: Map<string, { external: boolean }>;
  /** `GET /orders/{id}` → operations by method: literal paths in a set, templated ones by segment count. */
  literal: Set<string>;
  templated: Map<string, string[]>;
}

const knownOf = new WeakMap<PortalIndex, Known>();

function known(index: PortalIndex): Known {
  const cached = knownOf.get(index);
  if (cached) return cached;
  const components = new Map<string, { external: boolean }>();
  for (const [id, targets] of index.components) {
    components.set(normalise(id), { external: targets.some((t) => t.external === true) });
    for (const target of targets) components.set(normalise(target.label), { external: target.external === true });
  }
  const literal = new Set<string>();
  const templated = new Map<string, string[]>();
  for (const targets of index.operations.values()) {
    for (const target of targets) {
      const [method, template] = target.label.split(' ', 2) as [string, string];
      if (!template?.includes('{')) {
        literal.add(`${method} ${template}`);
        continue;
      }
      const key = `${method} ${template.split('/').length}`;
      templated.set(key, [...(templated.get(key) ?? []), template]);
    }
  }
  const result = { components, literal, templated };
  knownOf.set(index, result);
  return result;
}

/**
 * What sequences are checked against, as one string: two indexes that give the same string give
 * every sequence the same findings (link-memo.ts keeps a bundle's findings while it stays the same).
 */
export function sequenceChecksSignature(index: PortalIndex): string {
  const { components, literal, templated } = known(index);
  return JSON.stringify([[...components], [...literal], [...templated]]);
}

/** Whether `METHOD path` is an operation of some contract, literally or through a path template. */
function isOperation(k: Known, method: string, path: string): boolean {
  const candidates = path.endsWith('/') && path.length > 1 ? [path, path.slice(0, -1)] : [path];
  return candidates.some(
    (p) => k.literal.has(`${method} ${p}`) || (k.templated.get(`${method} ${p.split('/').length}`) ?? []).some((template) => fitsTemplate(template, p)),
  );
}

export function checkSequence(sequence: Sequence, index: PortalIndex): { findings: SequenceFindings; diagnostics: Diagnostic[] } {
  const { diagram } = sequence;
  const diagnostics: Diagnostic[] = [];
  const findings: SequenceFindings = { unknownParticipants: [], unknownCalls: [] };
  const k = known(index);
  const { components } = k;
  const componentOf = (participant: string) => {
    const p = diagram.participants.find((x) => x.id === participant);
    return components.get(normalise(participant)) ?? (p ? components.get(normalise(p.label)) : undefined);
  };

  for (const participant of diagram.participants) {
    if (componentOf(participant.id)) continue;
    findings.unknownParticipants.push(participant.id);
    diagnostics.push(
      problem(consistencyRules, 'consistency/unknown-participant', { file: diagram.file, line: lineOf(diagram.source, participant.id) },
        `Participant "${participant.id}" matches no component of any context diagram.`,
        `Use a component's ID as the participant ID (\`participant payment_gateway as Payment gateway\`), or add "${participant.id}" to a context diagram.`),
    );
  }

  for (const message of diagram.messages) {
    const call = HTTP_CALL.exec(message.text);
    if (!call) continue;
    // Calls into external systems follow their contracts, not ours.
    if (componentOf(message.to)?.external) continue;
    const method = call[1]!.toUpperCase();
    const path = call[2]!;
    if (isOperation(k, method, path)) continue;
    const text = `${method} ${path}`;
    findings.unknownCalls.push(text);
    diagnostics.push(
      problem(consistencyRules, 'consistency/unknown-call', { file: diagram.file, line: lineOf(diagram.source, message.text) },
        `The call "${text}" matches no operation of any contract.`,
        'Write the method and path exactly as the contract declares them (`POST /orders/{orderId}/payments`), or add the operation to the contract.'),
    );
  }
  return { findings, diagnostics };
}

/** Operations no threat targets, open threats without mitigations, NFRs neither measurable nor explained. */
export function checkCoverage(slug: string, contracts: readonly Contract[], threats: readonly ThreatItem[], nfrs: readonly NfrItem[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const covered = new Set(threats.flatMap((t) => t.targets.map((r) => r.href)));
  for (const contract of contracts) {
    for (const op of contract.operations) {
      if (covered.has(`/features/${slug}/#${op.operationId}`)) continue;
      diagnostics.push(
        problem(consistencyRules, 'consistency/uncovered-operation', { file: contract.file, line: op.line },
          `No threat targets ${op.method} ${op.path} (${op.operationId}).`,
          `Add a threat with \`target: op:${op.operationId}\` to threats.yaml, even if its status is not-applicable.`),
      );
    }
  }
  for (const threat of threats) {
    if (threat.status !== 'open' || threat.mitigations.length > 0) continue;
    diagnostics.push(
      problem(consistencyRules, 'consistency/unmitigated-threat', threat.at, `${threat.id} is open and lists no mitigation.`,
        'List the planned mitigations (an nfr: reference or free text), or change the status to accepted with an owner.'),
    );
  }
  for (const nfr of nfrs) {
    if (nfr.target !== 'none' || nfr.reason) continue;
    diagnostics.push(
      problem(consistencyRules, 'consistency/nfr-target', nfr.at, `${nfr.id} has no measurable target and states no reason.`,
        'Give `target: { metric, comparator, value, unit }`, or keep `target: none` and add `reason:` saying why it cannot be measured.'),
    );
  }
  return diagnostics;
}

/**
 * Whether a called path (`/orders/42`) fits a contract's path template (`/orders/{orderId}`):
 * segment by segment, a parameter standing for one or more characters other than `/`. Not a
 * regular expression: one with several parameters in a segment (`/{a}-{b}-{c}`) backtracks
 * exponentially on a long called path.
 */
function fitsTemplate(template: string, path: string): boolean {
  const wanted = template.split('/');
  const got = path.split('/');
  return wanted.length === got.length && wanted.every((segment, i) => fitsSegment(segment, got[i]!));
}

/** One segment: the text between parameters must appear in order; leftmost is always the best choice. */
function fitsSegment(template: string, text: string): boolean {
  const literals = template.split(/\{[^/}]+\}/);
  if (literals.length === 1) return template === text;
  const first = literals[0]!;
  const last = literals.at(-1)!;
  const end = text.length - last.length;
  if (!text.startsWith(first) || !text.endsWith(last) || end < first.length) return false;
  let at = first.length;
  for (const literal of literals.slice(1, -1)) {
    // Each parameter takes at least one character.
    const found = text.indexOf(literal, at + 1);
    if (found === -1 || found + literal.length > end) return false;
    at = found + literal.length;
  }
  return end - at >= 1;
}

function lineOf(source: string, text: string): number {
  const index = source.split('\n').findIndex((line) => line.includes(text));
  return index + 1 || 1;
}
