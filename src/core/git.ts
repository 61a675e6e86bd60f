/**
 * Sources: where each bundle comes from in version control. Uses the `git` CLI through `execFile`
 * (never a shell), with bounded output and a time limit. Any git failure means "no provenance",
 * never a throw: a content root outside git is fine.
 *
 * Calls are batched per repository (a handful per repository, one `git log` for all its bundles),
 * so a thousand bundles do not spawn thousands of processes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';


export interface Provenance {
  /** Remote URL of the repository holding the bundle, without credentials. */
  repository?: string;
  /** HEAD commit of that repository. */
  commit?: string;
  /** The bundle folder inside that repository, `/`-separated (`''` at its root). */
  path: string;
  /** The last commit that touched the bundle folder. */
  lastChange?: { date: string; author: string };
  /** Where to edit `feature.md` on GitHub, GitLab or Bitbucket. */
  editUrl?: string;
}

/** One commit that touched one bundle. */
export interface Change {
  /** Bundle folder relative to the content root. */
  dir: string;
  commit: string;
  /** ISO 8601 author date. */
  date: string;
  author: string;
  subject: string;
}

export interface RecentChange {
  date: string;
  author: string;
  /** The feature's slug. */
  feature: string;
  subject: string;
  commit: string;
}

const MAX_OUTPUT = 32 * 1024 * 1024;
const TIMEOUT_MS = 60_000;
/** Changes kept per repository for `recentChanges`. */
const CHANGES_PER_REPO = 100;

/** The environment for git: no inherited repository overrides (as set inside git hooks). */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY']) delete env[key];
  return env;
}

/**
 * Runs git in `cwd`. Resolves to stdout, or undefined on any failure. When the output exceeds the
 * bound, `partial` lets the caller use what arrived (a log read newest first).
 */
export async function runGit(cwd: string, args: readonly string[], options: { partial?: boolean; maxBuffer?: number; timeout?: number } = {}): Promise<string | undefined> {
  return (await gitOutcome(cwd, args, options)).stdout;
}

/** Like `runGit`, keeping git's own explanation (stderr) of a failure, for commands a person ran. */
export function gitOutcome(cwd: string, args: readonly string[], options: { partial?: boolean; maxBuffer?: number; timeout?: number } = {}): Promise<{ stdout?: string; stderr: string }> {
  return new Promise((resolve) => {
    try {
      execFile(
        'git',
        [...args],
        { cwd, env: gitEnv(), maxBuffer: options.maxBuffer ?? MAX_OUTPUT, timeout: options.timeout ?? TIMEOUT_MS, encoding: 'utf8', windowsHide: true },
        (error, stdout, stderr) => {
          if (!error) return resolve({ stdout, stderr });
          const code = (error as NodeJS.ErrnoException).code;
          const why = stderr.trim() || (error.killed ? 'git took too long and was stopped.' : error.message);
          resolve(options.partial && code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? { stdout, stderr } : { stderr: why });
        },
      );
    } catch (error) {
      resolve({ stderr: (error as Error).message });
    }
  });
}

export const toPosix = (p: string) => p.split(path.sep).join('/');
export const isInside = (parent: string, child: string) => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Removes credentials from a remote URL. scp-like `git@host:org/repo.git` is kept as written. */
export function stripCredentials(remote: string): string {
  const value = remote.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    url.password = '';
    if (url.protocol === 'http:' || url.protocol === 'https:') url.username = '';
    return url.href;
  } catch {
    // Not parseable: drop anything between the scheme and an `@` in the authority.
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  }
}

/** Host and `org/repo` path of a remote, for the hosts that have an edit page. */
function parseRemote(remote: string): { host: string; repo: string } | undefined {
  const value = stripCredentials(remote);
  let host: string;
  let repoPath: string;
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/)(.+)$/.exec(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (!['http:', 'https:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
      host = url.hostname;
      repoPath = url.pathname;
    } catch {
      return undefined;
    }
  } else if (scp) {
    host = scp[1]!;
    repoPath = scp[2]!;
  } else return undefined;
  const repo = repoPath.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(repo)) return undefined;
  return { host: host.toLowerCase(), repo };
}

function hostKind(host: string): 'github' | 'gitlab' | 'bitbucket' | undefined {
  const first = host.split('.')[0];
  if (host === 'github.com' || first === 'github') return 'github';
  if (host === 'gitlab.com' || first === 'gitlab') return 'gitlab';
  if (host === 'bitbucket.org' || first === 'bitbucket') return 'bitbucket';
  return undefined;
}

