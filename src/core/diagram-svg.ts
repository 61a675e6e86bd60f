/**
 * Diagrams drawn at build time: a bundle's Mermaid diagram as an SVG the page carries, so a
 * feature page needs no Mermaid in the browser. Drawn by `beautiful-mermaid` (no DOM, themed by
 * CSS custom properties, so it follows the light and dark theme).
 *
 * That renderer knows less Mermaid than Mermaid does. So a diagram is drawn here only when
 * - it is a kind the renderer draws: a sequence, an ER model, a flowchart, a plain state diagram,
 *   or a C4 context or container diagram (through `c4-flowchart.ts`);
 * - it uses only statements the renderer draws faithfully (no `rect`, `box`, `activate`, composite
 *   state…), some written the way the renderer reads them (`option` as `else`, `autonumber` as
 *   numbered texts, `}o` as `{o`);
 * - the SVG shows everything Mermaid's own parser found: each participant and message, entity,
 *   attribute and relationship, node, label and edge;
 * - the SVG holds only drawing: known elements, no event handlers, links or outside `url()`.
 * Otherwise the answer is why not, and the browser draws the diagram with Mermaid, as before.
 */
import { renderMermaidSVG } from 'beautiful-mermaid';
import { c4ToFlowchart } from './c4-flowchart.ts';
import type { Diagram } from './model.ts';

/** What Mermaid's parser found in the diagram: the SVG must show all of it. */
export type DiagramFacts = Pick<Diagram, 'kind' | 'components' | 'relations' | 'entities' | 'relationships' | 'participants' | 'messages'>;

export interface DiagramSvg {
  /** The SVG, with IDs unique to this diagram and its styles scoped to `.sp-diagram-svg`. */
  svg: string;
  /** A `title` statement, which the renderer does not draw ('' when none). */
  title: string;
  /** The drawing's natural width in CSS pixels. */
  width: number;
}

/** Colours the SVG takes from the page (set per theme in specport.css), and the font it was measured for. */
const OPTIONS = { bg: 'var(--sp-diagram-bg)', fg: 'var(--sp-diagram-fg)', transparent: true, font: 'Inter Variable' } as const;

/** A message: sender, arrow, activation mark, receiver, text. */
const MESSAGE = /^([^\s:]+?)\s*(-->>|->>|-->|->|--x|-x|--\)|-\))\s*([+-]?)\s*([^\s:]+?)\s*:(.*)$/;
const PARTICIPANT = /^(participant|actor)\s+([^\s:]+?)(?:\s+as\s+(.+))?$/;
const NOTE = /^note\s+(left of|right of|over)\s+([^:]+):(.*)$/i;
/** Block statements the renderer draws as Mermaid does (not `rect`, `box`…); `option` is written `else` for it. */
const BLOCK = /^(alt|opt|loop|break|par|critical|else|and)(\s.*)?$|^end$/;

/** Flowchart statements the renderer does not draw as Mermaid does. */
const FLOWCHART_UNSUPPORTED = /^\s*(click|linkStyle|%%\{)|@\{|`|#\w+;/m;

const ALLOWED_TAGS = new Set(['svg', 'defs', 'marker', 'polygon', 'polyline', 'path', 'line', 'rect', 'circle', 'ellipse', 'g', 'text', 'tspan', 'title']);

const memo = new Map<string, DiagramSvg | null>();

/** What the page draws for a bundle's diagram: its text without the front matter, and an ID prefix of its own. */
export function drawingOf(diagram: Pick<Diagram, 'source' | 'file'>): { body: string; idPrefix: string } {
  return {
    // Mermaid's own front matter carries integration metadata; the drawing needs only the diagram.
    body: diagram.source.replace(/^---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*\r?\n/, ''),
    // The file, and the text's digest for the story's ```mermaid blocks, which share one file.
    idPrefix: `d-${diagram.file.replace(/[^A-Za-z0-9]+/g, '-')}-${fnv1a(diagram.source)}`,
  };
}

/** A short digest of `text` (32-bit FNV-1a, base 36). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** The key of a drawing in the memo and in a build's drawings. */
export const drawingKey = (body: string, idPrefix: string) => `${idPrefix}\n${body}`;

/** Facts as a drawing job carries them: only what `whatIsMissing` reads. */
export const factsOf = (diagram: DiagramFacts): DiagramFacts => ({
  kind: diagram.kind,
  components: diagram.components,
  relations: diagram.relations,
  entities: diagram.entities,
  relationships: diagram.relationships,
  participants: diagram.participants,
  messages: diagram.messages,
});

/**
 * The build-time SVG of a diagram, or `undefined` when the browser should draw it with Mermaid.
 * `body` is the Mermaid text without its front matter; `idPrefix` keeps the SVG's IDs (arrow
 * markers) apart from those of other diagrams on the page.
 */
export function diagramSvg(body: string, facts: DiagramFacts, idPrefix: string): DiagramSvg | undefined {
  const key = drawingKey(body, idPrefix);
  let known = memo.get(key);
  if (known === undefined) {
    const drawn = drawDiagram(body, facts, idPrefix);
    known = typeof drawn === 'string' ? null : drawn;
    if (memo.size > 4096) memo.clear();
    memo.set(key, known);
  }
  return known ?? undefined;
}

