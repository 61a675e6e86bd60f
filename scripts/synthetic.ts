/**
 * Synthetic portals for benchmarks and scale tests: N features, each with one OpenAPI contract of
 * 10 operations, a context, an ER model and two sequence diagrams, 10 NFRs, 10 threats and
 * 5 edge cases, referencing their neighbours across features. Deterministic: same N, same files.
 *
 *   node scripts/synthetic.ts <out-dir> <features>
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const AREAS = ['identity', 'catalog', 'commerce', 'fulfilment', 'payments', 'support', 'marketing', 'platform', 'analytics', 'partners'];
const pad = (n: number) => String(n).padStart(2, '0');

/** The feature key of feature `i`: F0, F1, … (2–10 characters). */
const key = (i: number) => `F${i}`;
const slug = (i: number) => `feature-${i}`;

function feature(i: number, count: number): Record<string, string> {
  const k = key(i);
  const next = (i + 1) % count;
  const ops = Array.from({ length: 10 }, (_, o) => `${k.toLowerCase()}Op${o}`);
  const paths = ops
    .map(
      (op, o) => `  /f${i}/items${o}:
    ${o % 2 === 0 ? 'get' : 'post'}:
      operationId: ${op}
      summary: Operation ${o} of feature ${i}
      responses:
        '200': { description: OK, content: { application/json: { schema: { $ref: '#/components/schemas/Item' } } } }
        '400': { description: Invalid request }`,
    )
    .join('\n');
  const nfrs = Array.from({ length: 10 }, (_, n) => `  - id: ${k}-NFR-${pad(n + 1)}
    category: ${['latency', 'availability', 'security', 'throughput', 'privacy'][n % 5]}
    statement: Requirement ${n + 1} of feature ${i} holds under load.
    target: { metric: p95 latency, comparator: "<=", value: ${100 + n * 10}, unit: ms }
    applies_to: [op:${ops[n]}]
    verification: Load test in CI
    priority: ${['must', 'should', 'could'][n % 3]}`).join('\n');
  const threats = Array.from({ length: 10 }, (_, t) => `  - id: ${k}-T-${pad(t + 1)}
    title: Threat ${t + 1} against feature ${i}
    stride: [${['spoofing', 'tampering', 'repudiation', 'information-disclosure', 'denial-of-service', 'elevation-of-privilege'][t % 6]}]
    target: [op:${ops[t]}, component:svc_${i}]
    description: An attacker abuses operation ${t} of feature ${i}.
    likelihood: ${['low', 'medium', 'high'][t % 3]}
    impact: ${['medium', 'high', 'low'][t % 3]}
    mitigations: [nfr:${k}-NFR-${pad(t + 1)}, nfr:${key(next)}-NFR-01, Rate limiting at the gateway]
    status: ${t % 4 === 0 ? 'open' : 'mitigated'}
    owner: team-${i % 20}`).join('\n');
  const edges = Array.from({ length: 5 }, (_, e) => `  - id: ${k}-EC-${pad(e + 1)}
    scenario: What if the user retries step ${e + 1} of feature ${i}?
    expected: The operation is idempotent and returns the first result.
    refs: [op:${ops[e]}, sequence:${slug(i)}/flow-a]
    source: SUP-${1000 + i * 5 + e}
    severity: ${['low', 'medium', 'high', 'critical'][e % 4]}`).join('\n');
  const sequence = (name: string, op: number) => `---
title: Flow ${name} of feature ${i}
integration: Partner system
timeout: 3s
retries: { policy: exponential-jitter, max: 3, backoff: 200ms }
idempotency: Idempotency-Key header
---
sequenceDiagram
  participant web_${i} as Web app
  participant svc_${i} as Service ${i}
  participant partner as Partner system
  web_${i}->>svc_${i}: ${op % 2 === 0 ? 'GET' : 'POST'} /f${i}/items${op}
  svc_${i}->>partner: forward
  alt partner fails
    partner-->>svc_${i}: 503
    svc_${i}-->>web_${i}: 502
  else ok
    svc_${i}-->>web_${i}: 200
  end
`;
  return {
    'feature.md': `---
title: Feature ${i}
id: ${k}
status: ${['draft', 'ready', 'in-sprint', 'shipped'][i % 4]}
owner: team-${i % 20}
sprint: 2026-S${pad((i % 26) + 1)}
tickets: [${k}-1]
depends_on: [feature:${slug(next)}]
summary: Synthetic feature ${i} for scale tests.
---

As a user of feature ${i} I want it to work, see [[nfr:${k}-NFR-01]] and [[op:${ops[0]}]].
It relies on [[feature:${slug(next)}]] and stores [[entity:Record${i}]].
`,
    'context.mmd': `C4Context
  title Feature ${i}
  Person(user, "User")
  System(web_${i}, "Web app ${i}")
  System(svc_${i}, "Service ${i}")
  System_Ext(partner, "Partner system")
  Rel(user, web_${i}, "Uses")
  Rel(web_${i}, svc_${i}, "Calls")
  Rel(svc_${i}, partner, "Forwards to")
`,
    'openapi.yaml': `openapi: 3.1.0
info: { title: Feature ${i} API, version: 1.0.0 }
servers: [{ url: https://api.example.com }]
security: [{ bearer: [] }]
paths:
${paths}
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
  schemas:
    Item:
      type: object
      properties:
        id: { type: string }
        name: { type: string }
`,
    'data-model.mmd': `erDiagram
  Customer ||--o{ Record${i} : owns
  Customer {
    string id PK
    string email
  }
  Record${i} {
    string id PK
    string customerId FK
    int amount
  }
`,
    'sequences/flow-a.mmd': sequence('a', 0),
    'sequences/flow-b.mmd': sequence('b', 1),
    'nfr.yaml': `nfrs:\n${nfrs}\n`,
    'threats.yaml': `threats:\n${threats}\n`,
    'edge-cases.yaml': `edge_cases:\n${edges}\n`,
  };
}

/** Writes a synthetic portal of `count` features into `dir` (emptied first). */
export async function writeSyntheticPortal(dir: string, count: number): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (let i = 0; i < count; i++) {
    const bundle = path.join(dir, AREAS[i % AREAS.length]!, slug(i));
    for (const [name, text] of Object.entries(feature(i, count))) {
      await mkdir(path.dirname(path.join(bundle, name)), { recursive: true });
      await writeFile(path.join(bundle, name), text);
    }
  }
}

if (import.meta.main) {
  const [dir, count] = process.argv.slice(2);
  if (!dir || !count || !/^\d+$/.test(count)) {
    console.error('Usage: node scripts/synthetic.ts <out-dir> <features>');
    process.exit(2);
  }
  await writeSyntheticPortal(path.resolve(dir), Number(count));
  console.log(`Wrote ${count} synthetic bundles into ${dir}`);
}
