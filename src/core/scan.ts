/**
 * Scan: find every bundle (a folder holding `feature.md`) under one or more content roots, at any
 * depth, and list every file each one holds. Files outside any bundle and links that leave the
 * roots are reported rather than silently skipped. Paths are relative to the roots' common folder,
 * which is the root itself when there is one.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILES } from './config.ts';
import { problem, type Diagnostic, type RuleInfo } from './diagnostics.ts';

export const scanRules = {
  'scan/no-content': { severity: 'error', description: 'The content root does not exist or holds no bundle.' },
  'scan/outside-bundle': { severity: 'warning', description: 'A file that belongs to no bundle is not published.' },
  'scan/link-outside': { severity: 'error', description: 'A symbolic link points outside the content root, or at nothing; it is not followed.' },
  'scan/link-loop': { severity: 'warning', description: 'A symbolic link points back at a folder already scanned; it is not followed again.' },
  'scan/unreadable': { severity: 'error', description: 'A folder could not be read, or is nested too deeply below the content root to be scanned.' },
} as const satisfies Record<string, RuleInfo>;

export interface ScannedBundle {
  /** Absolute path of the bundle folder. */
  abs: string;
  /** Folder relative to the content root (the roots' common folder), `/`-separated (`commerce/checkout`). */
  dir: string;
  /** Files of the bundle relative to the bundle folder, `/`-separated, sorted. */
  files: string[];
  /** Links in the bundle that lead outside the content roots or nowhere: reported here, never read. */
  refused?: string[];
}

/**
 * How many folders deep below a content root the scan goes. Areas, bundles and their sequences
 * need a handful; thousands would only exhaust path lengths and time.
 */
const MAX_DEPTH = 32;

/** Folders never scanned: version control, dependencies, editor state. */
const SKIPPED = new Set(['.git', 'node_modules', '.astro', '.specport']);

export interface Scan {
  /** The folder every path is relative to: the content root, or the common folder of several. */
  base: string;
  bundles: ScannedBundle[];
  diagnostics: Diagnostic[];
}

export async function scan(rootOrRoots: string | readonly string[]): Promise<Scan> {
  const diagnostics: Diagnostic[] = [];
  const reals: string[] = [];
  for (const root of [rootOrRoots].flat()) {
    const real = await realpath(root).catch(() => undefined);
    if (real && (await stat(real)).isDirectory()) reals.push(real);
    else {
      diagnostics.push(
        problem(scanRules, 'scan/no-content', { file: '.' }, `The content root "${root}" does not exist or is not a folder.`, 'Pass --content with the folder that holds your bundles.'),
      );
    }
  }
  // A root inside another is scanned as part of it.
  const roots = [...new Set(reals)].filter((r, _, all) => !all.some((other) => other !== r && inside(other, r)));
  const base = commonFolder(roots) ?? path.resolve([rootOrRoots].flat()[0] ?? '.');
  if (roots.length === 0) return { base, bundles: [], diagnostics };

  const bundles: ScannedBundle[] = [];
  const loose: string[] = [];
  const visited = new Set<string>();

  /** Walks one folder, `depth` levels below its root; `owner` is the bundle the folder belongs to, if any. */
  async function walk(abs: string, owner: ScannedBundle | undefined, depth: number): Promise<void> {
    const folder = rel(base, abs);
    if (depth > MAX_DEPTH) {
      diagnostics.push(
        problem(scanRules, 'scan/unreadable', { file: folder }, `This folder is more than ${MAX_DEPTH} folders below the content root, so it is not scanned.`,
          'Move its bundles up: areas and bundles need only a few levels of folders.'),
      );
      return;
    }
    let entries;
    try {
      // Synchronous: a portal has thousands of small folders, and each call through the thread pool
      // costs more than the call itself.
      visited.add(realpathSync.native(abs));
      entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      diagnostics.push(problem(scanRules, 'scan/unreadable', { file: folder }, `This folder could not be read${code ? ` (${code})` : ''}.`, 'Check that the folder exists and is readable.'));
      return;
    }
    let bundle = owner;
    if (entries.some((e) => e.name === 'feature.md' && (e.isFile() || e.isSymbolicLink()))) {
      bundle = { abs, dir: rel(base, abs), files: [], refused: [] };
      bundles.push(bundle);
    }
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      // A content root may also be where the portal's configuration lives; that file is no stray.
      if (roots.includes(abs) && (CONFIG_FILES as readonly string[]).includes(entry.name) && entry.isFile()) continue;
      const child = path.join(abs, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        const target = await realpath(child).catch(() => undefined);
        const name = rel(base, child);
        if (!target || !roots.some((root) => inside(root, target))) {
          diagnostics.push(
            target
              ? problem(scanRules, 'scan/link-outside', { file: name }, `"${name}" is a link to a place outside the content root.`, 'Copy the file into the bundle instead of linking to it.')
              : problem(scanRules, 'scan/link-outside', { file: name }, `"${name}" is a link that points at nothing.`, 'Remove the broken link, or point it at a file inside the content root.'),
          );
          bundle?.refused?.push(rel(bundle.abs, child));
          continue;
        }
        isDir = await lstat(target).then((info) => info.isDirectory(), () => false);
        if (isDir && visited.has(target)) {
          diagnostics.push(problem(scanRules, 'scan/link-loop', { file: name }, `"${name}" links back to a folder that is already part of the content.`, 'Remove the link; every folder is scanned once.'));
          continue;
        }
      }
      if (isDir) await walk(child, bundle, depth + 1);
      else if (bundle) bundle.files.push(rel(bundle.abs, child));
      else loose.push(rel(base, child));
    }
  }

  for (const root of roots) await walk(root, undefined, 0);

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
  return { base, bundles, diagnostics };
}

/** The deepest folder holding every one of `folders` (absolute paths). */
function commonFolder(folders: readonly string[]): string | undefined {
  if (folders.length === 0) return undefined;
  let common = folders[0]!;
  // Ends at the file system root at the latest, which holds everything.
  while (!folders.every((f) => inside(common, f)) && path.dirname(common) !== common) common = path.dirname(common);
  return common;
}

const rel = (from: string, to: string) => path.relative(from, to).split(path.sep).join('/') || '.';
const inside = (root: string, target: string) => {
  const relative = path.relative(root, target);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
};
