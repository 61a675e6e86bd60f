/**
 * Git submodules as content sources, end to end, with the real CLI and real repositories.
 *
 * A team keeps its bundles in its own repository; a portal repository holds its own bundles in
 * `content/` and adds the team's repository as a submodule at `content/team-specs`. A fresh clone
 * of the portal (submodule not checked out) must report the missing submodule, `sync` must fetch
 * it, and the built portal must show the team's bundles with the team repository's commit and an
 * "Edit source" link into that repository. Removing the checkout again must give the diagnostic
 * and stop the build, never publish a portal without those bundles.
 *
 * The submodule's URL is `https://github.com/acme/team-specs.git`, so provenance and edit links
 * look as they would on GitHub; an `insteadOf` rule, given only to this test's git calls and to the
 * `sync` child process, makes git fetch it from the local team repository instead. Every git call
 * here uses an isolated global config and no system config.
 */
import { execFile } from 'node:child_process';
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../helpers/temp-dirs.ts';
import { launch, ROOT, serve, watchedPage, type RunResult } from './harness.ts';

const TEAM_URL = 'https://github.com/acme/team-specs.git';
/** The portal clone's remote, with credentials as CI checkouts sometimes carry them: they must never be published. */
const PORTAL_URL = 'https://ci-bot:s3cret-token@github.com/acme/portal.git';
const SUBMODULE = 'content/team-specs';
const TEAM_EDIT = 'https://github.com/acme/team-specs/edit/main/finance/invoicing/feature.md';

const temp = tempDirs('submodule');
let tmp = '';
/** The team's repository, the submodule's real source. */
let team = '';
/** The portal repository as first created, with the submodule added. */
let origin = '';
/** A fresh clone of the portal repository, without `--recurse-submodules`. */
let clone = '';
let content = '';
let out = '';
/** The commit the portal pins for the submodule, and the team repository's HEAD. */
let teamCommit = '';

/** Isolated git configuration: a global config of our own, no system config, no prompts. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: path.join(tmp, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', ...extra };
  // Inherited repository overrides (as inside git hooks) would point git at the wrong repository.
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_PARAMETERS']) if (!(key in extra)) delete env[key];
  return env;
}

/** Config for git runs that fetch the submodule: the file protocol, and the GitHub URL read from the team repository. */
const fetchConfig = () => [
  ['protocol.file.allow', 'always'],
  [`url.${pathToFileURL(team).href}.insteadOf`, TEAM_URL],
] as const;

