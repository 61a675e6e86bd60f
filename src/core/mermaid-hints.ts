/**
 * What to tell a person whose diagram Mermaid rejected. Mermaid's messages name grammar tokens
 * (`Expecting 'TXT', got 'NEWLINE'`); the hint says what to write instead, in the diagram's terms.
 */
import type { EngineError } from './mermaid-engine.ts';

/** Where a diagram is used, which decides the diagram types it may have. */
export type DiagramRole = 'context' | 'data-model' | 'sequence' | 'inline';

/** Mermaid diagram types (as getDiagramFromText reports them) that fit each role. */
export const KINDS_FOR_ROLE: Record<Exclude<DiagramRole, 'inline'>, readonly string[]> = {
  context: ['c4', 'flowchart-v2', 'flowchart', 'flowchart-elk'],
  'data-model': ['er'],
  sequence: ['sequence'],
};

const ROLE_NAMES: Record<DiagramRole, string> = {
  context: 'A context diagram',
  'data-model': 'A data model',
  sequence: 'A sequence diagram',
  inline: 'A diagram',
};

/** What the first line should be, for each role. */
export function firstLineHint(role: DiagramRole): string {
  switch (role) {
    case 'context':
      return 'Start the diagram with `C4Context` (or `C4Container`, `C4Component`, `C4Dynamic`, `C4Deployment`) or with `flowchart LR`.';
    case 'data-model':
      return 'Start the diagram with `erDiagram`, then entities and relationships such as `CUSTOMER ||--o{ ORDER : places`.';
    case 'sequence':
      return 'Start the diagram with `sequenceDiagram`, then messages such as `Client->>API: POST /orders`.';
    case 'inline':
      return 'Start with a Mermaid diagram type such as `flowchart LR`, `sequenceDiagram`, `erDiagram` or `C4Context`; type names are case-sensitive.';
  }
}

/** The message for a diagram whose type does not fit its role; `written` is its first word. */
export function wrongKindMessage(role: DiagramRole, written: string): string {
  const wanted =
    role === 'context' ? 'a C4 diagram or a flowchart' : role === 'data-model' ? 'an `erDiagram`' : role === 'sequence' ? 'a `sequenceDiagram`' : 'a Mermaid diagram';
  return `${ROLE_NAMES[role]} must be ${wanted}, but this one is a \`${written}\`.`;
}

/** The hint for an empty diagram. */
export function emptyHint(role: DiagramRole): string {
  return role === 'inline'
    ? 'Write the diagram inside the block, starting with its type (e.g. `flowchart LR`), or remove the empty block.'
    : `Write the diagram, or delete the file. ${firstLineHint(role)}`;
}

/** A readable name for Mermaid's diagram type, for messages. */
export function kindName(kind: string | undefined): string {
  if (kind === undefined) return 'diagram';
  if (kind === 'er') return 'ER diagram';
  if (kind === 'c4') return 'C4 diagram';
  if (kind.startsWith('flowchart')) return 'flowchart';
  if (kind === 'sequence') return 'sequence diagram';
  return `${kind} diagram`;
}

/** A sequence block left open at the end of the diagram: its keyword, 0-based line and column. */
export function unclosedSequenceBlock(code: string): { keyword: string; index: number; column0: number } | undefined {
  const open: Array<{ keyword: string; index: number; column0: number }> = [];
  code.split('\n').forEach((line, index) => {
    const match = /^(\s*)([A-Za-z_]+)/.exec(line);
    const word = match?.[2] ?? '';
    if (/^(alt|opt|loop|par|par_over|critical|break|rect|box)$/.test(word)) open.push({ keyword: word, index, column0: match?.[1]?.length ?? 0 });
    else if (word === 'end') open.pop();
  });
  return open.at(-1);
}

/** An actionable hint for a Mermaid syntax error. `lineText` is the source line the error points at. */
export function syntaxHint(kind: string | undefined, error: EngineError, lineText: string): string {
  const atEnd = error.token === 'EOF';
  const expects = (token: string) => error.expected.includes(token);
  // e.g. "Edge limit exceeded. 500 edges found, but the limit is 500." (flowchart maxEdges)
  if (/\blimit\b/i.test(error.message)) return 'Split the diagram into smaller ones: Mermaid refuses to parse or render a diagram beyond this limit.';
  if (!error.located) {
    // Thrown by Mermaid's diagram databases after parsing a line, without saying which line.
    if (/inactivate/.test(error.message)) return 'Each `deactivate X` (or `-` after an arrow) needs an earlier `activate X` (or `+` after an arrow) for the same participant.';
    if (/created participant/.test(error.message)) return 'Follow `create participant X` directly with the message that creates X, e.g. `A->>X: new`.';
    return 'Mermaid does not say which line is wrong: look for what the message names, and compare it with the syntax of this diagram type.';
  }
  if (kind === 'sequence') {
    if (expects('TXT')) return 'A message needs a colon and text: `A->>B: text`.';
    if (atEnd) return 'A block is not closed: every `alt`, `opt`, `loop`, `par`, `critical`, `break`, `rect` and `box` needs an `end`.';
    if (/^\s*end\b/.test(lineText)) return 'This `end` closes no block: remove it, or add the `alt`, `opt` or `loop` line it belongs to.';
    if (/^\s*(else|and|option)\b/.test(lineText)) return '`else` belongs inside `alt`, `and` inside `par`, `option` inside `critical`; check the block this line is in.';
    return 'Check this line against the sequence syntax: `participant A as Label`, `A->>B: text`, `Note over A: text`, `alt condition` … `end`.';
  }
  if (kind === 'er') {
    if (expects('COLON')) return 'A relationship needs a label after a colon: `CUSTOMER ||--o{ ORDER : places`.';
    if (expects('ATTRIBUTE_WORD') || /^\s*\w+\s*$/.test(lineText))
      return 'Write each attribute as `type name`, then optionally `PK`, `FK` or `UK` and a "comment": `string id PK "the order ID"`.';
    if (atEnd) return 'An entity block is not closed: add the `}` after its last attribute.';
    return 'Relationships read `A ||--o{ B : label`: check the cardinality markers (`||`, `|o`, `}o`, `}|`), the `--` or `..` between them, and the entity names.';
  }
  if (kind?.startsWith('flowchart')) {
    if (atEnd) return 'Something opened here is never closed: check the brackets (`[ ]`, `( )`, `{ }`) and quotes around node labels, and that every `subgraph` has an `end`.';
    return 'Check the arrows (`-->`, `-.->`, `==>`, `-- text -->`) and the brackets around labels; quote labels with special characters: `A["Label (v2)"]`.';
  }
  if (kind === 'c4') {
    if (atEnd) return 'Something is not closed: check that every boundary `{` has its `}`, and the parentheses, commas and quotes of the calls, e.g. `Rel(from, to, "label")`.';
    return 'Check the call on this line: `Person(alias, "Label", "Description")`, `System_Ext(alias, "Label")`, `Rel(from, to, "label")`; quote every text argument.';
  }
  if (atEnd) return 'The diagram ends too early: something opened above (a block, a bracket or a quote) is never closed.';
  return 'Check this line for a typo, a missing keyword or colon, or an unbalanced bracket or quote, against the syntax of this diagram type.';
}
