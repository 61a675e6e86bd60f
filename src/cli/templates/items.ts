/** Templates of a new bundle's item files: nfr.yaml, edge-cases.yaml, threats.yaml. */
import { basePath, components, entities, ops, schemaLine, type BundleNames } from './names.ts';

export function nfrYaml(n: BundleNames): string {
  const op = ops(n);
  return `${schemaLine(n, 'nfr')}# 5. Non-functional requirements: a top-level nfrs: list.
nfrs:
  # id: unique across the portal; start it with the feature key (${n.key}).
  - id: ${n.key}-NFR-01
    # category: latency, throughput, availability, scalability, security, privacy, compliance,
    # accessibility, observability, reliability, durability, capacity, performance, resilience,
    # usability, maintainability, portability, interoperability, auditability or cost.
    category: latency
    # statement: the requirement in one sentence.
    statement: Creating a record is fast enough to feel instant.
    # target: a measurable { metric, comparator, value, unit }; comparator is <, <=, >, >= or =.
    # When nothing can be measured, write "target: none" and say why in "reason:".
    target:
      metric: p95 latency of POST ${basePath(n)}
      comparator: '<='
      value: 300
      unit: ms
    # applies_to: typed references to what it constrains: op:, component:, sequence:, entity:.
    applies_to:
      - op:${op.create}
      - sequence:${n.slug}/${n.sequence}
    # verification: how it is proven (a load test, a dashboard, an audit).
    verification: Load test in staging at twice the expected peak.
    # priority: must, should or could.
    priority: must
    # rationale: why the requirement exists.
    rationale: Placeholder; say why this number matters.

  - id: ${n.key}-NFR-02
    category: security
    statement: Every call is authenticated; unauthenticated calls are refused.
    target:
      metric: share of unauthenticated calls answered with 401
      comparator: '='
      value: 100
      unit: '%'
    applies_to:
      - op:${op.create}
      - op:${op.get}
    verification: Contract test calls every operation without a token and expects 401.
    priority: must
`;
}

export function edgeCasesYaml(n: BundleNames): string {
  const op = ops(n);
  return `${schemaLine(n, 'edge-cases')}# 6a. Edge cases: a top-level edge_cases: list of "what if the user...?" cases.
edge_cases:
  # id: unique across the portal; start it with the feature key (${n.key}).
  - id: ${n.key}-EC-01
    # scenario: the case, as a question.
    scenario: What if the user sends the same create twice, for example after a timeout?
    # expected: the expected behaviour.
    expected: The second call returns the record of the first; only one record exists.
    # refs: typed references to the operations or sequences that handle it.
    refs:
      - op:${op.create}
      - sequence:${n.slug}/${n.sequence}
    # source: where the case came from, e.g. a support ticket (optional).
    source: design review
    # severity: low, medium, high or critical.
    severity: medium

  - id: ${n.key}-EC-02
    scenario: What if the external partner does not answer?
    expected: After the retries the user gets 503 and can retry safely with the same Idempotency-Key.
    refs:
      - sequence:${n.slug}/${n.sequence}
    severity: high
`;
}

export function threatsYaml(n: BundleNames): string {
  const op = ops(n);
  return `${schemaLine(n, 'threats')}# 6b. STRIDE threat model: a top-level threats: list. Every operation should be the target of at
# least one threat, and every open threat should list a mitigation.
threats:
  # id: unique across the portal; start it with the feature key (${n.key}).
  - id: ${n.key}-T-01
    # title: the threat in a few words.
    title: Reading another user's record by its ID
    # stride: one or more of spoofing, tampering, repudiation, information-disclosure,
    # denial-of-service, elevation-of-privilege.
    stride: [information-disclosure]
    # target: typed references to what is attacked: op:, component:, entity: or sequence:.
    target:
      - op:${op.get}
      - entity:${entities(n).record}
    # description: how the attack works.
    description: An attacker requests records with IDs that belong to other users.
    # likelihood and impact: low, medium or high; the risk is derived from the two.
    likelihood: medium
    impact: medium
    # mitigations: typed references (nfr:${n.key}-NFR-02) or free text.
    mitigations:
      - nfr:${n.key}-NFR-02
      - Records are looked up scoped to the caller; foreign IDs return 404
    # status: open, mitigated, accepted, transferred or not-applicable.
    status: open
    # owner: who is accountable for the mitigation.
    owner: team-${n.slug}

  - id: ${n.key}-T-02
    title: Flooding the create endpoint
    stride: [denial-of-service]
    target:
      - op:${op.create}
      - component:${components(n).service}
    description: A client creates records in a loop and exhausts the service or the partner's quota.
    likelihood: low
    impact: medium
    mitigations:
      - Rate limit per caller at the gateway
    status: open
    owner: team-${n.slug}
`;
}
