/**
 * Sources: provenance from git and git submodules under the content root. Builds real
 * repositories in a temporary folder: a main repository with `content/`, and a second repository
 * added as a submodule at `content/billing-specs`. The file protocol is allowed only for this
 * test's git calls (and, through GIT_CONFIG_COUNT, for the git that `sync` runs while it runs).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sync } from '../../src/cli/sync.ts';
import { editUrl, isPublicRemote, readProvenance, recentChanges, stripCredentials } from '../../src/core/git.ts';
import { checkSubmodules } from '../../src/core/submodules.ts';
import { closeMermaid } from '../../src/core/mermaid.ts';
import { loadPortal } from '../../src/core/portal.ts';
import { scan } from '../../src/core/scan.ts';

let tmp = '';
let main = '';
let specs = '';
let content = '';
const savedEnv = { ...process.env };

/** Environment for every git call of this test: an isolated global config, no system config. */
function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_CONFIG_GLOBAL: path.join(tmp, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1', ...extra };
}

function git(cwd: string, args: string[], extra: Record<string, string> = {}): string {
  return execFileSync('git', ['-c', 'protocol.file.allow=always', ...args], { cwd, env: gitEnv(extra), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function commitAs(cwd: string, author: string, date: string, message: string): void {
  git(cwd, ['add', '-A']);
  git(cwd, ['-c', `user.name=${author}`, '-c', `user.email=${author.toLowerCase()}@example.com`, 'commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

const feature = (title: string, id: string) => `---\ntitle: ${title}\nid: ${id}\nstatus: draft\nowner: team\n---\n\nThe story of ${title}.\n`;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'specport-git-'));
  await writeFile(path.join(tmp, 'gitconfig'), '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n');
  // Inherited repository overrides would point git at the wrong repository.
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete process.env[key];
  process.env.GIT_CONFIG_GLOBAL = path.join(tmp, 'gitconfig');
  process.env.GIT_CONFIG_NOSYSTEM = '1';

  // The specs repository, later a submodule.
  specs = path.join(tmp, 'specs-src');
  await mkdir(path.join(specs, 'billing'), { recursive: true });
  git(tmp, ['init', '-q', '-b', 'main', specs]);
  await writeFile(path.join(specs, 'billing/feature.md'), feature('Billing', 'BIL'));
  commitAs(specs, 'Bob', '2024-03-01T10:00:00Z', 'Add billing');
  await writeFile(path.join(specs, 'billing/nfr.yaml'), 'nfrs: []\n');
  commitAs(specs, 'Carol', '2024-04-01T10:00:00Z', 'Billing NFRs');

  // The main repository.
  main = path.join(tmp, 'main');
  content = path.join(main, 'content');
  await mkdir(path.join(content, 'shop/checkout'), { recursive: true });
  await mkdir(path.join(content, 'shop/orders'), { recursive: true });
  git(tmp, ['init', '-q', '-b', 'main', main]);
  await writeFile(path.join(content, 'shop/checkout/feature.md'), feature('Checkout', 'CHK'));
  await writeFile(path.join(content, 'shop/orders/feature.md'), feature('Orders', 'ORD'));
  commitAs(main, 'Alice', '2024-01-02T03:04:05Z', 'Add shop');
  await writeFile(path.join(content, 'shop/orders/feature.md'), feature('Orders', 'ORD') + '\nMore.\n');
  commitAs(main, 'Dave', '2024-02-03T04:05:06Z', 'Orders: more story');
  git(main, ['submodule', 'add', '-q', '-b', 'main', specs, 'content/billing-specs']);
  commitAs(main, 'Alice', '2024-05-01T00:00:00Z', 'Add billing specs');
  git(main, ['remote', 'add', 'origin', 'https://user:secret@github.com/org/specs.git']);
});

afterAll(async () => {
  await closeMermaid();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('remote URLs', () => {
  it('strips credentials and keeps scp-like remotes', () => {
    expect(stripCredentials('https://user:token@host.example/x.git')).toBe('https://host.example/x.git');
    expect(stripCredentials('https://token@github.com/org/repo.git')).toBe('https://github.com/org/repo.git');
    expect(stripCredentials('git@github.com:org/repo.git')).toBe('git@github.com:org/repo.git');
    expect(stripCredentials('ssh://git:pw@gitlab.com/org/repo.git')).toBe('ssh://git@gitlab.com/org/repo.git');
  });

  it('builds edit URLs for GitHub, GitLab and Bitbucket only', () => {
    const ref = { branch: 'main', commit: 'abc123' };
    expect(editUrl('https://user:secret@github.com/org/specs.git', ref, 'content/shop/checkout')).toBe('https://github.com/org/specs/edit/main/content/shop/checkout/feature.md');
    expect(editUrl('git@github.com:org/specs.git', { commit: 'abc123' }, 'a')).toBe('https://github.com/org/specs/edit/abc123/a/feature.md');
    expect(editUrl('https://gitlab.com/group/sub/specs.git', ref, 'x/y')).toBe('https://gitlab.com/group/sub/specs/-/edit/main/x/y/feature.md');
    expect(editUrl('git@bitbucket.org:team/specs.git', ref, 'x')).toBe('https://bitbucket.org/team/specs/src/abc123/x/feature.md?mode=edit');
    expect(editUrl('https://git.example.com/org/specs.git', ref, 'x')).toBeUndefined();
    expect(editUrl('/srv/git/specs', ref, 'x')).toBeUndefined();
  });
});

describe('provenance', () => {
  it('gives each bundle its repository, commit, path and last change', async () => {
    const { bundles } = await scan(content);
    const { byDir, changes } = await readProvenance(content, bundles);
    const mainHead = git(main, ['rev-parse', 'HEAD']).trim();
    const specsHead = git(path.join(content, 'billing-specs'), ['rev-parse', 'HEAD']).trim();

    const checkout = byDir.get('shop/checkout');
    expect(checkout).toMatchObject({ repository: 'https://github.com/org/specs.git', commit: mainHead, path: 'content/shop/checkout' });
    expect(checkout?.lastChange?.author).toBe('Alice');
    expect(Date.parse(checkout!.lastChange!.date)).toBe(Date.parse('2024-01-02T03:04:05Z'));
    expect(checkout?.editUrl).toBe('https://github.com/org/specs/edit/main/content/shop/checkout/feature.md');
    expect(JSON.stringify([...byDir.values()])).not.toContain('secret');

    const orders = byDir.get('shop/orders');
    expect(orders?.lastChange?.author).toBe('Dave');

    // The submodule's bundle belongs to the submodule's own repository.
    const billing = byDir.get('billing-specs/billing');
    expect(billing).toMatchObject({ commit: specsHead, path: 'billing', lastChange: { author: 'Carol' } });
    // Its remote is a local path: never published, since it names folders of the build machine.
    expect(billing?.repository).toBeUndefined();
    expect(billing?.editUrl).toBeUndefined();

    const recent = recentChanges(changes, [
      { dir: 'shop/checkout', slug: 'checkout' },
      { dir: 'shop/orders', slug: 'orders' },
      { dir: 'billing-specs/billing', slug: 'billing' },
    ], 3);
    expect(recent.map((c) => [c.feature, c.author, c.subject])).toEqual([
      ['billing', 'Carol', 'Billing NFRs'],
      ['billing', 'Bob', 'Add billing'],
      ['orders', 'Dave', 'Orders: more story'],
    ]);
  });

  it('is filled in by loadPortal', async () => {
    const portal = await loadPortal(content);
    const checkout = portal.features.find((f) => f.dir === 'shop/checkout');
    expect(checkout?.provenance?.path).toBe('content/shop/checkout');
    expect(portal.recentChanges?.[0]).toMatchObject({ author: 'Carol', subject: 'Billing NFRs' });
    expect(portal.diagnostics.filter((d) => d.rule === 'sources/submodule-missing')).toEqual([]);
  });

  it('is absent, without an error, outside git', async () => {
    const plain = path.join(tmp, 'plain/content/a');
    await mkdir(plain, { recursive: true });
    await writeFile(path.join(plain, 'feature.md'), feature('A', 'AAA'));
    const root = path.join(tmp, 'plain/content');
    const { byDir } = await readProvenance(root, (await scan(root)).bundles);
    expect(byDir.size).toBe(0);
    expect(await checkSubmodules(root)).toEqual([]);
  });
});

describe('submodules', () => {
  it("reports 'sources/submodule-missing' when the submodule is deinitialised, and sync restores it", async () => {
    git(main, ['submodule', 'deinit', '-q', '-f', 'content/billing-specs']);
    expect(await readdir(path.join(content, 'billing-specs'))).toEqual([]);

    const diagnostics = await checkSubmodules(content);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'sources/submodule-missing', severity: 'error', file: 'billing-specs', line: 1 });
    expect(diagnostics[0]!.hint).toContain('git');
    expect(diagnostics[0]!.hint).toContain('submodule update --init');
    expect(diagnostics[0]!.hint).toContain('content/billing-specs');
    const portal = await loadPortal(content);
    expect(portal.diagnostics.filter((d) => d.rule === 'sources/submodule-missing').map((d) => d.file)).toEqual(['billing-specs']);

    // A new commit on the tracked branch: sync follows `branch = main`.
    await writeFile(path.join(specs, 'billing/threats.yaml'), 'threats: []\n');
    commitAs(specs, 'Bob', '2024-06-01T10:00:00Z', 'Billing threats');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    process.env.GIT_CONFIG_COUNT = '1';
    process.env.GIT_CONFIG_KEY_0 = 'protocol.file.allow';
    process.env.GIT_CONFIG_VALUE_0 = 'always';
    let code: number;
    try {
      code = await sync({ content: [content] });
    } finally {
      delete process.env.GIT_CONFIG_COUNT;
      delete process.env.GIT_CONFIG_KEY_0;
      delete process.env.GIT_CONFIG_VALUE_0;
    }
    const printed = log.mock.calls.flat().join('\n');
    log.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    expect(printed).toContain('billing-specs');
    expect(await readdir(path.join(content, 'billing-specs/billing'))).toContain('threats.yaml');
    expect(await checkSubmodules(content)).toEqual([]);
  });

  it('reports a submodule folder that was removed', async () => {
    await rm(path.join(content, 'billing-specs'), { recursive: true, force: true });
    const diagnostics = await checkSubmodules(content);
    expect(diagnostics.map((d) => [d.rule, d.file])).toEqual([['sources/submodule-missing', 'billing-specs']]);
    expect(diagnostics[0]!.message).toContain('missing');
  });

  it('says why when git cannot fetch a submodule (here: the file protocol is not allowed)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    let code: number;
    try {
      code = await sync({ content: [content] });
    } finally {
      log.mockRestore();
    }
    const printed = err.mock.calls.flat().join('\n');
    err.mockRestore();
    expect(code).toBe(1);
    expect(printed).toContain('✗ ');
    expect(printed).toContain('billing-specs');
    // git's own reason, indented under the line that names the command.
    expect(printed).toMatch(/\n {4}.*(not allowed|fatal)/);
  });
});

describe('edit links of detached checkouts', () => {
  it('edit on the branch the submodule follows, never at a commit', async () => {
    // A team repository whose default branch is main, with a second branch "published".
    const team = path.join(tmp, 'team-src');
    await mkdir(path.join(team, 'pay'), { recursive: true });
    git(tmp, ['init', '-q', '-b', 'main', team]);
    await writeFile(path.join(team, 'pay/feature.md'), feature('Pay', 'PAY'));
    commitAs(team, 'Bob', '2024-03-01T10:00:00Z', 'Add pay');
    git(team, ['checkout', '-q', '-b', 'published']);
    await writeFile(path.join(team, 'pay/feature.md'), feature('Pay', 'PAY') + '\nPublished.\n');
    commitAs(team, 'Bob', '2024-03-02T10:00:00Z', 'Publish pay');
    git(team, ['checkout', '-q', 'main']);

    // A superproject on "trunk" with the team repository three times: following "published",
    // following the superproject's own branch ("."), and with no branch at all.
    const portal = path.join(tmp, 'detached');
    await mkdir(path.join(portal, 'content'), { recursive: true });
    git(tmp, ['init', '-q', '-b', 'trunk', portal]);
    await writeFile(path.join(portal, 'content/README.md'), 'Specs.\n');
    commitAs(portal, 'Alice', '2024-01-01T00:00:00Z', 'Start');
    git(portal, ['submodule', 'add', '-q', '-b', 'published', team, 'content/branch']);
    git(portal, ['submodule', 'add', '-q', team, 'content/dot']);
    git(portal, ['config', '-f', '.gitmodules', 'submodule.content/dot.branch', '.']);
    git(portal, ['submodule', 'add', '-q', team, 'content/plain']);
    const commits = new Map<string, string>();
    for (const name of ['branch', 'dot', 'plain']) {
      const sub = path.join(portal, 'content', name);
      // As `git submodule update` leaves it: a detached HEAD. The remote looks like GitHub.
      git(sub, ['checkout', '-q', '--detach']);
      git(sub, ['remote', 'set-url', 'origin', 'https://github.com/org/team.git']);
      commits.set(name, git(sub, ['rev-parse', 'HEAD']).trim());
    }

    const root = path.join(portal, 'content');
    const bundles = ['branch', 'dot', 'plain'].map((name) => ({ abs: path.join(root, name, 'pay'), dir: `${name}/pay` }));
    const { byDir } = await readProvenance(root, bundles);
    expect(byDir.get('branch/pay')).toMatchObject({ commit: commits.get('branch'), editUrl: 'https://github.com/org/team/edit/published/pay/feature.md' });
    expect(byDir.get('dot/pay')).toMatchObject({ commit: commits.get('dot'), editUrl: 'https://github.com/org/team/edit/trunk/pay/feature.md' });
    // No branch configured: the remote's default branch.
    expect(byDir.get('plain/pay')).toMatchObject({ commit: commits.get('plain'), editUrl: 'https://github.com/org/team/edit/main/pay/feature.md' });
  });
});

describe('isPublicRemote', () => {
  it('publishes network remotes and never local paths', () => {
    expect(['https://github.com/org/specs.git', 'ssh://git@host/org/specs.git', 'git@github.com:org/specs.git'].every(isPublicRemote)).toBe(true);
    expect(['/srv/git/specs.git', '../specs', 'file:///srv/git/specs.git', 'C:\\repos\\specs'].some(isPublicRemote)).toBe(false);
  });
});
