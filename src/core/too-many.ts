/**
 * A cap on the problems listed per file. A large file with one mistake repeated (a tab on every
 * line, a wrong field in every item) gives tens of thousands of problems: no one reads past the
 * first screen, and printing them all, each with a code frame, takes minutes. The first ones are
 * listed; the rest are counted in one diagnostic.
 */
import { problem, sortDiagnostics, type Diagnostic, type RuleInfo } from './diagnostics.ts';

export const tooManyRules = {
  'file/too-many-problems': {
    severity: 'error',
    description: 'A file has more problems than are listed; the rest are counted. An error when any of the rest is an error.',
  },
} as const satisfies Record<string, RuleInfo>;

export const MAX_PROBLEMS_PER_FILE = 100;

/** Keeps the first `MAX_PROBLEMS_PER_FILE` diagnostics of each file (in sorted order) and counts the rest. */
export function capPerFile(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const sorted = sortDiagnostics(diagnostics);
  const kept: Diagnostic[] = [];
  const rest = new Map<string, Diagnostic[]>();
  const seen = new Map<string, number>();
  for (const d of sorted) {
    const count = (seen.get(d.file) ?? 0) + 1;
    seen.set(d.file, count);
    if (count <= MAX_PROBLEMS_PER_FILE) kept.push(d);
    else {
      const hidden = rest.get(d.file);
      if (hidden) hidden.push(d);
      else rest.set(d.file, [d]);
    }
  }
  if (rest.size === 0) return sorted;
  for (const [file, hidden] of rest) {
    const errors = hidden.filter((d) => d.severity === 'error').length;
    const first = hidden[0]!;
    kept.push({
      ...problem(tooManyRules, 'file/too-many-problems', first,
        `${hidden.length} more problems in this file are not listed (${errors} errors, ${hidden.length - errors} warnings), from this line on.`,
        'Fix the problems listed above and check again: this many usually come from one mistake repeated, such as an indentation or a field name.'),
      file,
      severity: errors > 0 ? 'error' : 'warning',
    });
  }
  return sortDiagnostics(kept);
}
