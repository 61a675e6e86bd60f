/**
 * What a parsed Mermaid diagram declares, read from the parser's database right after parsing.
 * Runs in the parser worker: the databases are live objects (Maps, class instances, some shared
 * between diagrams) that must be read before the next diagram is parsed and cannot cross threads.
 * Only the fields used here are typed; Mermaid's own types for its databases are internal.
 */
import type { Component, Diagram, Entity, EntityRelationship, Relation, SequenceMessage, SequenceParticipant } from './model.ts';

/** The declared parts of a diagram, plus the title written inside it (`''` when none). */
export type DiagramParts = Pick<
  Diagram,
  'components' | 'relations' | 'entities' | 'relationships' | 'participants' | 'messages' | 'hasErrorPath'
> & { title: string };

/** Turns a label as Mermaid stores it into plain text (entities decoded, `<br>` as a space). */
export type TextDecoder = (text: unknown) => string;

interface Text {
  text?: unknown;
}
interface C4Db {
  getC4ShapeArray(): Array<{ alias?: unknown; label?: Text; descr?: Text; typeC4Shape?: Text }>;
  getRels(): Array<{ from?: unknown; to?: unknown; label?: Text }>;
  getTitle?(): unknown;
}
interface FlowDb {
  getVertices(): Map<string, { id?: unknown; text?: unknown; classes?: unknown }>;
  getEdges(): Array<{ start?: unknown; end?: unknown; text?: unknown }>;
}
interface ErDb {
  getEntities(): Map<string, { id?: unknown; attributes?: Array<{ name?: unknown; type?: unknown; keys?: unknown; comment?: unknown }> }>;
  getRelationships(): Array<{ entityA?: unknown; entityB?: unknown; roleA?: unknown; relSpec?: { cardA?: unknown; cardB?: unknown; relType?: unknown } }>;
}
interface SequenceDb {
  getActors(): Map<string, { description?: unknown; type?: unknown }>;
  getMessages(): Array<{ from?: unknown; to?: unknown; message?: unknown; type?: unknown }>;
  LINETYPE: Record<string, number>;
}
interface StateDb {
  getStates(): Map<string, unknown>;
  getRelations(): Array<{ id1?: unknown; id2?: unknown; relationTitle?: unknown }>;
}
interface CommonDb {
  getDiagramTitle?(): unknown;
  getAccTitle?(): unknown;
}

/** Line types that are not messages: notes, activations, numbering and block markers. */
const NOT_A_MESSAGE = /^(NOTE|ACTIVE_|AUTONUMBER|LOOP_|ALT_|OPT_|PAR_|RECT_|CRITICAL_|BREAK_)/;
/** Blocks that show what happens when things go wrong (a `loop`, `par` or `rect` does not). */
const ERROR_PATH_STARTS = ['ALT_START', 'OPT_START', 'BREAK_START', 'CRITICAL_START'];

/** Reads a parsed diagram's database. `type` is Mermaid's diagram type (`sequence`, `er`, `c4`, …). */
export function extractParts(type: string, db: unknown, decode: TextDecoder): DiagramParts {
  const parts: DiagramParts = {
    components: [],
    relations: [],
    entities: [],
    relationships: [],
    participants: [],
    messages: [],
    hasErrorPath: false,
    title: '',
  };
  if (type === 'c4') readC4(db as C4Db, decode, parts);
  else if (type.startsWith('flowchart')) readFlowchart(db as FlowDb, decode, parts);
  else if (type === 'er') readEr(db as ErDb, decode, parts);
  else if (type === 'sequence') readSequence(db as SequenceDb, decode, parts);
  else if (type === 'stateDiagram') readState(db as StateDb, decode, parts);
  const common = db as CommonDb;
  parts.title ||= decode(common.getDiagramTitle?.()) || decode(common.getAccTitle?.());
  return parts;
}

