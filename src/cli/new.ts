/**
 * `specport new <slug> [--area AREA] [--key KEY] [--content DIR]`: scaffolds a bundle with all
 * artefacts as commented templates that pass `check` as written, also next to existing content.
 *
 * Exit codes as for `check`: 0 written, 1 refused because of the content (the folder, the slug or
 * the key is taken), 2 bad usage (an invalid slug, area or key). It never overwrites a file and
 * never writes outside the content root.
 */
import { mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { slugProblem } from '../core/feature-md.ts';
import { bundleTemplates, namesFor, sharedNames } from './templates/bundle.ts';

export interface NewOptions {
  /** The content root; created when missing. */
  content: string;
  /** The bundle folder's name, which becomes the feature's URL: lowercase letters, digits, dashes. */
  slug: string;
  /** Grouping folders under the content root, e.g. `payments` or `payments/cards`. */
  area?: string;
  /** The feature key; derived from the slug when omitted (`order-tracking` → `OT`). */
  key?: string;
  /** The feature title; derived from the slug when omitted (`order-tracking` → `Order tracking`). */
  title?: string;
}

export interface NewResult {
  code: number;
  message: string;
  /** The files written, relative to the content root, with `/` separators. */
  files: string[];
}

const KEY_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;
/** Where the editor schemas live: the project root is two levels up from `src/cli/`. */
const SCHEMAS_DIR = path.resolve(import.meta.dirname, '../../schemas');

export async function newBundle(options: NewOptions): Promise<NewResult> {
  const fail = (code: number, message: string): NewResult => ({ code, message, files: [] });
  const { slug } = options;
  const bad = slugProblem(slug, slug);
  if (bad) return fail(2, `Invalid slug "${slug}": ${bad.hint}`);
  const areaParts = (options.area ?? '').split(/[\\/]/).filter(Boolean);
  for (const part of areaParts) {
    const problem = slugProblem(part, part);
    if (problem) return fail(2, `Invalid area "${options.area}": each folder of the area is lowercase letters, digits and dashes. ${problem.hint}`);
  }
  if (options.key !== undefined && !KEY_PATTERN.test(options.key)) {
    return fail(2, `Invalid key "${options.key}": the feature key is 2 to 10 uppercase letters or digits and starts with a letter, e.g. ${deriveKey(slug)}.`);
  }

  const root = path.resolve(options.content);
  await mkdir(root, { recursive: true });
  const target = path.join(root, ...areaParts, slug);
  const relative = path.relative(root, target).split(path.sep).join('/');
  if (!(await inside(root, path.dirname(target)))) return fail(1, `Refused: ${relative} would be written outside the content root ${root}.`);

  const existing = await survey(root);
  const taken = existing.bundles.get(slug);
  if (taken !== undefined) {
    return fail(1, `Refused: ${taken === relative ? `the folder ${relative} already exists` : `the slug "${slug}" is already used by ${taken}`}; slugs are unique across the portal. Choose another slug.`);
  }
  let key = options.key;
  if (key !== undefined && existing.usesKey(key)) return fail(1, `Refused: the key "${key}" is already used in ${root}; choose another with --key.`);
  key ??= deriveKey(slug, existing.usesKey);

  const title = options.title?.trim() || titleOf(slug);
  const bundleDir = path.join(root, ...areaParts, slug);
  const schemaDir = path.relative(bundleDir, SCHEMAS_DIR).split(path.sep).join('/');
  let names = namesFor(slug, key, title, schemaDir);
  if (sharedNames(names).some(existing.usesWord)) names = namesFor(slug, key, title, schemaDir, key);

  try {
    await mkdir(path.dirname(bundleDir), { recursive: true });
    // Not recursive: fails when the folder exists, even if it appeared since the survey.
    await mkdir(bundleDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fail(1, `Refused: ${relative} already exists; a new bundle never overwrites one.`);
    throw error;
  }
  const files: string[] = [];
  for (const file of bundleTemplates(names)) {
    const abs = path.join(bundleDir, file.path);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, file.text, { flag: 'wx' });
    files.push(`${relative}/${file.path}`);
  }
  return {
    code: 0,
    message: `Created ${relative} (feature key ${key}) with ${files.length} files. Replace the placeholders, then run \`specport check\`.`,
    files,
  };
}

/**
 * A feature key from a slug: the initials of its words (`order-tracking` → `OT`), or the first
 * three letters of a single word (`billing` → `BIL`). When `taken` says it is used, the first three
 * letters of each word (`ORDTRA`), then the initials with a number (`OT2`).
 */
export function deriveKey(slug: string, taken: (key: string) => boolean = () => false): string {
  const words = slug.toUpperCase().split('-').filter(Boolean);
  const fix = (key: string) => (/^[A-Z]/.test(key) ? key : `F${key}`).slice(0, 10);
  const initials = fix(words.length > 1 ? words.map((w) => w[0]).join('') : words[0]!.slice(0, 3));
  const short = initials.length >= 2 ? initials : fix(words.join('').slice(0, 3).padEnd(2, 'X'));
  const candidates = [short, fix(words.map((w) => w.slice(0, 3)).join(''))];
  for (let n = 2; n < 100; n++) candidates.push(`${short.slice(0, 8)}${n}`);
  return candidates.find((key) => KEY_PATTERN.test(key) && !taken(key)) ?? short;
}

/** `order-tracking` → `Order tracking`. */
const titleOf = (slug: string) => {
  const text = slug.replace(/-+/g, ' ').trim();
  return text[0]!.toUpperCase() + text.slice(1);
};

/** Whether `dir`, or its nearest existing ancestor, is inside `root` once symbolic links are followed. */
async function inside(root: string, dir: string): Promise<boolean> {
  const realRoot = await realpath(root);
  let probe = dir;
  for (;;) {
    const real = await realpath(probe).catch(() => undefined);
    if (real !== undefined) {
      const rel = path.relative(realRoot, real);
      return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    }
    const parent = path.dirname(probe);
    if (parent === probe) return false;
    probe = parent;
  }
}

const TEXT_FILES = /\.(md|mdx|mmd|ya?ml|json)$/i;

/**
 * What the content root already uses: bundle slugs (with their folders), feature keys and item-ID
 * prefixes, and every word of its text files (operationIds, entities, component IDs). A cheap
 * textual survey, so that `new` stays fast on a large portal; it errs on the side of "taken".
 */
async function survey(root: string) {
  const bundles = new Map<string, string>();
  const words = new Set<string>();
  const keys = new Set<string>();
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    const abs = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, abs).split(path.sep);
    if (rel.some((part) => part.startsWith('.') || part === 'node_modules')) continue;
    if (entry.isDirectory()) continue;
    if (entry.name === 'feature.md' && rel.length >= 2) bundles.set(rel.at(-2)!, rel.slice(0, -1).join('/'));
    if (!entry.isFile() || !TEXT_FILES.test(entry.name)) continue;
    const text = await readFile(abs, 'utf8').catch(() => '');
    for (const word of text.match(/[A-Za-z0-9_]+/g) ?? []) words.add(word);
    for (const match of text.matchAll(/^id:\s*['"]?([A-Z][A-Z0-9]*)/gm)) keys.add(match[1]!);
    for (const match of text.matchAll(/\b([A-Z][A-Z0-9]*)-(?:[A-Z0-9]+-)*\d+\b/g)) keys.add(match[1]!);
  }
  return {
    bundles,
    usesKey: (key: string) => keys.has(key),
    usesWord: (word: string) => words.has(word),
  };
}
