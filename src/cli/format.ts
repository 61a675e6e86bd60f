/**
 * Printing diagnostics: the same text for `check` and for a failing `build` (pretty, with a code
 * frame of the offending lines), JSON for scripts, and GitHub Actions workflow commands for CI.
 */
import { closeSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { styleText } from 'node:util';
import { codeFrameColumns } from '@babel/code-frame';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Portal } from '../core/model.ts';

type Style = Parameters<typeof styleText>[0];

/** Files this size or larger get no code frame: reading them would cost more than the frame is worth. */
export const MAX_FRAME_FILE_BYTES = 2 * 1024 * 1024;

export interface PrettyOptions {
  /** The content root the diagnostics' files are relative to; the code frames are read from it. */
  contentRoot: string;
  /** ANSI colours, for a TTY only. */
  color: boolean;
}

/**
 * `file:line:col  error  message  rule`, the hint, then a code frame of the offending lines (two
 * lines of context, a caret at the column), one block per diagnostic, then a summary.
 */
export function formatPretty(diagnostics: readonly Diagnostic[], bundles: number, options: PrettyOptions): string {
  const { color } = options;
  const paint = (style: Style, text: string) => (color ? styleText(style, text, { validateStream: false }) : text);
  const sources = new Map<string, string | undefined>();
  const blocks = diagnostics.map((d) => {
    const block = [
      `${paint('bold', `${d.file}:${d.line}:${d.column}`)}  ${d.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning')}  ${d.message}  ${paint('dim', d.rule)}`,
      `  ${paint('cyan', 'hint:')} ${d.hint}`,
    ];
    if (!sources.has(d.file)) sources.set(d.file, readSource(options.contentRoot, d.file));
    const frame = codeFrame(sources.get(d.file), d, color);
    if (frame) block.push('', ...frame.split('\n').map((line) => `  ${line}`), '');
    return block.join('\n');
  });
  blocks.push(summary(diagnostics, bundles));
  return blocks.join('\n');
}

export function summary(diagnostics: readonly Diagnostic[], bundles: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${bundles} bundle${bundles === 1 ? '' : 's'}.`;
}

/** The frame for one diagnostic, or undefined when there is no text to show at its line. */
function codeFrame(source: string | undefined, d: Diagnostic, color: boolean): string | undefined {
  if (source === undefined || d.line > source.split(/\r\n|\r|\n/).length) return undefined;
  // Babel 8 counts columns from 0; ours count from 1. Its highlighting is for JavaScript, so it
  // only colours the gutter and caret in practice; `forceColor` ties it to our TTY decision.
  const frame = codeFrameColumns(source, { start: { line: d.line, column: d.column - 1 } }, {
    linesAbove: 2,
    linesBelow: 2,
    highlightCode: color,
    forceColor: color,
  });
  return frame.trim() === '' ? undefined : frame;
}

/**
 * A diagnostic's file as text, or undefined when it is missing, not a regular file, outside the
 * content root, reached through a symbolic link, too large or binary (a NUL byte in its first
 * 8 KB, as git decides). Never throws. A link is never followed: the diagnostic may be about a
 * link that leaves the content root, and its frame would print the target's first lines.
 */
function readSource(contentRoot: string, file: string): string | undefined {
  const abs = path.resolve(contentRoot, file);
  const rel = path.relative(contentRoot, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  try {
    if (realpathSync(abs) !== path.join(realpathSync(contentRoot), rel)) return undefined;
    const stat = statSync(abs);
    if (!stat.isFile() || stat.size >= MAX_FRAME_FILE_BYTES) return undefined;
    const head = Buffer.alloc(Math.min(stat.size, 8000));
    const fd = openSync(abs, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    if (head.includes(0)) return undefined;
    return readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
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

export interface GithubOptions {
  /** The content root the diagnostics' files are relative to. */
  contentRoot: string;
  /** The folder annotation paths are relative to: the repository root (see `repositoryRoot`), else the cwd. */
  base: string;
}

/**
 * One GitHub Actions workflow command per diagnostic, which the runner turns into an annotation on
 * the file and line of the pull request:
 * `::error file=<path>,line=<l>,col=<c>,title=<rule>::<message> — hint: <hint>`.
 * See https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function formatGithub(diagnostics: readonly Diagnostic[], options: GithubOptions): string {
  const root = real(options.contentRoot);
  const base = real(options.base);
  return diagnostics
    .map((d) => {
      const file = path.relative(base, path.resolve(root, d.file)).split(path.sep).join('/');
      const properties = `file=${escapeProperty(file)},line=${d.line},col=${d.column},title=${escapeProperty(d.rule)}`;
      return `::${d.severity} ${properties}::${escapeData(`${d.message} — hint: ${d.hint}`)}`;
    })
    .join('\n');
}

/** Escaping as in `@actions/core` (https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts). */
export const escapeData = (text: string): string => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
export const escapeProperty = (text: string): string => escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');

/**
 * The root of the git work tree holding `dir` (the nearest folder with a `.git` entry, a folder
 * or, in worktrees and submodules, a file), or undefined outside one. No `git` process needed.
 */
export function repositoryRoot(dir: string): string | undefined {
  let current = real(dir);
  for (;;) {
    try {
      statSync(path.join(current, '.git'));
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

/** Paths compared across symlinks (e.g. macOS's /var → /private/var), as they are when they exist. */
function real(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** Colours only on a terminal that has them (`hasColors` honours NO_COLOR, FORCE_COLOR and TERM=dumb). */
export const colorFor = (stream: NodeJS.WriteStream): boolean => stream.isTTY === true && stream.hasColors();
