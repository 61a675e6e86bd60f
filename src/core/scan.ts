/**
 * Scan: find every bundle (a folder holding `feature.md`) under a content root, at any depth, and
 * list every file each one holds. Files outside any bundle and links that leave the root are
 * reported rather than silently skipped.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';

export const scanRules = {
  'scan/no-content': { severity: 'error', description: 'The content root does not exist or holds no bundle.' },
  'scan/outside-bundle': { severity: 'warning', description: 'A file that belongs to no bundle is not published.' },
  'scan/link-outside': { severity: 'error', description: 'A symbolic link points outside the content root, or at nothing; it is not followed.' },
  'scan/link-loop': { severity: 'warning', description: 'A symbolic link points back at a folder already scanned; it is not followed again.' },
} as const satisfies Record<string, RuleInfo>;

export interface ScannedBundle {
  /** Absolute path of the bundle folder. */
  abs: string;
  /** Folder relative to the content root, `/`-separated (`commerce/checkout`). */
  dir: string;
  /** Files of the bundle relative to the bundle folder, `/`-separated, sorted. */
  files: string[];
}

/** Folders never scanned: version control, dependencies, editor state. */
const SKIPPED = new Set(['.git', 'node_modules', '.astro', '.specport']);

export async function scan(root: string): Promise<{ bundles: ScannedBundle[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const rootReal = await realpath(root).catch(() => undefined);
  if (!rootReal || !(await stat(rootReal)).isDirectory()) {
    diagnostics.push(
      problem(scanRules, 'scan/no-content', { file: '.' }, `The content root "${root}" does not exist or is not a folder.`, 'Pass --content with the folder that holds your bundles.'),
    );
    return { bundles: [], diagnostics };
  }

  const bundles: ScannedBundle[] = [];
  const loose: string[] = [];
  const visited = new Set<string>();

  /** Walks one folder; `owner` is the bundle the folder belongs to, if any. */
  async function walk(abs: string, owner: ScannedBundle | undefined): Promise<void> {
    visited.add(await realpath(abs));
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    let bundle = owner;
    if (entries.some((e) => e.name === 'feature.md' && (e.isFile() || e.isSymbolicLink()))) {
      bundle = { abs, dir: rel(rootReal!, abs), files: [] };
      bundles.push(bundle);
    }
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      const child = path.join(abs, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await realpath(child).catch(() => undefined);
        const name = rel(rootReal!, child);
        if (!target || !inside(rootReal!, target)) {
          diagnostics.push(
            target
              ? problem(scanRules, 'scan/link-outside', { file: name }, `"${name}" is a link to a place outside the content root.`, 'Copy the file into the bundle instead of linking to it.')
              : problem(scanRules, 'scan/link-outside', { file: name }, `"${name}" is a link that points at nothing.`, 'Remove the broken link, or point it at a file inside the content root.'),
          );
          continue;
        }
        isDir = (await lstat(target)).isDirectory();
        if (isDir && visited.has(target)) {
          diagnostics.push(problem(scanRules, 'scan/link-loop', { file: name }, `"${name}" links back to a folder that is already part of the content.`, 'Remove the link; every folder is scanned once.'));
          continue;
        }
      }
      if (isDir) await walk(child, bundle);
      else if (bundle) bundle.files.push(rel(bundle.abs, child));
      else loose.push(rel(rootReal!, child));
    }
  }

  await walk(rootReal, undefined);

  for (const file of loose) {
    diagnostics.push(
      problem(scanRules, 'scan/outside-bundle', { file }, `"${file}" is in no bundle, so it is not published.`, 'Move it into a bundle folder (one that holds a feature.md), or delete it.'),
    );
  }
  if (bundles.length === 0) {
    diagnostics.push(
      problem(scanRules, 'scan/no-content', { file: '.' }, 'No bundle found: no folder under the content root holds a feature.md.', 'Create one with a feature.md, or pass --content with the right folder.'),
    );
  }
  for (const bundle of bundles) bundle.files.sort();
  return { bundles, diagnostics };
}

const rel = (from: string, to: string) => path.relative(from, to).split(path.sep).join('/') || '.';
const inside = (root: string, target: string) => target === root || target.startsWith(root + path.sep);
