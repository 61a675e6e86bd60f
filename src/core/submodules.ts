/**
 * Git submodules as content sources: which submodules sit under the content root, and a
 * diagnostic for each one that is not checked out, naming the command that fetches it.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';
import { isInside, runGit, toPosix } from './git.ts';

export const submoduleRules = {
  'sources/submodule-missing': {
    severity: 'error',
    description: 'A git submodule under the content root is not checked out (its folder is missing or empty), so its bundles are not published.',
  },
} as const satisfies Record<string, RuleInfo>;

export interface Submodule {
  /** Absolute path of the repository whose `.gitmodules` declares it. */
  repo: string;
  name: string;
  /** Path inside that repository, as written in `.gitmodules`. */
  path: string;
  abs: string;
  branch?: string;
}

/** Submodules declared in a repository's `.gitmodules`. */
async function declaredSubmodules(repo: string): Promise<Submodule[]> {
  const out = await runGit(repo, ['config', '-f', '.gitmodules', '--get-regexp', '^submodule\\..*\\.(path|branch)$']);
  if (!out) return [];
  const byName = new Map<string, { path?: string; branch?: string }>();
  for (const line of out.split('\n')) {
    const m = /^submodule\.(.+)\.(path|branch) (.+)$/.exec(line.trim());
    if (!m) continue;
    const entry = byName.get(m[1]!) ?? {};
    entry[m[2] as 'path' | 'branch'] = m[3]!;
    byName.set(m[1]!, entry);
  }
  const result: Submodule[] = [];
  for (const [name, entry] of byName) {
    if (!entry.path) continue;
    const abs = path.resolve(repo, entry.path);
    if (!isInside(repo, abs) || abs === repo) continue;
    result.push({ repo, name, path: entry.path, abs, ...(entry.branch ? { branch: entry.branch } : {}) });
  }
  return result;
}

const isMissing = async (abs: string) => {
  try {
    return (await readdir(abs)).length === 0;
  } catch {
    return true;
  }
};

/**
 * Every submodule at or under the content root, declared by the repository holding the root (or,
 * when the root is itself a submodule checkout, by its superproject), and by checked-out
 * submodules below, recursively.
 */
export async function submodulesUnder(root: string): Promise<Array<Submodule & { missing: boolean }>> {
  const base = path.resolve(root);
  const result: Array<Submodule & { missing: boolean }> = [];
  try {
    const repos: string[] = [];
    // The holder may be the superproject when the root is itself a (missing) submodule folder.
    let start = base;
    while (!(await stat(start).then((s) => s.isDirectory(), () => false))) {
      const parent = path.dirname(start);
      if (parent === start) return result;
      start = parent;
    }
    const top = (await runGit(start, ['rev-parse', '--show-toplevel']))?.trim();
    if (!top) return result;
    repos.push(path.resolve(top));
    const superTop = (await runGit(top, ['rev-parse', '--show-superproject-working-tree']))?.trim();
    if (superTop) repos.push(path.resolve(superTop));
    const seen = new Set<string>();
    for (let i = 0; i < repos.length && i < 50; i++) {
      const repo = repos[i]!;
      if (seen.has(repo)) continue;
      seen.add(repo);
      for (const sub of await declaredSubmodules(repo)) {
        if (!isInside(base, sub.abs) && !(sub.abs === base)) continue;
        if (result.some((r) => r.abs === sub.abs)) continue;
        const missing = await isMissing(sub.abs);
        result.push({ ...sub, missing });
        if (!missing) repos.push(sub.abs);
      }
    }
  } catch {
    // No git, no submodules.
  }
  return result.sort((a, b) => a.abs.localeCompare(b.abs));
}

/**
 * `sources/submodule-missing` for every submodule under the content root that is not checked out;
 * `relativeTo` is the folder diagnostics name files from (the root itself by default).
 */
export async function checkSubmodules(root: string, relativeTo = root): Promise<Diagnostic[]> {
  const base = path.resolve(root);
  const diagnostics: Diagnostic[] = [];
  for (const sub of await submodulesUnder(base)) {
    if (!sub.missing) continue;
    const file = toPosix(path.relative(path.resolve(relativeTo), sub.abs)) || '.';
    const relRepo = path.relative(process.cwd(), sub.repo);
    const where = relRepo === '' ? '' : isInside(process.cwd(), sub.repo) ? relRepo : sub.repo;
    const command = `git${where ? ` -C ${JSON.stringify(toPosix(where))}` : ''} submodule update --init --recursive -- ${sub.path}`;
    diagnostics.push(
      problem(
        submoduleRules,
        'sources/submodule-missing',
        { file },
        `The git submodule "${sub.name}" at "${file}" is not checked out: its folder is ${(await stat(sub.abs).then(() => true, () => false)) ? 'empty' : 'missing'}, so its bundles are not published.`,
        `Run \`${command}\` (or \`specport sync\`) to fetch it.`,
      ),
    );
  }
  return diagnostics;
}
