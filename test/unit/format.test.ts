/**
 * Diagnostics where people look: GitHub Actions annotations (escaping, paths relative to the
 * repository root) and the code frames under each diagnostic in pretty output.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub, formatPretty, MAX_FRAME_FILE_BYTES, repositoryRoot } from '../../src/cli/format.ts';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { tempDirs } from '../helpers/temp-dirs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const tempDir = tempDirs('format');

const diagnostic = (overrides: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: 'error',
  rule: 'schema/invalid-value',
  file: 'checkout/feature.md',
  line: 4,
  column: 9,
  message: '`status`: not an allowed value (found "finished").',
  hint: 'Use one of: draft, ready, in-sprint, shipped, deprecated.',
  ...overrides,
});

const FEATURE = ['---', 'title: Checkout', 'id: CHK', 'status: finished', 'owner: team-a', '---', '', 'The story.', ''].join('\n');

/** A content root with one bundle, `checkout/feature.md`. */
async function content(under?: string): Promise<string> {
  const root = under ?? path.join(await tempDir(), 'content');
  await mkdir(path.join(root, 'checkout'), { recursive: true });
  await writeFile(path.join(root, 'checkout/feature.md'), FEATURE);
  return root;
}

describe('formatGithub', () => {
  it('prints one workflow command per diagnostic, ::error or ::warning, with file, line, col and the rule as title', async () => {
    const root = await content();
    const out = formatGithub(
      [diagnostic(), diagnostic({ severity: 'warning', rule: 'consistency/unmitigated-threat', file: 'checkout/threats.yaml', line: 2, column: 1, message: 'CHK-T-01 is open.', hint: 'Add a mitigation.' })],
      { contentRoot: root, base: path.dirname(root) },
    );
    expect(out.split('\n')).toEqual([
      '::error file=content/checkout/feature.md,line=4,col=9,title=schema/invalid-value::`status`: not an allowed value (found "finished"). — hint: Use one of: draft, ready, in-sprint, shipped, deprecated.',
      '::warning file=content/checkout/threats.yaml,line=2,col=1,title=consistency/unmitigated-threat::CHK-T-01 is open. — hint: Add a mitigation.',
    ]);
  });

  it('escapes %, CR and LF in the message, and also : and , in properties', async () => {
    const root = await content();
    const out = formatGithub([diagnostic({ file: 'a,b/c:d%.yaml', rule: 'x:y,z', message: '100% wrong\r\nreally', hint: 'a: b, c' })], { contentRoot: root, base: root });
    expect(out).toBe('::error file=a%2Cb/c%3Ad%25.yaml,line=4,col=9,title=x%3Ay%2Cz::100%25 wrong%0D%0Areally — hint: a: b, c');
    expect(escapeData('%\r\n:,')).toBe('%25%0D%0A:,');
    expect(escapeProperty('%\r\n:,')).toBe('%25%0D%0A%3A%2C');
  });

  it('makes paths relative to the repository root when the content root sits inside a git work tree', async () => {
    const repo = await tempDir();
    execFileSync('git', ['init', '-q', repo]);
    const root = await content(path.join(repo, 'docs/specs'));
    expect(repositoryRoot(root)).toBe(repositoryRoot(repo));
    const base = repositoryRoot(root) ?? '';
    expect(formatGithub([diagnostic()], { contentRoot: root, base })).toMatch(/^::error file=docs\/specs\/checkout\/feature\.md,line=4,col=9,/);
  });

  // Only meaningful where the temp folder is not itself inside a work tree (it never is in CI).
  it.skipIf(repositoryRoot(os.tmpdir()) !== undefined)('finds no repository root outside a git work tree', async () => {
    expect(repositoryRoot(await tempDir())).toBeUndefined();
  });

  it('prints nothing for no diagnostics', () => {
    expect(formatGithub([], { contentRoot: ROOT, base: ROOT })).toBe('');
  });
});

describe('formatPretty code frames', () => {
  it('shows the offending line with two lines of context and a caret at the column', async () => {
    const root = await content();
    const out = formatPretty([diagnostic()], 1, { contentRoot: root, color: false });
    expect(out).toBe(
      [
        'checkout/feature.md:4:9  error  `status`: not an allowed value (found "finished").  schema/invalid-value',
        '  hint: Use one of: draft, ready, in-sprint, shipped, deprecated.',
        '',
        '    2 | title: Checkout',
        '    3 | id: CHK',
        '  > 4 | status: finished',
        '      |         ^',
        '    5 | owner: team-a',
        '    6 | ---',
        '',
        '1 error, 0 warnings in 1 bundle.',
      ].join('\n'),
    );
  });

  it('puts the caret under the column on a tab-indented line, keeping the tab so it lines up', async () => {
    const root = await content();
    await writeFile(path.join(root, 'checkout/edge-cases.yaml'), 'edge_cases:\n\t- id: X\n');
    const out = formatPretty([diagnostic({ file: 'checkout/edge-cases.yaml', line: 2, column: 3 })], 1, { contentRoot: root, color: false });
    const lines = out.split('\n');
    const at = lines.findIndex((line) => line.startsWith('  > 2 | '));
    expect(lines[at]).toBe('  > 2 | \t- id: X');
    expect(lines[at + 1]).toBe('      | \t ^');
  });

  it('prints no frame, and does not crash, when the file is missing, a folder, binary, too large or outside the content root', async () => {
    const root = await content();
    await writeFile(path.join(root, 'checkout/image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0a, 0x0a, 0x0a]));
    await writeFile(path.join(root, 'checkout/huge.yaml'), 'a: b\n'.repeat(MAX_FRAME_FILE_BYTES / 5 + 1));
    await writeFile(path.join(path.dirname(root), 'secret.txt'), 'one\ntwo\nthree\nfour\n');
    for (const file of ['checkout/missing.yaml', 'checkout', '.', 'checkout/image.png', 'checkout/huge.yaml', '../secret.txt']) {
      const out = formatPretty([diagnostic({ file, line: 1, column: 1 })], 1, { contentRoot: root, color: false });
      expect(out, file).not.toContain(' | ');
      expect(out.split('\n'), file).toHaveLength(3);
    }
  });

  it('prints no frame when the line is past the end of the file', async () => {
    const root = await content();
    const out = formatPretty([diagnostic({ line: 99 })], 1, { contentRoot: root, color: false });
    expect(out).not.toContain(' | ');
  });

  it('uses no ANSI colours unless asked, and colours the frame when asked', async () => {
    const root = await content();
    expect(formatPretty([diagnostic()], 1, { contentRoot: root, color: false })).not.toContain('\u001b[');
    expect(formatPretty([diagnostic()], 1, { contentRoot: root, color: true })).toContain('\u001b[');
  });
});

describe('specport check --format github', () => {
  it('exits 1 and prints ::error lines with paths from the repository root (or the cwd) and a summary', async () => {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/specport.mjs', 'check', '--content', 'test/fixtures/broken/bad-status', '--format', 'github'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^::error file=(?:[^,]*\/)?test\/fixtures\/broken\/bad-status\/checkout\/feature\.md,line=4,col=9,title=schema\/invalid-value::`status`: not an allowed value \(found "finished"\)\. — hint: Use one of/,
    );
    expect(lines.at(-1)).toBe('1 error, 0 warnings in 1 bundle.');
  });
});
