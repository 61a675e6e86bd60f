/** Templates of the Markdown and Mermaid files of a new bundle: feature, context, data model, sequence. */
import { basePath, components, entities, ops, type BundleNames } from './names.ts';

export function featureMd(n: BundleNames): string {
  const op = ops(n);
  return `---
# The frontmatter of the feature. Fields: ${n.schemaDir}/feature.schema.json
# title: the feature name, shown as the page title.
title: ${JSON.stringify(n.title)}
# id: the feature key, 2 to 10 uppercase letters or digits. Every item ID of this feature starts
# with it: ${n.key}-NFR-01, ${n.key}-T-01, ${n.key}-EC-01. It must be unique across the portal.
id: ${n.key}
# status: draft, ready, in-sprint, shipped or deprecated.
status: draft
# owner: the team or person accountable for this spec.
owner: team-${n.slug}
# area: the area or domain; by default the parent folder of the bundle.
# area: payments
# sprint: the sprint the feature is planned for.
# sprint: 2026-S24
# tickets: ticket keys or URLs (URLs render as links), e.g. [${n.key}-1, https://tracker.example/browse/${n.key}-2]
tickets: []
# depends_on: the features this one needs, as feature:slug references, e.g. [feature:checkout]
depends_on: []
# summary: one or two sentences for the feature index and for search.
summary: What the feature does for whom, in one or two sentences.
# tags: free-form tags, e.g. [web, pci]
tags: []
---

As a **user of ${n.title}**, I want to **record what happened**, so that **I can look it up later**.

Write the story and the context in Markdown. Link to anything in the portal with a typed reference in
double square brackets: [[op:${op.create}]], [[entity:${entities(n).record}]],
[[component:${components(n).service}]], [[sequence:${n.slug}/${n.sequence}]], [[nfr:${n.key}-NFR-01]],
[[threat:${n.key}-T-01]] or [[edge:${n.key}-EC-01]]; another feature is feature: followed by its slug.
A fenced code block marked mermaid renders as a diagram too.

## Acceptance criteria

- A record is created with [[op:${op.create}]] and read back with [[op:${op.get}]].
- A create answers within 300 ms at the 95th percentile ([[nfr:${n.key}-NFR-01]]).
- A repeated create with the same idempotency key creates one record ([[edge:${n.key}-EC-01]]).

## Out of scope

- What this feature deliberately does not do.

## Open questions

- What is still to be decided, with a ticket key.
`;
}

export function contextMmd(n: BundleNames): string {
  const c = components(n);
  return `%% 1. System context: a Mermaid C4Context (or a flowchart).
%% The first argument of each element is its ID. Typed references (component:${c.service}) and the
%% participants of the sequence diagrams use it. Reuse the IDs of other features' context diagrams
%% (for example a shared api_gateway) so that the system landscape joins them up.
%% Person = a user, System = ours, SystemDb = our data store, System_Ext = an external system.
C4Context
  title ${n.title}: system context

  Person(${c.user}, "User", "Who uses the feature")
  System(${c.service}, "${n.title} service", "Owns the records of this feature")
  SystemDb(${c.db}, "${n.title} database", "Stores records and events")
  System_Ext(${c.partner}, "External partner", "The third-party system this feature integrates with")

  Rel(${c.user}, ${c.service}, "Creates and reads records", "HTTPS/JSON")
  Rel(${c.service}, ${c.db}, "Reads and writes", "SQL")
  Rel(${c.service}, ${c.partner}, "Verifies each record", "HTTPS/JSON, 3 s timeout")
`;
}

export function dataModelMmd(n: BundleNames): string {
  const e = entities(n);
  return `%% 3. Data model: a Mermaid erDiagram. Each entity becomes a page under /entities/ and can be
%% referenced as entity:${e.record}. Entities with the same name in several features are merged,
%% so reuse a name only for the same thing, with the same attribute types.
%% An attribute is: type name [PK|FK|UK] ["comment"].
erDiagram
  ${e.record} ||--o{ ${e.event} : "has"

  ${e.record} {
    uuid id PK
    string status "draft, active or closed"
    string note
    timestamp created_at
  }
  ${e.event} {
    uuid id PK
    uuid record_id FK
    string kind "created, verified or rejected"
    timestamp occurred_at
  }
`;
}

export function sequenceMmd(n: BundleNames): string {
  const c = components(n);
  return `---
# 4. Integration sequence: one Mermaid sequenceDiagram per file. The file name (without .mmd) names
# it: sequence:${n.slug}/${n.sequence}. This front matter is shown as a table under the diagram.
# Fields: ${n.schemaDir}/sequence.schema.json
# title: the flow, as shown above the diagram.
title: Create a record
# integration: the external system this flow talks to.
integration: External partner verification API
# timeout: how long the caller waits: 800ms, 3s, 5min, 1h or 7d (a bare number means milliseconds).
timeout: 3s
# retries: policy (none, fixed, linear, exponential or exponential-jitter), max (the retry budget),
# backoff (the first delay) and on (what is retried). Short forms: a number (the budget) or none.
retries:
  policy: exponential-jitter
  max: 2
  backoff: 200ms
  on: [timeout, 503]
# idempotency: how a repeated call is made safe.
idempotency: Idempotency-Key header; a repeated key returns the first result for 24 h.
---
%% Participants are component IDs from a context diagram. An HTTP call written as "POST /path"
%% must match an operation of a contract. Show the error path with alt/else, opt or break.
sequenceDiagram
  autonumber
  actor ${c.user} as User
  participant ${c.service} as ${n.title} service
  participant ${c.db} as ${n.title} database
  participant ${c.partner} as External partner

  ${c.user}->>${c.service}: POST ${basePath(n)}
  ${c.service}->>${c.partner}: Verify the record (3 s timeout, 2 retries)
  alt Verified in time
    ${c.partner}-->>${c.service}: Verified
    ${c.service}->>${c.db}: Store the record and a created event
    ${c.service}-->>${c.user}: 201 Created
  else Timeout or 5xx after the retries
    ${c.service}-->>${c.user}: 503 Service unavailable, retry with the same Idempotency-Key
  end
`;
}