/** The "edit this file" URL of `feature.md` for GitHub, GitLab and Bitbucket remotes; undefined otherwise. */
export function editUrl(remote: string, ref: { branch?: string | undefined; commit?: string | undefined }, bundlePath: string): string | undefined {
  const parsed = parseRemote(remote);
  if (!parsed) return undefined;
  const kind = hostKind(parsed.host);
  if (!kind) return undefined;
  const file = [...bundlePath.split('/').filter(Boolean), 'feature.md'].map(encodeURIComponent).join('/');
  const base = `https://${parsed.host}/${parsed.repo}`;
  if (kind === 'bitbucket') {
    const commit = ref.commit ?? ref.branch;
    return commit ? `${base}/src/${encodeURIComponent(commit)}/${file}?mode=edit` : undefined;
  }
  const at = ref.branch ?? ref.commit;
  if (!at) return undefined;
  const encodedRef = at.split('/').map(encodeURIComponent).join('/');
  return kind === 'github' ? `${base}/edit/${encodedRef}/${file}` : `${base}/-/edit/${encodedRef}/${file}`;
}

/**
 * The nearest folder at or above `dir` that holds `.git` (a folder, or a file in submodules and
 * worktrees). Synchronous: one look per folder, and a thousand bundles' looks through promises
 * waited behind linking in the dev server, about 0.1 s of every edit.
 */
