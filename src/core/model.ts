/**
 * The linked model: what the core hands to the CLI, the tests and the Astro loader.
 * Plain, serialisable data (no class instances, no functions), so the content layer can store it.
 */
import type { Catalog } from './catalog.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { EdgeCase } from './schemas/edge-cases.ts';
import type { Permalink } from './permalinks.ts';
import type { FeatureFrontmatter } from './schemas/feature.ts';
import type { Nfr } from './schemas/nfr.ts';
import type { Ref, RefKind } from './schemas/refs.ts';
import type { SequenceFrontmatter } from './schemas/sequence.ts';
import type { RiskLevel, Threat } from './schemas/threats.ts';

/** Where something was written: file relative to the content root, 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** A reference as written in a bundle, with where it was written and what it resolved to. */
export interface LinkedRef extends Ref {
  at: SourceRef;
  /** The URL of the target (`/features/<slug>/#<anchor>`), or undefined when it dangles. */
  href?: string | undefined;
  /** Readable label of the target, e.g. the NFR statement or the operation's `POST /orders`. */
  label?: string | undefined;
}

/** An element of a context diagram: a C4 alias or a flowchart node ID. */
export interface Component {
  id: string;
  label: string;
  /** C4 shape (`person`, `system`, `system_ext`, `container`, …) or `node` for flowcharts. */
  type: string;
  external: boolean;
  description: string;
}

export interface Relation {
  from: string;
  to: string;
  label: string;
}

export interface EntityAttribute {
  name: string;
  type: string;
  /** PK, FK, UK. */
  keys: string[];
  comment: string;
}

export interface Entity {
  name: string;
  attributes: EntityAttribute[];
}

export interface EntityRelationship {
  from: string;
  to: string;
  label: string;
  /** Mermaid's cardinalities, e.g. `ONLY_ONE`, `ZERO_OR_MORE`. */
  fromCardinality: string;
  toCardinality: string;
  identifying: boolean;
}

export interface SequenceParticipant {
  id: string;
  label: string;
  /** `participant`, `actor`, … */
  type: string;
}

export interface SequenceMessage {
  from: string;
  to: string;
  text: string;
}

/** A Mermaid diagram, validated by Mermaid's own parser, with what it declares. */
export interface Diagram {
  file: string;
  /** The Mermaid source exactly as written (front matter included). */
  source: string;
  /** Mermaid's diagram type: `sequence`, `er`, `flowchart-v2`, `c4`, … */
  kind: string;
  /** The diagram's YAML front matter (Mermaid's own `---` block), or `{}`. */
  frontmatter: Record<string, unknown>;
  /** Line of the front matter's first key, for diagnostics on its fields. */
  frontmatterLine: number;
  title?: string | undefined;
  components: Component[];
  relations: Relation[];
  entities: Entity[];
  relationships: EntityRelationship[];
  participants: SequenceParticipant[];
  messages: SequenceMessage[];
  /** The diagram shows what happens when things go wrong: an `alt`, `opt`, `break` or `critical` block. */
  hasErrorPath: boolean;
}

export interface Sequence {
  /** File name without `.mmd`; with the feature slug it forms `sequence:<slug>/<name>`. */
  name: string;
  anchor: string;
  diagram: Diagram;
  meta: SequenceFrontmatter;
}

export interface Operation {
  operationId: string;
  /** Whether the operationId was derived (`get-orders-id`) because the contract had none. */
  derivedId: boolean;
  method: string;
  path: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  /** Response status codes as written (`200`, `4XX`, `default`). */
  responses: string[];
  hasErrorResponse: boolean;
  /** Security requirements apply (the operation's own, or the document's global ones). */
  secured: boolean;
  /** The operation declares `security: []`: public by design rather than by omission. */
  declaredPublic: boolean;
  line: number;
}

export interface Contract {
  /** File relative to the content root. */
  file: string;
  /** File name inside the bundle, e.g. `openapi.yaml` or `api/payments.yaml`. */
  name: string;
  /** The URL-safe name under which the contract is published: `/features/<slug>/<publicName>.json`. */
  publicName: string;
  title: string;
  version: string;
  /** OpenAPI version after any upgrade, e.g. `3.1.0`. */
  openapi: string;
  /** Original version when the document was upgraded (Swagger `2.0`). */
  upgradedFrom?: string | undefined;
  operations: Operation[];
  /** Files of the bundle the contract `$ref`s (relative to the content root): published inside it. */
  includes?: string[] | undefined;
}

export interface NfrItem extends Nfr {
  feature: string;
  at: SourceRef;
  appliesTo: LinkedRef[];
  measurable: boolean;
}

export interface ThreatItem extends Threat {
  feature: string;
  at: SourceRef;
  risk: RiskLevel;
  targets: LinkedRef[];
  /** Mitigations in order: a reference (resolved) or free text. */
  mitigationItems: Array<{ ref: LinkedRef } | { text: string }>;
}

export interface EdgeCaseItem extends EdgeCase {
  feature: string;
  at: SourceRef;
  links: LinkedRef[];
}

/** One line of the completeness rubric. */
export interface RubricLine {
  id: string;
  label: string;
  met: boolean;
  points: number;
  /** What is still missing, when not met. */
  detail: string;
}

export interface Completeness {
  score: number;
  max: number;
  rubric: RubricLine[];
}

export interface Backlink {
  /** The feature whose bundle holds the reference. */
  feature: string;
  /** What holds the reference: an item ID, `feature.md`, or a file name. */
  from: string;
  fromKind: RefKind | 'story';
  href: string;
  label: string;
}

export interface Feature {
  slug: string;
  /** Bundle folder relative to the content root. */
  dir: string;
  area: string;
  meta: FeatureFrontmatter;
  /** The Markdown story from `feature.md`. */
  body: string;
  /** Line in `feature.md` where the body starts. */
  bodyLine: number;
  /** The story rendered to sanitised HTML, wiki links resolved. */
  storyHtml: string;
  storyHeadings: Array<{ depth: number; slug: string; text: string }>;
  /** Each ```mermaid block of the story as Mermaid parsed it, in order; `null` where Mermaid rejected it. */
  storyDiagrams: Array<Diagram | null>;
  context?: Diagram | undefined;
  dataModel?: Diagram | undefined;
  sequences: Sequence[];
  contracts: Contract[];
  nfrs: NfrItem[];
  threats: ThreatItem[];
  edgeCases: EdgeCaseItem[];
  dependsOn: LinkedRef[];
  completeness: Completeness;
  /** Everything that references this feature or one of its items, keyed by anchor (`''` for the feature). */
  backlinks: Record<string, Backlink[]>;
  /** Every file of the bundle, relative to the content root, so none is silently dropped. */
  files: string[];
  /** Where the bundle comes from in git: repository, commit, path, last change, edit link. */
  provenance?: {
    repository?: string;
    commit?: string;
    path: string;
    lastChange?: { date: string; author: string };
    editUrl?: string;
  };
}

export interface Portal {
  /** Absolute content root. */
  root: string;
  features: Feature[];
  /** Entities, components and relations across features. */
  catalog: Catalog;
  /** Every permanent link `/ref/<ID>/`. */
  permalinks: Permalink[];
  /** Published API documents (bundled, 3.x), keyed `<slug>/<publicName>`. */
  documents: Map<string, Record<string, unknown>>;
  diagnostics: Diagnostic[];
  /** The last changes across bundles from git, newest first. */
  recentChanges?: Array<{ date: string; author: string; feature: string; subject: string; commit: string }>;
}