/** The build-time SVG of a diagram, or why the browser draws it instead. */
export function drawDiagram(body: string, facts: DiagramFacts, idPrefix: string): DiagramSvg | string {
  if (/^\s*%%\{/m.test(body)) return 'a %%{init}%% directive';
  let text = body;
  let title = '';
  let numbered = false;
  if (facts.kind === 'c4') {
    const flowchart = c4ToFlowchart(body);
    if (!flowchart) return 'a C4 statement the flowchart cannot carry';
    ({ text, title } = flowchart);
  } else if (facts.kind === 'sequence') {
    const sequence = sequenceForRenderer(body, facts);
    if (!sequence) return 'a sequence statement the renderer does not draw';
    ({ text, numbered, title } = sequence);
  } else if (facts.kind.startsWith('flowchart')) {
    if (FLOWCHART_UNSUPPORTED.test(body)) return 'a flowchart statement the renderer does not draw';
  } else if (facts.kind === 'er') text = erForRenderer(body);
  else if (facts.kind === 'stateDiagram') {
    if (!onlyStateStatements(body)) return 'a state statement the renderer does not draw';
  } else return `a ${facts.kind} diagram`;

  let svg: string;
  try {
    svg = renderMermaidSVG(text, OPTIONS);
  } catch (error) {
    return `the renderer failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const drawing = svg.replace(/<style>[\s\S]*?<\/style>/, '');
  const missing = whatIsMissing(drawing, facts, numbered);
  if (missing) return `the drawing lacks ${missing}`;
  if (!holdsOnlyDrawing(drawing)) return 'the drawing holds more than drawing';
  const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  return { svg: scopeStyles(uniqueIds(svg, idPrefix)), title, width };
}

/**
 * The sequence as the renderer should read it, or `undefined` when it uses a statement the
 * renderer does not draw (`rect`, `box`, `activate`, `autonumber 10`, a message without text…).
 * Participants get neutral IDs (`p0`, `p1`…) declared up front in Mermaid's order: the renderer
 * reads a line starting `partner->>` or `endpoint->>` as a `par` or `end` statement.
 */
function sequenceForRenderer(body: string, facts: DiagramFacts): { text: string; numbered: boolean; title: string } | undefined {
  const ids = new Map(facts.participants.map((participant, i) => [participant.id, `p${i}`]));
  const labels = new Map<string, string>();
  const lines: string[] = [];
  // `autonumber` numbers the messages in order, as Mermaid does; its start and step forms are not read.
  let numbered = 0;
  let title = '';
  for (const line of body.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('%%') || line === 'sequenceDiagram') continue;
    const titled = /^title\s+(.*)$/.exec(line);
    if (titled) {
      title = titled[1]!;
      continue;
    }
    const option = /^option(\s.*)?$/.exec(line);
    if (option) {
      lines.push(`else${option[1] ?? ''}`);
      continue;
    }
    if (line === 'autonumber' && numbered === 0 && lines.length === 0) {
      numbered = 1;
      continue;
    }
    const participant = PARTICIPANT.exec(line);
    if (participant) {
      labels.set(participant[2]!, participant[3]?.trim() ?? participant[2]!);
      continue;
    }
    const message = MESSAGE.exec(line);
    if (message) {
      const [, from, arrow, mark, to, text] = message as unknown as string[];
      const a = ids.get(from!);
      const b = ids.get(to!);
      if (!a || !b || text!.trim() === '') return undefined;
      lines.push(`${a}${arrow}${mark}${b}: ${numbered ? `${numbered++}. ` : ''}${text!.trim()}`);
      continue;
    }
    const note = NOTE.exec(line);
    if (note) {
      const over = note[2]!.split(',').map((id) => ids.get(id.trim()));
      if (over.some((id) => !id) || note[3]!.trim() === '') return undefined;
      lines.push(`Note ${note[1]} ${over.join(',')}: ${note[3]!.trim()}`);
      continue;
    }
    if (!BLOCK.test(line)) return undefined;
    lines.push(line);
  }
  const declared = facts.participants.map((p, i) => `${p.type === 'actor' ? 'actor' : 'participant'} p${i} as ${labels.get(p.id) ?? p.id}`);
  return { text: ['sequenceDiagram', ...declared, ...lines].join('\n'), numbered: numbered > 0, title };
}

/** State diagram statements drawn as Mermaid draws them: transitions and a direction (no composite state, note, fork or choice). */
const STATE_STATEMENTS = [/^stateDiagram(-v2)?$/, /^direction\s+(TB|TD|BT|LR|RL)$/, /^(\[\*\]|[\w-]+)\s*-->\s*(\[\*\]|[\w-]+)(\s*:\s*[^:]+)?$/];

function onlyStateStatements(body: string): boolean {
  return body
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('%%'))
    .every((line) => STATE_STATEMENTS.some((pattern) => pattern.test(line)));
}

/** The ER model as the renderer reads it: it knows `o{` but not the same marker written `}o` on the left. */
function erForRenderer(body: string): string {
  return body.replace(/^(\s*\S+\s+)\}o(--|\.\.)/gm, '$1{o$2');
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", apos: "'" };
/** A label as plain words: entities decoded, formatting tags dropped, line breaks as spaces. */
export function plainLabel(text: string): string {
  return text
    .replace(/&(lt|gt|amp|quot|#39|apos);/g, (_, name: string) => ENTITIES[name]!)
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?(b|strong|i|em|u|s|del)>/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Values of attribute `name` on the elements that open with `<tag class="className"`. */
function attributeValues(svg: string, tag: string, className: string, name: string): string[] {
  const values: string[] = [];
  for (const element of svg.matchAll(new RegExp(`<${tag} class="${className}"[^>]*>`, 'g'))) {
    const value = new RegExp(`\\s${name}="([^"]*)"`).exec(element[0]);
    values.push(value ? plainLabel(value[1]!) : '');
  }
  return values;
}