function nearestWorkTree(dir: string, cache: Map<string, string | undefined>): string | undefined {
  const seen: string[] = [];
  let current = dir;
  let found: string | undefined;
  for (;;) {
    if (cache.has(current)) {
      found = cache.get(current);
      break;
    }
    seen.push(current);
    if (existsSync(path.join(current, '.git'))) {
      found = current;
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of seen) cache.set(d, found);
  return found;
}

interface RepoInfo {
  top: string;
  commit?: string;
  branch?: string;
  remote?: string;
}

async function repoInfo(workTree: string): Promise<RepoInfo | undefined> {
  const topOut = await runGit(workTree, ['rev-parse', '--show-toplevel']);
  if (!topOut?.trim()) return undefined;
  const top = path.resolve(topOut.trim());
  const info: RepoInfo = { top };
  const head = (await runGit(top, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']))?.trim();
  if (head && /^[0-9a-f]{7,64}$/.test(head)) info.commit = head;
  const branch = (await runGit(top, ['symbolic-ref', '-q', '--short', 'HEAD']))?.trim();
  if (branch) info.branch = branch;
  const remotes = (await runGit(top, ['config', '--get-regexp', '^remote\\..*\\.url$'])) ?? '';
  const urls = new Map<string, string>();
  for (const line of remotes.split('\n')) {
    const m = /^remote\.(.+)\.url (.+)$/.exec(line.trim());
    if (m) urls.set(m[1]!, m[2]!);
  }
  const remote = urls.get('origin') ?? [...urls.values()][0];
  if (remote) info.remote = stripCredentials(remote);
  // A detached HEAD (every submodule checkout, many CI checkouts) names no branch, and GitHub and
  // GitLab refuse to edit a file at a commit: edit on the branch the checkout follows instead.
  if (!info.branch) {
    const followed = (await submoduleBranch(top)) ?? (await runGit(top, ['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD']))?.trim().replace(/^origin\//, '');
    if (followed) info.branch = followed;
  }
  return info;
}

/**
 * The `branch` that the superproject's `.gitmodules` gives the submodule checked out at `top`
 * (`.` meaning the superproject's own branch); undefined when `top` is no submodule or has none.
 */
async function submoduleBranch(top: string): Promise<string | undefined> {
  const superTop = (await runGit(top, ['rev-parse', '--show-superproject-working-tree']))?.trim();
  if (!superTop) return undefined;
  const inSuper = toPosix(path.relative(path.resolve(superTop), top));
  const paths = (await runGit(superTop, ['config', '-f', '.gitmodules', '--get-regexp', '^submodule\\..*\\.path$'])) ?? '';
  for (const line of paths.split('\n')) {
    const m = /^submodule\.(.+)\.path (.+)$/.exec(line.trim());
    if (!m || path.posix.normalize(m[2]!).replace(/\/$/, '') !== inSuper) continue;
    const branch = (await runGit(superTop, ['config', '-f', '.gitmodules', `submodule.${m[1]}.branch`]))?.trim();
    if (branch !== '.') return branch || undefined;
    return (await runGit(superTop, ['symbolic-ref', '-q', '--short', 'HEAD']))?.trim() || undefined;
  }
  return undefined;
}

const RECORD = '\x1e';
const FIELD = '\x1f';

/**
 * One `git log` for all bundles of one repository, newest first: the last change of each bundle
 * and the most recent changes. Stops reading once every bundle has its last change and enough
 * recent changes are collected.
 */
async function lastChanges(top: string, bundles: ReadonlyArray<{ dir: string; inRepo: string }>, pathspec: string): Promise<{ last: Map<string, Change>; recent: Change[] }> {
  const last = new Map<string, Change>();
  const recent: Change[] = [];
  const out = await runGit(top, ['-c', 'core.quotePath=false', 'log', '--no-color', '--no-renames', `--format=${RECORD}%H${FIELD}%aI${FIELD}%an${FIELD}%s`, '--name-only', '--', pathspec], { partial: true });
  if (!out) return { last, recent };
  const byPath = new Map(bundles.map((b) => [b.inRepo, b.dir]));
  const ownerOf = (file: string): string | undefined => {
    let dir = path.posix.dirname(file);
    for (;;) {
      const owner = byPath.get(dir === '.' ? '' : dir);
      if (owner !== undefined) return owner;
      if (dir === '.' || dir === '/' || dir === '') return undefined;
      dir = path.posix.dirname(dir);
    }
  };
  for (const record of out.split(RECORD)) {
    if (!record.trim()) continue;
    const [header = '', ...files] = record.split('\n');
    const [commit, date, author, subject] = header.split(FIELD);
    if (!commit || !date || author === undefined) continue;
    const touched = new Set<string>();
    for (const file of files) {
      const name = file.trim();
      if (!name) continue;
      const owner = ownerOf(name);
      if (owner !== undefined) touched.add(owner);
    }
    for (const dir of touched) {
      const change: Change = { dir, commit, date, author, subject: subject ?? '' };
      if (!last.has(dir)) last.set(dir, change);
      if (recent.length < CHANGES_PER_REPO) recent.push(change);
    }
    if (last.size === bundles.length && recent.length >= CHANGES_PER_REPO) break;
  }
  return { last, recent };
}

/**
 * Provenance of each bundle, keyed by its folder relative to the content root, plus the changes
 * seen (newest first per repository) for `recentChanges`.
 */
export async function readProvenance(root: string, bundles: ReadonlyArray<{ abs: string; dir: string }>): Promise<{ byDir: Map<string, Provenance>; changes: Change[] }> {
  const byDir = new Map<string, Provenance>();
  const changes: Change[] = [];
  try {
    const cache = new Map<string, string | undefined>();
    const groups = new Map<string, Array<{ abs: string; dir: string }>>();
    for (const bundle of bundles) {
      const tree = nearestWorkTree(path.resolve(bundle.abs), cache);
      if (!tree) continue;
      const list = groups.get(tree) ?? [];
      list.push(bundle);
      groups.set(tree, list);
    }
    for (const [tree, list] of groups) {
      const info = await repoInfo(tree);
      if (!info) continue;
      const members = list
        .filter((b) => isInside(info.top, path.resolve(b.abs)))
        .map((b) => ({ dir: b.dir, inRepo: toPosix(path.relative(info.top, path.resolve(b.abs))) }));
      if (members.length === 0) continue;
      const rootInRepo = isInside(info.top, path.resolve(root)) ? toPosix(path.relative(info.top, path.resolve(root))) : '';
      const { last, recent } = info.commit ? await lastChanges(info.top, members, rootInRepo ? `:(top,literal)${rootInRepo}` : '.') : { last: new Map<string, Change>(), recent: [] };
      changes.push(...recent);
      for (const member of members) {
        const provenance: Provenance = { path: member.inRepo };
        // Only a remote others can reach is published: a local path would leak the build machine's folders.
        if (info.remote && isPublicRemote(info.remote)) provenance.repository = info.remote;
        if (info.commit) provenance.commit = info.commit;
        const change = last.get(member.dir);
        if (change) provenance.lastChange = { date: change.date, author: change.author };
        const url = info.remote ? editUrl(info.remote, { branch: info.branch, commit: info.commit }, member.inRepo) : undefined;
        if (url) provenance.editUrl = url;
        byDir.set(member.dir, provenance);
      }
    }
  } catch {
    // Provenance is a nicety: never fail the portal because of git.
  }
  return { byDir, changes };
}

/** The last `limit` changes across bundles, newest first, with the feature slug of each bundle. */
export function recentChanges(changes: readonly Change[], features: ReadonlyArray<{ dir: string; slug: string }>, limit = 10): RecentChange[] {
  const slugOf = new Map(features.map((f) => [f.dir, f.slug]));
  return changes
    .filter((c) => slugOf.has(c.dir))
    .map((c) => ({ date: c.date, author: c.author, feature: slugOf.get(c.dir)!, subject: c.subject, commit: c.commit }))
    .sort((a, b) => Date.parse(b.date) - Date.parse(a.date) || a.feature.localeCompare(b.feature))
    .slice(0, limit);
}

/** `https://…`, `ssh://…`, `git://…` or scp-like `git@host:org/repo.git`; not a local path or `file:`. */
export function isPublicRemote(remote: string): boolean {
  return /^(https?|ssh|git):\/\/[^/]/.test(remote) || /^[\w.-]+@[\w.-]+:[^/]/.test(remote);
}
