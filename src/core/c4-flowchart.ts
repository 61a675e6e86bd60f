/**
 * A C4 context or container diagram as the flowchart that draws the same thing, for the build-time
 * renderer (which has no C4 layout). Every element keeps its alias as node ID, its label,
 * technology and description; boundaries become subgraphs; relationships keep their label and
 * technology. External elements are shaded grey, as C4 draws them.
 *
 * Only statements whose meaning is known are translated: for anything else (`RelIndex`, a
 * deployment node, a quote or angle bracket in a text…) the answer is `undefined`, and the
 * browser draws the diagram with Mermaid itself.
 */

/** How a shape is drawn: `[ ]` box, `([ ])` person, `[( )]` database, `[[ ]]` queue. */
const SHAPES: Record<string, readonly [string, string]> = {
  person: ['([', '])'],
  system: ['[', ']'],
  container: ['[', ']'],
  component: ['[', ']'],
  systemdb: ['[(', ')]'],
  containerdb: ['[(', ')]'],
  componentdb: ['[(', ')]'],
  systemqueue: ['[[', ']]'],
  containerqueue: ['[[', ']]'],
  componentqueue: ['[[', ']]'],
};
/** Macros whose third argument is a technology and fourth a description (the others: description). */
const WITH_TECHNOLOGY = /^(container|component)/;
const BOUNDARIES = new Set(['boundary', 'enterprise_boundary', 'system_boundary', 'container_boundary']);
const RELATIONS = new Set(['rel', 'rel_u', 'rel_up', 'rel_d', 'rel_down', 'rel_l', 'rel_left', 'rel_r', 'rel_right', 'rel_back', 'birel']);
/** Statements that change only colours, sizes or layout: the flowchart has its own. */
const COSMETIC = /^(UpdateElementStyle|UpdateRelStyle|UpdateBoundaryStyle|UpdateLayoutConfig|AddElementTag|AddRelTag|AddBoundaryTag)\s*\(/;
const HEADERS = new Set(['C4Context', 'C4Container']);

export interface C4Flowchart {
  /** Flowchart text for the renderer. */
  text: string;
  /** The diagram's `title` statement, shown as a caption ('' when none). */
  title: string;
}

/** Splits `a, "b, c", $tags="x"` into its arguments, without quotes; named (`$…=`) ones are dropped. */
function splitArguments(text: string): string[] | undefined {
  const args: string[] = [];
  const blank = (at: number) => text[at] === ' ' || text[at] === '\t';
  let i = 0;
  for (;;) {
    while (blank(i)) i++;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return undefined;
      args.push(text.slice(i + 1, close));
      i = close + 1;
      while (blank(i)) i++;
    } else {
      const comma = text.indexOf(',', i);
      const stop = comma < 0 ? text.length : comma;
      args.push(text.slice(i, stop).trim());
      i = stop;
    }
    if (i >= text.length) break;
    if (text[i] !== ',') return undefined;
    i++;
  }
  return args.filter((arg) => !arg.startsWith('$'));
}

/** Breaks a text into lines of about `width` characters at spaces, as Mermaid wraps C4 texts. */
export function wrap(text: string, width = 28): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('<br>');
}

/** Text the flowchart can carry inside `"…"` as it is: no quotes, angle brackets or Mermaid entity codes. */
const plain = (text: string) => !/["<>#]/.test(text);
const ID = /^[A-Za-z_][\w-]*$/;

/** The flowchart of a C4Context or C4Container diagram, or `undefined` when it uses more than this translates. */
export function c4ToFlowchart(body: string): C4Flowchart | undefined {
  const lines = body.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('%%'));
  if (!HEADERS.has(lines[0] ?? '')) return undefined;
  const out = ['flowchart TB'];
  const edges: string[] = [];
  let title = '';
  let depth = 0;
  for (const line of lines.slice(1)) {
    if (line === '}') {
      if (depth === 0) return undefined;
      depth--;
      out.push('  '.repeat(depth + 1) + 'end');
      continue;
    }
    const titled = /^title\s+(.*)$/.exec(line);
    if (titled) {
      title = titled[1]!;
      continue;
    }
    if (COSMETIC.test(line)) continue;
    const call = /^([A-Za-z_]+)\s*\((.*)\)\s*(\{)?$/.exec(line);
    if (!call) return undefined;
    const macro = call[1]!.toLowerCase();
    const args = splitArguments(call[2]!);
    if (!args || !args.every(plain)) return undefined;
    const indent = '  '.repeat(depth + 1);
    if (BOUNDARIES.has(macro)) {
      const [alias, label] = args;
      if (!call[3] || !alias || !ID.test(alias)) return undefined;
      out.push(`${indent}subgraph ${alias} ["${label || alias}"]`);
      depth++;
      continue;
    }
    if (call[3]) return undefined;
    if (RELATIONS.has(macro)) {
      const [from, to, label = '', technology = ''] = args;
      if (!from || !to || !ID.test(from) || !ID.test(to)) return undefined;
      const text = [wrap(label), technology && wrap(`[${technology}]`)].filter(Boolean).join('<br>');
      const [start, end] = macro === 'rel_back' ? [to, from] : [from, to];
      const arrow = macro === 'birel' ? '<-->' : '-->';
      edges.push(`  ${start} ${arrow}${text ? `|"${text}"|` : ''} ${end}`);
      continue;
    }
    const external = macro.endsWith('_ext');
    const shape = SHAPES[external ? macro.slice(0, -'_ext'.length) : macro];
    if (!shape) return undefined;
    const [alias, label = '', ...rest] = args;
    if (!alias || !ID.test(alias)) return undefined;
    const [technology, description] = WITH_TECHNOLOGY.test(macro) ? [rest[0] ?? '', rest[1] ?? ''] : ['', rest[0] ?? ''];
    const text = [`<b>${label || alias}</b>`, technology && wrap(`[${technology}]`), wrap(description)].filter(Boolean).join('<br>');
    out.push(`${indent}${alias}${shape[0]}"${text}"${shape[1]}${external ? ':::external' : ''}`);
  }
  if (depth !== 0) return undefined;
  out.push(...edges, '  classDef external fill:var(--sp-diagram-external)');
  return { text: out.join('\n'), title };
}
