/** Printing diagnostics: the same text for `check` and for a failing `build`. */
import { styleText } from 'node:util';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Portal } from '../core/model.ts';

type Style = Parameters<typeof styleText>[0];

/** `file:line:col  error  message  rule` then the hint, one block per diagnostic, then a summary. */
export function formatPretty(diagnostics: readonly Diagnostic[], bundles: number, color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const lines = diagnostics.map((d) =>
    [
      `${paint('bold', `${d.file}:${d.line}:${d.column}`)}  ${d.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning')}  ${d.message}  ${paint('dim', d.rule)}`,
      `  ${paint('cyan', 'hint:')} ${d.hint}`,
    ].join('\n'),
  );
  lines.push(summary(diagnostics, bundles));
  return lines.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], bundles: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${bundles} bundle${bundles === 1 ? '' : 's'}.`;
}

/** The `--format json` document: exactly features and diagnostics. */
export function formatJson(portal: Portal): string {
  return JSON.stringify(
    {
      features: portal.features.map((f) => ({ slug: f.slug, title: f.meta.title, completeness: f.completeness.score })),
      diagnostics: portal.diagnostics.map(({ severity, rule, file, line, column, message, hint }) => ({ severity, rule, file, line, column, message, hint })),
    },
    null,
    2,
  );
}