const sameItems = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** What Mermaid parsed that the drawing does not show (a participant, message, entity…), or `undefined`. */
function whatIsMissing(svg: string, facts: DiagramFacts, numbered: boolean): string | undefined {
  if (facts.kind === 'sequence') {
    const actors = new Set(attributeValues(svg, 'g', 'actor', 'data-id'));
    if (!sameItems([...actors], facts.participants.map((_, i) => `p${i}`))) return 'a participant';
    const messages = facts.messages.map((m, i) => plainLabel(numbered ? `${i + 1}. ${m.text}` : m.text));
    if (!sameItems(attributeValues(svg, 'g', 'message', 'data-label'), messages)) return 'a message';
    return undefined;
  }
  if (facts.kind === 'er') {
    if (!sameItems(attributeValues(svg, 'g', 'entity', 'data-id'), facts.entities.map((e) => e.name))) return 'an entity';
    const texts = new Set([...svg.matchAll(/>([^<]*)<\/(?:text|tspan)>/g)].map((m) => plainLabel(m[1]!)));
    const attribute = facts.entities.flatMap((e) => e.attributes).find((a) => !texts.has(a.name));
    if (attribute) return `the attribute ${attribute.name}`;
    if (!sameItems(attributeValues(svg, 'polyline', 'er-relationship', 'data-label'), facts.relationships.map((r) => plainLabel(r.label)))) return 'a relationship';
    return undefined;
  }
  const nodes = new Map<string, string>();
  for (const element of svg.matchAll(/<g class="node" data-id="([^"]*)" data-label="([^"]*)"/g)) nodes.set(element[1]!, plainLabel(element[2]!));
  const edges = [...svg.matchAll(/<polyline class="edge" data-from="([^"]*)" data-to="([^"]*)"/g)].length;
  if (edges !== facts.relations.length) return 'an edge';
  if (facts.kind === 'c4') return sameItems([...nodes.keys()], facts.components.map((c) => c.id)) ? undefined : 'an element';
  if (facts.kind === 'stateDiagram') {
    const edgeLabels = [...svg.matchAll(/<polyline class="edge"[^>]*>/g)].map((m) => plainLabel(/\sdata-label="([^"]*)"/.exec(m[0])?.[1] ?? ''));
    if (!sameItems(edgeLabels, facts.relations.map((r) => plainLabel(r.label)))) return 'a transition label';
    const state = facts.components.find((component) => !nodes.has(component.id));
    return state ? `the state ${state.id}` : undefined;
  }
  const node = facts.components.find((component) => nodes.get(component.id) !== plainLabel(component.label));
  return node ? `the node ${node.id} as Mermaid labels it` : undefined;
}

/** Whether the SVG holds only drawing: known elements, no handlers, no links, no `url()` but to itself. */
export function holdsOnlyDrawing(svg: string): boolean {
  const elements = [...svg.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*\/?>/g)];
  for (const element of elements) {
    if (!ALLOWED_TAGS.has(element[1]!)) return false;
    for (const attribute of element[2]!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      const [, name, value] = attribute as unknown as [string, string, string];
      if (/^on/i.test(name) || /href$/i.test(name)) return false;
      if (/url\(\s*(?!#)/i.test(value) || /javascript:|expression\(|@import/i.test(value)) return false;
    }
  }
  // Every tag was matched by the pattern above: nothing unparsed slipped through.
  return (svg.match(/<[a-zA-Z]/g) ?? []).length === elements.length;
}

/** Prefixes every `id` and its references, so two diagrams on one page keep their own markers. */
function uniqueIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]*)"/g, (_, id: string) => ` id="${prefix}-${id}"`)
    .replace(/url\(#([^)]*)\)/g, (_, id: string) => `url(#${prefix}-${id})`);
}

/** The renderer's style block, without its web-font imports and scoped to diagrams drawn here. */
function scopeStyles(svg: string): string {
  return svg.replace(/<style>([\s\S]*?)<\/style>/, (_, css: string) => {
    const scoped = css.replace(/^\s*@import .*$/gm, '').replace(/^(\s*)(text|svg|\.mono)\s*\{/gm, '$1.sp-diagram-svg $2 {');
    return `<style>${scoped}</style>`;
  });
}