function run(file: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { cwd: options.cwd, env: options.env, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024, timeout: options.timeout ?? 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function git(cwd: string, args: readonly string[], extra: Record<string, string> = {}): Promise<string> {
  const config = fetchConfig().flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const result = await run('git', [...config, ...args], { cwd, env: gitEnv(extra) });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}:\n${result.stderr}`);
  return result.stdout;
}

async function commitAll(cwd: string, author: string, date: string, message: string): Promise<void> {
  await git(cwd, ['add', '-A']);
  await git(cwd, ['-c', `user.name=${author}`, '-c', `user.email=${author.toLowerCase()}@example.com`, 'commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

/**
 * Runs the `specport` CLI with the pinned Node, by default from the clone's folder as a user of
 * the portal repository would. `fetch` gives the child the config it needs to fetch the
 * submodule, through GIT_CONFIG_COUNT so that it reaches every git process `sync` starts.
 */
function specport(args: readonly string[], options: { fetch?: boolean; cwd?: string } = {}): Promise<RunResult> {
  const extra: Record<string, string> = {};
  if (options.fetch) {
    const config = fetchConfig();
    extra['GIT_CONFIG_COUNT'] = String(config.length);
    config.forEach(([key, value], i) => {
      extra[`GIT_CONFIG_KEY_${i}`] = key;
      extra[`GIT_CONFIG_VALUE_${i}`] = value;
    });
  }
  return run(process.execPath, [path.join(ROOT, 'bin/specport.mjs'), ...args], { cwd: options.cwd ?? clone, env: gitEnv(extra), timeout: 10 * 60_000 });
}

const exists = (p: string) => stat(p).then(() => true, () => false);

beforeAll(async () => {
  tmp = await temp();
  await writeFile(path.join(tmp, 'gitconfig'), '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n');

  // The team repository: two scaffolded bundles whose slugs and keys differ from the portal's own.
  team = path.join(tmp, 'team-specs');
  await git(tmp, ['init', '-q', '-b', 'main', team]);
  for (const [slug, key] of [['invoicing', 'INV'], ['refunds', 'REF']] as const) {
    const created = await run(process.execPath, [path.join(ROOT, 'bin/specport.mjs'), 'new', slug, '--area', 'finance', '--key', key, '--content', team], { cwd: tmp, env: gitEnv() });
    if (created.code !== 0) throw new Error(`specport new ${slug} failed:\n${created.stderr}${created.stdout}`);
  }
  await commitAll(team, 'Tess', '2024-03-01T10:00:00Z', 'Finance specs');
  teamCommit = (await git(team, ['rev-parse', 'HEAD'])).trim();

  // The portal repository: its own bundles, then the team repository as a submodule by its GitHub URL.
  origin = path.join(tmp, 'portal');
  await git(tmp, ['init', '-q', '-b', 'main', origin]);
  await cp(path.join(ROOT, 'test/fixtures/portal-valid'), path.join(origin, 'content'), { recursive: true });
  await commitAll(origin, 'Alice', '2024-01-02T03:04:05Z', 'Portal content');
  await git(origin, ['submodule', 'add', '-q', TEAM_URL, SUBMODULE]);
  await commitAll(origin, 'Alice', '2024-05-01T00:00:00Z', 'Add the team specs');

  // A fresh clone: the submodule is declared but its folder is empty.
  clone = path.join(tmp, 'clone');
  await git(tmp, ['clone', '-q', origin, clone]);
  await git(clone, ['remote', 'set-url', 'origin', PORTAL_URL]);
  content = path.join(clone, 'content');
  out = path.join(tmp, 'site');
}, 120_000);

describe('a git submodule under content/', () => {
  it('declares the GitHub URL in .gitmodules and is not checked out in a fresh clone', async () => {
    await expect(readFile(path.join(clone, '.gitmodules'), 'utf8')).resolves.toContain(`url = ${TEAM_URL}`);
    expect(await readdir(path.join(clone, SUBMODULE))).toEqual([]);
  });

  it('is reported by check as sources/submodule-missing, naming the folder and the command', async () => {
    const result = await specport(['check', '--content', content, '--format', 'json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { features: Array<{ slug: string }>; diagnostics: Array<{ rule: string; severity: string; file: string; message: string; hint: string }> };
    const missing = report.diagnostics.filter((d) => d.rule === 'sources/submodule-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ severity: 'error', file: 'team-specs' });
    expect(missing[0]!.message).toContain('"team-specs"');
    // Run from the clone's root, the command needs no `-C`.
    expect(missing[0]!.hint).toContain(`\`git submodule update --init --recursive -- ${SUBMODULE}\``);
    expect(report.features.map((f) => f.slug).sort()).toEqual(['billing', 'orders']);
  });

  it('is checked out at its pinned commit by sync', async () => {
    const result = await specport(['sync', '--content', content], { fetch: true });
    expect(result.code, `${result.stderr}${result.stdout}`).toBe(0);
    const short = (await git(team, ['rev-parse', '--short', 'HEAD'])).trim();
    expect(result.stdout).toContain(`✓ ${SUBMODULE}: checked out at its pinned commit (${short}).`);
    expect(result.stdout).toContain('0 errors');
    expect((await git(path.join(clone, SUBMODULE), ['rev-parse', 'HEAD'])).trim()).toBe(teamCommit);
    expect(await exists(path.join(content, 'team-specs/finance/invoicing/feature.md'))).toBe(true);
    // Fetched through the rewrite, the checkout still names the GitHub URL: provenance reads it from there.
    expect((await git(path.join(clone, SUBMODULE), ['config', 'remote.origin.url'])).trim()).toBe(TEAM_URL);
  });

  describe('the portal built after sync', () => {
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serve>>;
    const portalCommit = () => git(clone, ['rev-parse', 'HEAD']).then((s) => s.trim());

    beforeAll(async () => {
      // Astro writes its prerender chunks under the working directory and resolves packages from
      // there, so the build runs from the project root, as `npm run build` does.
      const build = await specport(['build', '--content', content, '--out', out], { cwd: ROOT });
      if (build.code !== 0) throw new Error(`specport build failed (${build.code}):\n${build.stderr}${build.stdout}`);
      server = await serve(out);
      browser = await launch();
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it("shows the submodule feature with the team repository's commit and an edit link into it", async () => {
      const { page, foreign, consoleErrors } = await watchedPage(browser, server.origin);
      const response = await page.goto(`${server.origin}/features/invoicing/`);
      expect(response?.status()).toBe(200);
      const header = page.locator('.sp-header');
      const short = (await git(team, ['rev-parse', '--short=7', 'HEAD'])).trim();
      const commit = header.locator('div', { has: page.locator('dt', { hasText: /^Commit$/ }) }).locator('dd code');
      await expect(commit.textContent()).resolves.toBe(short);
      await expect(commit.getAttribute('title')).resolves.toBe(teamCommit);
      // Not the portal repository's commit: the bundle belongs to the submodule.
      expect(teamCommit).not.toBe(await portalCommit());

      const repository = header.locator('div', { has: page.locator('dt', { hasText: /^Repository$/ }) }).locator('dd');
      await expect(repository.textContent()).resolves.toBe(TEAM_URL);
      const source = header.locator('div', { has: page.locator('dt', { hasText: /^Source$/ }) }).locator('dd code');
      await expect(source.textContent()).resolves.toBe('team-specs/finance/invoicing/');

      // The checkout is a detached HEAD, but GitHub edits only on a branch: the link names the
      // team repository's default branch, with the bundle's path in that repository.
      const edit = page.getByRole('link', { name: 'Edit source' });
      await expect(edit.count()).resolves.toBe(1);
      await expect(edit.getAttribute('href')).resolves.toBe(TEAM_EDIT);

      const changed = header.locator('div', { has: page.locator('dt', { hasText: /^Last change$/ }) }).locator('dd');
      await expect(changed.textContent()).resolves.toBe('2024-03-01 by Tess');
      expect(foreign).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await page.context().close();
    });

    it('keeps the main content features with their own provenance', async () => {
      const { page } = await watchedPage(browser, server.origin);
      await page.goto(`${server.origin}/features/orders/`);
      const header = page.locator('.sp-header');
      const head = await portalCommit();
      const commit = header.locator('div', { has: page.locator('dt', { hasText: /^Commit$/ }) }).locator('dd code');
      await expect(commit.getAttribute('title')).resolves.toBe(head);
      const repository = header.locator('div', { has: page.locator('dt', { hasText: /^Repository$/ }) }).locator('dd');
      await expect(repository.textContent()).resolves.toBe('https://github.com/acme/portal.git');
      // The portal clone is on its branch, so its edit link names the branch.
      await expect(page.getByRole('link', { name: 'Edit source' }).getAttribute('href')).resolves.toBe('https://github.com/acme/portal/edit/main/content/shop/orders/feature.md');
      await expect(page.content()).resolves.not.toContain('s3cret');
      await page.context().close();
    });

    it('lists the submodule features on the home page next to the main ones', async () => {
      const { page } = await watchedPage(browser, server.origin);
      await page.goto(`${server.origin}/`);
      for (const slug of ['billing', 'orders', 'invoicing', 'refunds']) {
        await expect(page.locator(`main a[href="/features/${slug}/"]`).count(), slug).resolves.toBeGreaterThan(0);
      }
      await page.context().close();
    });

    it('puts the same provenance into portal.json, without credentials or local paths', async () => {
      const response = await fetch(`${server.origin}/portal.json`);
      expect(response.status).toBe(200);
      const text = await response.text();
      const json = JSON.parse(text) as { features: Array<{ slug: string; provenance: Record<string, unknown> | null }> };
      const bySlug = new Map(json.features.map((f) => [f.slug, f.provenance]));
      expect([...bySlug.keys()].sort()).toEqual(['billing', 'invoicing', 'orders', 'refunds']);
      expect(bySlug.get('invoicing')).toEqual({
        repository: TEAM_URL,
        commit: teamCommit,
        path: 'finance/invoicing',
        lastChange: { date: expect.any(String), author: 'Tess' },
        editUrl: TEAM_EDIT,
      });
      expect(bySlug.get('refunds')).toMatchObject({ repository: TEAM_URL, commit: teamCommit, path: 'finance/refunds' });
      expect(bySlug.get('orders')).toMatchObject({
        repository: 'https://github.com/acme/portal.git',
        commit: await portalCommit(),
        path: 'content/shop/orders',
        lastChange: { author: 'Alice' },
      });
      expect(text).not.toContain('s3cret');
      expect(text).not.toContain(tmp);
    });
  });

  it('is reported again when its checkout is removed, and build stops instead of publishing without it', async () => {
    await git(clone, ['submodule', 'deinit', '-q', '-f', SUBMODULE]);
    expect(await readdir(path.join(clone, SUBMODULE))).toEqual([]);

    const check = await specport(['check', '--content', content]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('team-specs');
    expect(check.stdout).toContain('sources/submodule-missing');
    expect(check.stdout).toContain(`git submodule update --init --recursive -- ${SUBMODULE}`);

    const again = path.join(tmp, 'site-without-submodule');
    const build = await specport(['build', '--content', content, '--out', again], { cwd: ROOT });
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('sources/submodule-missing');
    expect(build.stderr).toContain(`The git submodule "${SUBMODULE}" at "team-specs" is not checked out`);
    expect(build.stderr).toContain('Build stopped');
    expect(await exists(again)).toBe(false);
  });

  it('is reported as missing when its folder is deleted outright', async () => {
    await rm(path.join(clone, SUBMODULE), { recursive: true, force: true });
    const check = await specport(['check', '--content', content, '--format', 'json']);
    expect(check.code).toBe(1);
    const { diagnostics } = JSON.parse(check.stdout) as { diagnostics: Array<{ rule: string; file: string; message: string }> };
    expect(diagnostics.filter((d) => d.rule === 'sources/submodule-missing').map((d) => [d.file, d.message.includes('folder is missing')])).toEqual([['team-specs', true]]);
  });
});