function readC4(db: C4Db, decode: TextDecoder, parts: DiagramParts): void {
  parts.components = db.getC4ShapeArray().map((shape): Component => {
    // Mermaid names external shapes `external_system_db`; the macro a person writes is `SystemDb_Ext`.
    const raw = decode(shape.typeC4Shape?.text).toLowerCase();
    const external = raw.startsWith('external_');
    return {
      id: decode(shape.alias),
      label: decode(shape.label?.text),
      type: external ? `${raw.slice('external_'.length)}_ext` : raw,
      external,
      description: decode(shape.descr?.text),
    };
  });
  parts.relations = db.getRels().map((rel): Relation => ({ from: decode(rel.from), to: decode(rel.to), label: decode(rel.label?.text) }));
  parts.title = decode(db.getTitle?.());
}

function readFlowchart(db: FlowDb, decode: TextDecoder, parts: DiagramParts): void {
  parts.components = [...db.getVertices().entries()].map(([id, vertex]): Component => ({
    id,
    label: decode(vertex.text) || id,
    type: 'node',
    // `A:::external` or `class A external` marks a system outside the feature's boundary.
    external: Array.isArray(vertex.classes) && vertex.classes.includes('external'),
    description: '',
  }));
  parts.relations = db.getEdges().map((edge): Relation => ({ from: decode(edge.start), to: decode(edge.end), label: decode(edge.text) }));
}

/** A state diagram's top-level states (as `state` components, without the start and end) and transitions. */
function readState(db: StateDb, decode: TextDecoder, parts: DiagramParts): void {
  parts.components = [...db.getStates().keys()]
    .filter((id) => !/^root_(start|end)$/.test(id))
    .map((id): Component => ({ id, label: id, type: 'state', external: false, description: '' }));
  parts.relations = db.getRelations().map((rel): Relation => ({ from: decode(rel.id1), to: decode(rel.id2), label: decode(rel.relationTitle) }));
}

function readEr(db: ErDb, decode: TextDecoder, parts: DiagramParts): void {
  const names = new Map<unknown, string>();
  for (const [name, entity] of db.getEntities()) {
    names.set(entity.id, name);
    parts.entities.push({
      name,
      attributes: (entity.attributes ?? []).map((attribute): Entity['attributes'][number] => ({
        name: decode(attribute.name),
        type: decode(attribute.type),
        keys: Array.isArray(attribute.keys) ? attribute.keys.map((key) => decode(key)) : [],
        comment: decode(attribute.comment),
      })),
    });
  }
  parts.relationships = db.getRelationships().map(
    (rel): EntityRelationship => ({
      // Relationships point at entity IDs such as `entity-ORDER-1`; people wrote the names.
      from: names.get(rel.entityA) ?? decode(rel.entityA),
      to: names.get(rel.entityB) ?? decode(rel.entityB),
      label: decode(rel.roleA),
      // Mermaid stores the marker written next to the first entity (`||` in `A ||--o{ B`) as cardB.
      fromCardinality: decode(rel.relSpec?.cardB),
      toCardinality: decode(rel.relSpec?.cardA),
      identifying: rel.relSpec?.relType === 'IDENTIFYING',
    }),
  );
}

function readSequence(db: SequenceDb, decode: TextDecoder, parts: DiagramParts): void {
  parts.participants = [...db.getActors().entries()].map(
    ([id, actor]): SequenceParticipant => ({ id, label: decode(actor.description) || id, type: decode(actor.type) || 'participant' }),
  );
  const names = new Map(Object.entries(db.LINETYPE).map(([name, value]) => [value, name]));
  for (const message of db.getMessages()) {
    const name = typeof message.type === 'number' ? (names.get(message.type) ?? '') : '';
    if (ERROR_PATH_STARTS.includes(name)) parts.hasErrorPath = true;
    if (NOT_A_MESSAGE.test(name) || typeof message.from !== 'string' || typeof message.to !== 'string') continue;
    parts.messages.push({ from: message.from, to: message.to, text: decode(message.message) } satisfies SequenceMessage);
  }
}
