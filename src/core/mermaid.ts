/**
 * Mermaid diagrams, validated at build time by Mermaid's own parser, so a diagram that passes
 * `specport check` is one the portal can render. Parsing runs in a worker thread with a time
 * limit (mermaid-pool.ts); this module adds what Mermaid does not know: where the diagram sits in
 * its file, which diagram type its role needs, and what the author should write instead.
 */
import { problem, pushAll, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import type { EngineError } from './mermaid-engine.ts';
import {
  emptyHint,
  firstLineHint,
  KINDS_FOR_ROLE,
  kindName,
  syntaxHint,
  unclosedSequenceBlock,
  wrongKindMessage,
  type DiagramRole,
} from './mermaid-hints.ts';
import { closeWorker, runInWorker, startWorker } from './mermaid-pool.ts';
import { brokenFrontMatter, findFrontMatter, normalizeSource, rewriteLikeMermaid, type Rewritten } from './mermaid-source.ts';
import type { Diagram } from './model.ts';
import { parseYaml } from './yaml.ts';

export type { DiagramRole } from './mermaid-hints.ts';

export const mermaidRules = {
  'mermaid/syntax': { severity: 'error', description: "Mermaid's own parser rejects the diagram, so the portal could not render it." },
  'mermaid/kind': {
    severity: 'error',
    description: 'The diagram type is unknown, or does not fit where the diagram is used (a data model must be an `erDiagram`, …).',
  },
  'mermaid/empty': { severity: 'error', description: 'A diagram file or ```mermaid block holds no diagram.' },
  'mermaid/frontmatter': { severity: 'error', description: "The diagram's `---` YAML front matter cannot be read." },
  'mermaid/timeout': { severity: 'error', description: 'Mermaid did not finish parsing the diagram within the time limit (a parser hang).' },
} as const satisfies Record<string, RuleInfo>;

type MermaidRule = keyof typeof mermaidRules;

/** How long one diagram may take to parse once the worker is warm. Typical diagrams take milliseconds. */
const DEFAULT_TIMEOUT_MS = 5_000;

export interface ParseDiagramOptions {
  /** Where the diagram is used; decides which diagram types are allowed. Default `inline` (any). */
  role?: DiagramRole;
  /** Added to every reported line: a ```mermaid block whose first content line is line `lineOffset + 1`. */
  lineOffset?: number;
  /** Per-diagram parse limit in milliseconds (default 5000). */
  timeoutMs?: number;
}

/**
 * Validates one diagram with Mermaid's parser and extracts what it declares. Never throws on user
 * input (it rejects only when the parser worker cannot start at all).
 *
 * `diagram` is present when Mermaid accepted the diagram and its front matter could be read, even
 * if its type does not fit `role` (the page can still show it; the `mermaid/kind` error fails the
 * build). Sequence metadata in the front matter is not validated here: the caller does that.
 *
 * @param source the Mermaid text exactly as written, front matter included
 * @param file the file relative to the content root, copied into diagnostics
 */
export async function parseDiagram(
  source: string,
  file: string,
  options: ParseDiagramOptions = {},
): Promise<{ diagram?: Diagram; diagnostics: Diagnostic[] }> {
  const role = options.role ?? 'inline';
  const lineOffset = options.lineOffset ?? 0;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const diagnostics: Diagnostic[] = [];
  const report = (rule: MermaidRule, at: { line: number; column: number }, message: string, hint: string) =>
    diagnostics.push(problem(mermaidRules, rule, { file, line: at.line + lineOffset, column: at.column }, message, hint));

  let text = normalizeSource(source);
  const broken = brokenFrontMatter(text);
  if (broken) {
    report(
      'mermaid/frontmatter',
      { line: broken.line, column: 1 },
      broken.reason === 'unclosed' ? 'The front matter opened by `---` is never closed.' : 'The front matter does not start on the first line.',
      broken.reason === 'unclosed'
        ? 'Close the front matter with a `---` line before the diagram type line.'
        : 'Remove the blank lines above the opening `---`: Mermaid only reads front matter at the very top.',
    );
    return { diagnostics };
  }

  const front = readFrontMatter(text, file, lineOffset);
  pushAll(diagnostics, front.diagnostics);
  if (!front.readable) text = front.blanked; // report the diagram's own errors too, not the YAML twice

  const rewritten = rewriteLikeMermaid(text);
  if (rewritten.code.trim() === '') {
    report('mermaid/empty', { line: 1, column: 1 }, front.found ? 'The diagram has front matter but no diagram below it.' : 'The diagram is empty.', emptyHint(role));
    return { diagnostics };
  }
  const written = /^\S+/.exec(rewritten.code)?.[0] ?? '';

  const outcome = await runInWorker(text, timeoutMs);
  if (outcome.status === 'timeout') {
    report(
      'mermaid/timeout',
      rewritten.declaration,
      `Mermaid did not finish parsing this diagram within ${timeoutMs} ms and was stopped.`,
      'Simplify the diagram or split it into smaller ones; if it is small, the parser hangs on it: report it to Mermaid with the diagram attached.',
    );
    return { diagnostics };
  }
  if (outcome.status === 'crashed') {
    report(
      'mermaid/syntax',
      rewritten.declaration,
      `Mermaid's parser crashed on this diagram (${outcome.reason}).`,
      'Simplify the diagram or split it into smaller ones; if it is small, report it to Mermaid with the diagram attached.',
    );
    return { diagnostics };
  }

  const { result } = outcome;
  if (!result.ok && result.error.category === 'unknown-type') {
    report('mermaid/kind', rewritten.declaration, `Mermaid does not know the diagram type \`${written}\`.`, firstLineHint(role));
    return { diagnostics };
  }
  if (result.kind !== undefined && role !== 'inline' && !KINDS_FOR_ROLE[role].includes(result.kind)) {
    report('mermaid/kind', rewritten.declaration, wrongKindMessage(role, written), firstLineHint(role));
  }
  if (!result.ok) {
    reportSyntax(result.error, result.kind, text, rewritten, report);
    return { diagnostics };
  }
  if (!front.readable) return { diagnostics };

  const { title, ...parts } = result.parts;
  const frontTitle = front.value['title'];
  const diagram: Diagram = {
    file,
    source,
    kind: result.kind,
    frontmatter: front.value,
    frontmatterLine: front.line,
    ...parts,
  };
  const shownTitle = typeof frontTitle === 'string' || typeof frontTitle === 'number' ? String(frontTitle).trim() || title : title;
  if (shownTitle) diagram.title = shownTitle;
  return { diagram, diagnostics };
}

/** Starts the parser worker ahead of the first diagram: called when a bundle is about to be parsed. */
export function warmMermaid(): void {
  startWorker();
}

/** Stops the parser worker once queued diagrams are done, so a CLI or test process can exit at once. */
export async function closeMermaid(): Promise<void> {
  await closeWorker();
}

function reportSyntax(
  error: EngineError,
  kind: string | undefined,
  text: string,
  rewritten: Rewritten,
  report: (rule: MermaidRule, at: { line: number; column: number }, message: string, hint: string) => void,
): void {
  if (error.category === 'frontmatter') {
    report('mermaid/frontmatter', error, `Mermaid cannot read the front matter: ${error.message}`, 'Check the indentation and quoting on this line of the front matter.');
    return;
  }
  const lines = text.split('\n');
  let at = { line: error.line, column: error.column };
  let hint = syntaxHint(kind, error, lines[error.line - 1] ?? '');
  // A sequence that ends inside a block: point at the block's opening line, which is what needs an `end`.
  const open = kind === 'sequence' && error.token === 'EOF' ? unclosedSequenceBlock(rewritten.code) : undefined;
  if (open) {
    at = rewritten.toSource(open.index + 1, open.column0);
    hint = `The \`${open.keyword}\` block that starts here has no \`end\`: add \`end\` after its last message.`;
  }
  report('mermaid/syntax', at, `Mermaid cannot parse this ${kindName(kind)}: ${error.message}.`.replace(/\.\.$/, '.'), hint);
}

interface FrontMatter {
  found: boolean;
  /** False when the YAML is broken or not a mapping; the diagram is then parsed without it. */
  readable: boolean;
  value: Record<string, unknown>;
  /** Line of the first key (or of the diagram's top when there is no front matter). */
  line: number;
  diagnostics: Diagnostic[];
  /** The text with the YAML blanked out, line breaks kept, for parsing the diagram alone. */
  blanked: string;
}

function readFrontMatter(text: string, file: string, lineOffset: number): FrontMatter {
  const block = findFrontMatter(text);
  if (!block) return { found: false, readable: true, value: {}, line: 1 + lineOffset, diagnostics: [], blanked: text };
  const blanked = text.slice(0, block.yamlStart) + text.slice(block.yamlStart, block.yamlEnd).replace(/[^\n]/g, '') + text.slice(block.yamlEnd);
  const yaml = parseYaml(block.yaml, file, lineOffset + block.yamlLine - 1);
  const line = yaml.locate([]).line;
  // YAML problems keep their message and hint but count as front matter problems of the diagram.
  const diagnostics = yaml.diagnostics
    .filter((d) => d.rule !== 'yaml/empty')
    .map((d): Diagnostic => ({ ...d, rule: 'mermaid/frontmatter', severity: mermaidRules['mermaid/frontmatter'].severity }));
  if (diagnostics.length > 0) return { found: true, readable: false, value: {}, line, diagnostics, blanked };
  if (yaml.value === undefined || yaml.value === null) return { found: true, readable: true, value: {}, line, diagnostics, blanked };
  if (typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    const notMapping = problem(
      mermaidRules,
      'mermaid/frontmatter',
      { file, line },
      'The front matter must be a mapping of keys to values.',
      'Write `key: value` lines between the `---` lines, e.g. `title: Pay with card`.',
    );
    return { found: true, readable: false, value: {}, line, diagnostics: [notMapping], blanked };
  }
  return { found: true, readable: true, value: yaml.value as Record<string, unknown>, line, diagnostics, blanked };
}
