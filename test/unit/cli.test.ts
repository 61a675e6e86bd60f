/**
 * The real CLI, spawned as a user runs it: exit codes, the `--format json` document, the pretty
 * output, usage errors, and a `build` that stops on errors without writing anything.
 * A successful build is slow and is covered by the end-to-end tests.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/temp-dirs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VALID = 'test/fixtures/portal-valid';
const broken = (kase: string) => `test/fixtures/broken/${kase}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `specport <args>` from the project root and collects its output. */
function specport(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/specport.mjs', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** No output, on either stream, ever shows a stack trace. */
const STACK = /\n\s+at /;
function expectNoStack(run: Run) {
  expect(run.stdout).not.toMatch(STACK);
  expect(run.stderr).not.toMatch(STACK);
}

const USAGE_LINE = 'specport check [--content DIR]... [--format pretty|json|github]';

const tempDir = tempDirs('cli');

/** Every file under `dir` (relative path → SHA-256 of its bytes), to prove nothing was written. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, abs)] = createHash('sha256').update(await readFile(abs)).digest('hex');
  }
  return out;
}

describe('specport check', () => {
  it('exits 0 on the valid portal and prints its one warning and the summary', async () => {
    const run = await specport('check', '--content', VALID);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('billing/threats.yaml:2:1  warning  BIL-T-01 is open and lists no mitigation.  consistency/unmitigated-threat');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('0 errors, 1 warning in 2 bundles.');
    expect(run.stderr).toBe('');
    expectNoStack(run);
  });

  it('exits 0 when there are only warnings', async () => {
    const run = await specport('check', '--content', broken('unknown-files'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 errors, 2 warnings in 1 bundle.');
    expectNoStack(run);
  });

  it('exits 1 with --format json and prints exactly features and diagnostics, files relative to the content root', async () => {
    const content = path.join(ROOT, broken('duplicate-nfr'));
    const run = await specport('check', '--content', content, '--format', 'json');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expectNoStack(run);

    const report = JSON.parse(run.stdout) as { features: Array<Record<string, unknown>>; diagnostics: Array<Record<string, unknown>> };
    expect(Object.keys(report).sort()).toEqual(['diagnostics', 'features']);
    expect(report.features).toEqual([
      { slug: 'checkout', title: 'Checkout', completeness: expect.any(Number) },
      { slug: 'payments', title: 'Payments', completeness: expect.any(Number) },
    ]);
    for (const feature of report.features) expect(Object.keys(feature).sort()).toEqual(['completeness', 'slug', 'title']);

    expect(report.diagnostics).toEqual([
      {
        severity: 'error',
        rule: 'ids/duplicate',
        file: 'payments/nfr.yaml',
        line: 8,
        column: 1,
        message: 'The ID "CHK-NFR-01" is already used by nfr in checkout/nfr.yaml:2.',
        hint: 'IDs are unique across the whole portal: number this item differently.',
      },
    ]);
    for (const d of report.diagnostics) {
      expect(Object.keys(d).sort()).toEqual(['column', 'file', 'hint', 'line', 'message', 'rule', 'severity']);
      const file = String(d['file']);
      expect(path.isAbsolute(file)).toBe(false);
      expect(file).not.toContain(ROOT);
      expect(existsSync(path.join(content, file))).toBe(true);
    }
  });

  it('keeps files relative to the content root in JSON when --content is a relative path with several areas', async () => {
    const run = await specport('check', '--content', broken('outside-bundle'), '--format', 'json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { diagnostics: Array<{ file: string; rule: string }> };
    expect(report.diagnostics.map((d) => [d.rule, d.file])).toEqual([
      ['scan/outside-bundle', 'README.md'],
      ['scan/outside-bundle', 'shop/notes.md'],
    ]);
  });

  it('prints file:line:column, severity, message and rule, then the hint and a code frame, in pretty output', async () => {
    const run = await specport('check', '--content', broken('bad-status'));
    expect(run.code).toBe(1);
    expectNoStack(run);
    expect(run.stdout).toMatchInlineSnapshot(`
      "checkout/feature.md:4:9  error  \`status\`: not an allowed value (found "finished").  schema/invalid-value
        hint: Use one of: draft, ready, in-sprint, shipped, deprecated.

          2 | title: Checkout
          3 | id: CHK
        > 4 | status: finished
            |         ^
          5 | owner: team-a
          6 | ---

      1 error, 0 warnings in 1 bundle.
      "
    `);
    expect(run.stdout).toMatch(/^checkout\/feature\.md:4:9 {2}error {2}.+ {2}schema\/invalid-value$/m);
    expect(run.stdout).toMatch(/^ {2}hint: \S/m);
  });

  it('prints every diagnostic of a larger broken portal in pretty output, each with a hint', async () => {
    const run = await specport('check', '--content', broken('dangling-refs'));
    expect(run.code).toBe(1);
    expectNoStack(run);
    const heads = run.stdout.split('\n').filter((line) => /^\S+:\d+:\d+ {2}(error|warning) {2}/.test(line));
    const hints = run.stdout.split('\n').filter((line) => /^ {2}hint: \S/.test(line));
    expect(heads).toHaveLength(17);
    expect(hints).toHaveLength(17);
    expect(heads.every((line) => line.endsWith('  refs/unresolved'))).toBe(true);
    expect(heads).toContain('checkout/feature.md:10:5  error  feature:cart points at no feature (bundle folder name).  refs/unresolved');
  });

  it('exits 1 with scan/no-content when the content folder does not exist, without a stack trace', async () => {
    const run = await specport('check', '--content', path.join(await tempDir(), 'missing'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('scan/no-content');
    expectNoStack(run);
  });
});

describe('bad usage', () => {
  const cases: Array<[string, string[], string]> = [
    ['an unknown command', ['frobnicate'], 'Unknown command "frobnicate".'],
    ['an unknown format', ['check', '--format', 'xml'], 'Unknown format "xml".'],
    ['an unknown flag', ['check', '--frobnicate'], "Unknown option '--frobnicate'"],
    ['a stray argument', ['check', 'extra'], 'Unexpected argument "extra".'],
    ['no command', [], 'Missing command.'],
    ['a flag without its value', ['check', '--content'], "Option '--content <value>' argument missing"],
  ];

  it.each(cases)('exits 2 with the usage text for %s', async (_name, args, message) => {
    const run = await specport(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage:');
    expect(run.stderr).toContain(USAGE_LINE);
    expectNoStack(run);
  });

  it('prints the usage text to stdout and exits 0 for --help', async () => {
    const run = await specport('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(USAGE_LINE);
    expectNoStack(run);
  });
});

describe('specport build on broken content', () => {
  it('exits 1 with the same diagnostic lines as check, writes nothing into the content folder and creates no site', async () => {
    const content = path.join(await tempDir(), 'content');
    await cp(path.join(ROOT, broken('dangling-refs')), content, { recursive: true });
    const out = path.join(await tempDir(), 'site');
    const before = await fingerprint(content);

    const build = await specport('build', '--content', content, '--out', out);
    const check = await specport('check', '--content', content);

    expect(build.code).toBe(1);
    expectNoStack(build);
    expect(build.stdout).toBe('');
    const lines = build.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('Build stopped: fix the errors above, then build again (or pass --allow-errors for a preview).');
    expect(lines.slice(0, -1)).toEqual(check.stdout.trimEnd().split('\n'));

    expect(await fingerprint(content)).toEqual(before);
    expect(existsSync(out)).toBe(false);
  });
});
