/**
 * Problems are data. The core collects them and never throws on user input; the CLI prints them
 * and sets the exit code, and the build fails on errors with the same text.
 */

/** How bad a problem is. `off` exists only in configuration: an `off` rule is never reported. */
export type Severity = 'error' | 'warning';

/** One problem found in a spec bundle, pointing at the line a person has to change. */
export interface Diagnostic {
  severity: Severity;
  /** Rule ID, `area/what`, e.g. `refs/unresolved`. Stable: tools and configs key on it. */
  rule: string;
  /** File relative to the content root, with `/` separators. */
  file: string;
  /** 1-based line; 1 when the problem concerns the whole file. */
  line: number;
  /** 1-based column. */
  column: number;
  message: string;
  /** What to write instead. Never empty. */
  hint: string;
}

/** What a rule is, for the docs page and for severity configuration. */
export interface RuleInfo {
  severity: Severity;
  description: string;
}

/** A position inside a file. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

/** Builds a diagnostic; `severity` defaults to the rule's default from the registry. */
export function problem(
  rules: Readonly<Record<string, RuleInfo>>,
  rule: string,
  at: { file: string; line?: number | undefined; column?: number | undefined },
  message: string,
  hint: string,
): Diagnostic {
  return {
    severity: rules[rule]?.severity ?? 'error',
    rule,
    file: at.file,
    line: Math.max(1, at.line ?? 1),
    column: Math.max(1, at.column ?? 1),
    message,
    hint,
  };
}

/** Sorts diagnostics by file, line, column, then rule, so output is stable across runs. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}

/**
 * Appends `items` to `list`. `list.push(...items)` passes each item as an argument, which overflows
 * the stack past about a hundred thousand: as many problems as one large broken file can hold.
 */
export function pushAll<T>(list: T[], items: Iterable<T>): void {
  for (const item of items) list.push(item);
}

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === 'error');

/**
 * The diagnostics of the files under each of `dirs` (bundle folders relative to the content root;
 * `.` is the root itself), found by each file's parent folders rather than by comparing every
 * diagnostic with every folder.
 */
export function diagnosticsByDir(list: readonly Diagnostic[], dirs: Iterable<string>): Map<string, Diagnostic[]> {
  const byDir = new Map<string, Diagnostic[]>([...dirs].map((dir) => [dir, []]));
  const everything = byDir.get('.');
  for (const d of list) {
    everything?.push(d);
    for (let at = d.file.indexOf('/'); ; at = d.file.indexOf('/', at + 1)) {
      byDir.get(at === -1 ? d.file : d.file.slice(0, at))?.push(d);
      if (at === -1) break;
    }
  }
  return byDir;
}
