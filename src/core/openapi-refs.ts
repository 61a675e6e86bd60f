/**
 * Finds every `$ref` of a contract, enforces the reference policy, and bundles the files the
 * contract references into one document.
 *
 * Policy (security-critical): a contract may reference `#/…` locations and files inside its own
 * bundle, nothing else. Every `$ref` is checked *before* anything is read: URLs of any scheme,
 * absolute paths and `../` escapes are refused on their text alone, and a relative path is read
 * only when its real path (symlinks resolved) is inside the real bundle folder. Nothing here or
 * downstream fetches: the validator gets a self-contained document.
 *
 * Bundling: each referenced file is embedded once under `x-ext/<key>` (the layout Scalar's own
 * bundler uses) and every reference to it becomes an internal pointer. Internal references stay
 * as written, so recursive schemas stay recursive instead of being expanded.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { problem, pushAll, type Diagnostic } from './diagnostics.ts';
import { isRecord, MAX_HOPS, nestedBeyond, pointerSegments, resolvePointer } from './json-pointer.ts';
import type { Segment } from './json-position.ts';
import { openapiRules } from './openapi-rules.ts';
import { parseSource, type SourceFile } from './openapi-source.ts';
import { readText, SIZE_LIMITS } from './read.ts';

/** Where bundled files are embedded, as Scalar's bundler does. */
export const EXTERNAL_KEY = 'x-ext';
/** What a refused or unresolved `$ref` becomes in the published document: inert, and still visible. */
export const UNRESOLVED_KEY = 'x-unresolved-ref';

/** One `$ref` as written, and what became of it. */
export interface RefSite {
  source: SourceFile;
  /** Path of the object holding the `$ref`, inside its own file. */
  path: Segment[];
  /** Path of the same object in the bundled document. */
  documentPath: Segment[];
  node: Record<string, unknown>;
  /** The reference as written. */
  written: string;
  /** `ok`: rewritten to an internal pointer that resolves; `broken`: target file unparseable (reported there). */
  status: 'ok' | 'refused' | 'unresolved' | 'broken';
}

export interface Bundle {
  /** The contract with referenced files embedded; `undefined` when a file is cyclic (YAML aliases). */
  document?: Record<string, unknown>;
  diagnostics: Diagnostic[];
  /** Referenced files, relative to the bundle folder (the contract itself excluded). */
  files: string[];
  sites: RefSite[];
  /** Where a path of the bundled document is written: which file, and the path inside it. */
  origin(path: readonly Segment[]): { source: SourceFile; path: Segment[] };
}

export interface BundleContext {
  /** Absolute bundle folder, as given. */
  bundleDir: string;
  /** The same folder with symlinks resolved: what real paths must stay inside. */
  realBundle: string;
  /** A bundle-relative path (`schemas/order.yaml`) as a content-root-relative one, for diagnostics. */
  fileOf(relative: string): string;
  /** Size limit of each referenced file; the contract limit of read.ts by default. */
  maxBytes?: number;
}

interface Loaded {
  source?: SourceFile;
  /** The path the file was reached by; relative references resolve against it. */
  lexical: string;
  /** Where the file sits in the bundled document: `[]` for the contract, `['x-ext', <key>]` for others. */
  base: string[];
}

type Target = { status: 'refused' | 'unresolved'; message: string; hint: string } | { status: 'file'; real: string; lexical: string };

/** Objects nested in each other in one file; real contracts stay below a few dozen. */
export const MAX_DEPTH = 256;

const REFUSED_HINT = 'Copy what you need into a file inside the bundle and reference it with a relative path, e.g. `$ref: ./schemas/order.yaml#/Order`.';

/**
 * Checks and bundles the references of `entry`. Never throws on user input; never reads a file
 * outside the bundle, never fetches.
 */
export async function bundleRefs(entry: SourceFile, entryLexical: string, ctx: BundleContext): Promise<Bundle> {
  const diagnostics: Diagnostic[] = [];
  const sites: RefSite[] = [];
  const realBundle = ctx.realBundle;
  const byReal = new Map<string, Loaded>([[entry.abs, { source: entry, lexical: entryLexical, base: [] }]]);
  const byKey = new Map<string, SourceFile>();
  const external: Record<string, unknown> = {};
  const existing = isRecord(entry.value) && isRecord(entry.value[EXTERNAL_KEY]) ? entry.value[EXTERNAL_KEY] : {};
  const targets = new Map<string, Promise<Target>>();
  const report = (site: RefSite, rule: 'openapi/ref-outside' | 'openapi/ref-unresolved', message: string, hint: string) =>
    diagnostics.push(problem(openapiRules, rule, { file: site.source.file, ...site.source.locate([...site.path, '$ref']) }, message, hint));

  const queue: Loaded[] = [byReal.get(entry.abs)!];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const source = current.source;
    if (!source) continue;
    const found = findRefs(source.value);
    if (found.cycle) {
      diagnostics.push(
        problem(openapiRules, 'openapi/syntax', { file: source.file, ...source.locate(found.cycle) },
          'A YAML alias here refers to a node that contains it, so the document would be infinitely deep.',
          'Write the value out, or use a `$ref` to its definition: references may be recursive, aliases may not.'),
      );
      return { diagnostics, files: [], sites, origin: () => ({ source: entry, path: [] }) };
    }
    // Validation, bundling and publishing (JSON.stringify) recurse once per level.
    const deep = nestedBeyond(source.value, MAX_DEPTH);
    if (deep) {
      diagnostics.push(
        problem(openapiRules, 'openapi/syntax', { file: source.file, ...source.locate(deep) },
          `The document is nested more than ${MAX_DEPTH} levels deep here, far deeper than an API needs and too deep to check and publish safely.`,
          'Move deeply nested schemas to `components/schemas` and reference them with `$ref`.'),
      );
      return { diagnostics, files: [], sites, origin: () => ({ source: entry, path: [] }) };
    }
    for (const { node, path: at } of found.sites) {
      const written = node['$ref'] as string;
      const site: RefSite = { source, path: at, documentPath: [...current.base, ...at], node, written, status: 'ok' };
      sites.push(site);
      const hash = written.indexOf('#');
      const uri = hash === -1 ? written : written.slice(0, hash);
      const fragment = hash === -1 ? '' : written.slice(hash);
      if (fragment !== '' && !pointerSegments(fragment)) {
        site.status = 'unresolved';
        report(site, 'openapi/ref-unresolved', `$ref "${written}" has a fragment that is not a JSON pointer.`, 'Point at a location with a JSON pointer starting with `#/`, e.g. `#/components/schemas/Order`.');
        continue;
      }
      if (uri === '') {
        if (fragment === '') {
          site.status = 'unresolved';
          report(site, 'openapi/ref-unresolved', '$ref is empty.', 'Write what it points at, e.g. `#/components/schemas/Order` or `./schemas/order.yaml`.');
        } else {
          node['$ref'] = `#${pointerPrefix(current.base)}${fragment.slice(1)}`;
        }
        continue;
      }
      const from = path.dirname(current.lexical);
      const key = `${from}\0${uri}`;
      if (!targets.has(key)) targets.set(key, locateTarget(uri, from, ctx.bundleDir, realBundle));
      const target = await targets.get(key)!;
      if (target.status !== 'file') {
        site.status = target.status;
        report(site, target.status === 'refused' ? 'openapi/ref-outside' : 'openapi/ref-unresolved', `$ref "${written}" ${target.message}`, target.hint);
        continue;
      }
      let loaded = byReal.get(target.real);
      if (!loaded) {
        loaded = await loadFile(target, realBundle, ctx, diagnostics, existing, byKey);
        byReal.set(target.real, loaded);
        if (loaded.source) {
          external[loaded.base[1]!] = loaded.source.value;
          queue.push(loaded);
        }
      }
      if (!loaded.source) {
        site.status = 'broken';
        continue;
      }
      node['$ref'] = `#${pointerPrefix(loaded.base)}${fragment.slice(1)}`;
    }
  }

  const document: Record<string, unknown> = isRecord(entry.value) ? entry.value : {};
  // Into the author's own `x-ext` object, not a copy: a `$ref` written on it is a site found above,
  // and neutraliseRefs() must reach that very object to take a refused reference out.
  if (Object.keys(external).length > 0) document[EXTERNAL_KEY] = Object.assign(existing, external);

  // Every kept reference is now internal: check that each one lands somewhere.
  const checked = new Map<string, ReturnType<typeof resolvePointer>>();
  const endless: RefSite[] = [];
  for (const site of sites.filter((s) => s.status === 'ok')) {
    const ref = site.node['$ref'] as string;
    if (!checked.has(ref)) checked.set(ref, resolvePointer(document, ref));
    const resolution = checked.get(ref)!;
    if (resolution.ok) continue;
    site.status = 'unresolved';
    if (resolution.reason === 'missing') {
      const shown = resolution.keys.slice(0, 8).join(', ');
      report(site, 'openapi/ref-unresolved',
        `$ref "${site.written}" points at "${resolution.missing}", which ${describeParent(resolution.at)} does not have.`,
        resolution.keys.length > 0 ? `Point at an existing entry; ${describeParent(resolution.at)} has: ${shown}${resolution.keys.length > 8 ? ', …' : ''}.` : 'Add the definition it points at, or fix the pointer.');
    } else if (resolution.reason === 'loop') {
      endless.push(site);
      report(site, 'openapi/ref-unresolved', `$ref "${site.written}" leads back to itself through other references and never reaches a definition.`, 'Point the reference at the definition itself, not at another reference to it.');
    } else if (resolution.reason === 'too-long') {
      endless.push(site);
      report(site, 'openapi/ref-unresolved', `$ref "${site.written}" starts a chain of more than ${MAX_HOPS} references to references.`, 'Point the reference at the definition itself, not at another reference to it.');
    } else {
      report(site, 'openapi/ref-unresolved', `$ref "${site.written}" is not a valid JSON pointer.`, 'Write the pointer as `#/` followed by keys separated by `/`, with `~1` for a `/` inside a key.');
    }
  }

  // Cut now, not after validation like the other broken references: the validator follows every
  // chain to its end, once per reference, and took over a minute on 10,000 references in a row.
  neutraliseRefs(endless);

  const files = [...byReal.entries()].filter(([real]) => real !== entry.abs).map(([real]) => toPosix(path.relative(realBundle, real)));
  return {
    document,
    diagnostics,
    files,
    sites,
    origin: (at) => {
      const source = at[0] === EXTERNAL_KEY ? byKey.get(String(at[1])) : undefined;
      return source ? { source, path: at.slice(2) } : { source: entry, path: [...at] };
    },
  };
}

/**
 * Replaces refused and unresolved references with an inert extension, so the published document
 * carries no reference a renderer could try to follow (a browser fetching an `https:` URL, say).
 */
export function neutraliseRefs(sites: readonly RefSite[]): void {
  for (const site of sites) {
    if (site.status === 'ok') continue;
    delete site.node['$ref'];
    site.node[UNRESOLVED_KEY] = site.written;
  }
}

/**
 * Decides, from the text of a reference alone where possible, whether it may be read.
 * The only filesystem calls are `realpath` and `stat` on paths inside the bundle folder.
 */
async function locateTarget(uri: string, from: string, bundleDir: string, realBundle: string): Promise<Target> {
  const refused = (message: string): Target => ({ status: 'refused', message, hint: REFUSED_HINT });
  // A scheme (`https:`, `file:`, `urn:`, a Windows drive `C:`) or a network path (`//host/…`).
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(uri)?.[1];
  if (scheme) return refused(`is a ${scheme.length === 1 ? 'Windows drive path' : `"${scheme}:" URL`}; references to anything outside the bundle are never read or fetched.`);
  if (uri.startsWith('//')) return refused('is a network URL; references to anything outside the bundle are never read or fetched.');
  let decoded: string;
  try {
    decoded = decodeURIComponent(uri);
  } catch {
    return { status: 'unresolved', message: 'has invalid percent-encoding.', hint: 'Write the file path as it is, or encode a literal "%" as "%25".' };
  }
  if (decoded.includes('\0')) return refused('contains a NUL character.');
  if (path.isAbsolute(decoded) || decoded.startsWith('/') || decoded.startsWith('\\')) {
    return refused('is an absolute path; a contract may only reference files inside its bundle.');
  }
  const lexical = path.resolve(from, decoded);
  if (!isInside(lexical, bundleDir)) return refused('leads outside the bundle folder.');
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    return {
      status: 'unresolved',
      message: `points at "${decoded}", which does not exist in the bundle.`,
      hint: 'Check the file name and the path, which is relative to the file holding the reference, or add the file.',
    };
  }
  if (!isInside(real, realBundle)) return refused('is a link to a file outside the bundle folder.');
  try {
    if (!(await stat(real)).isFile()) throw new Error('not a file');
  } catch {
    return { status: 'unresolved', message: `points at "${decoded}", which is not a file.`, hint: 'Reference a JSON or YAML file, not a folder.' };
  }
  return { status: 'file', real, lexical };
}

async function loadFile(
  target: { real: string; lexical: string },
  realBundle: string,
  ctx: BundleContext,
  diagnostics: Diagnostic[],
  existing: Record<string, unknown>,
  byKey: Map<string, SourceFile>,
): Promise<Loaded> {
  const relative = toPosix(path.relative(realBundle, target.real));
  const file = ctx.fileOf(relative);
  // `target.real` was checked to be inside the real bundle folder just before.
  const read = await readText(target.real, file, ctx.maxBytes ?? SIZE_LIMITS.contract);
  pushAll(diagnostics, read.diagnostics);
  if (read.text === undefined) return { lexical: target.lexical, base: [] };
  const text = read.text;
  const parsed = parseSource(text, target.real, file);
  pushAll(diagnostics, parsed.diagnostics);
  if (!parsed.source) return { lexical: target.lexical, base: [] };
  // A readable key: `schemas/order.yaml` → `schemas-order.yaml`, made unique if needed.
  const base = relative.replace(/[^\w.-]+/g, '-');
  let key = base;
  for (let n = 2; byKey.has(key) || key in existing; n++) key = `${base}-${n}`;
  byKey.set(key, parsed.source);
  return { source: parsed.source, lexical: target.lexical, base: [EXTERNAL_KEY, key] };
}

/**
 * Every object holding a string `$ref`, anywhere: in examples and extensions too, because
 * renderers and bundlers follow those as well. Iterative, so deep documents cannot overflow the
 * stack; stops at the first cycle, which only YAML aliases can create.
 */
function findRefs(root: unknown): { sites: Array<{ node: Record<string, unknown>; path: Segment[] }>; cycle?: Segment[] } {
  interface Frame { node: object; key: Segment | undefined; parent: Frame | undefined; exit?: true }
  const pathOf = (frame: Frame) => {
    const out: Segment[] = [];
    for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) out.push(f.key);
    return out.reverse();
  };
  const sites: Array<{ node: Record<string, unknown>; path: Segment[] }> = [];
  if (typeof root !== 'object' || root === null) return { sites };
  const active = new WeakSet<object>();
  const done = new WeakSet<object>();
  const stack: Frame[] = [{ node: root, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.exit) {
      active.delete(frame.node);
      done.add(frame.node);
      continue;
    }
    if (active.has(frame.node)) return { sites, cycle: pathOf(frame) };
    if (done.has(frame.node)) continue;
    active.add(frame.node);
    stack.push({ ...frame, exit: true });
    const isArray = Array.isArray(frame.node);
    if (!isArray && typeof (frame.node as Record<string, unknown>)['$ref'] === 'string') {
      sites.push({ node: frame.node as Record<string, unknown>, path: pathOf(frame) });
    }
    // Pushed last to first, so they are visited, and reported, in reading order.
    const entries = Object.entries(frame.node);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, value] = entries[index]!;
      if (typeof value === 'object' && value !== null) stack.push({ node: value, key: isArray ? Number(key) : key, parent: frame });
    }
  }
  return { sites };
}

/** Whether `child` is strictly inside the folder `parent` (both absolute, compared as written). */
export const isInside = (child: string, parent: string): boolean => {
  const relative = path.relative(parent, child);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
};

/** `['x-ext', 'schemas-order.yaml']` → `/x-ext/schemas-order.yaml`; keys are made of pointer-safe characters. */
const pointerPrefix = (base: readonly string[]) => base.map((segment) => `/${segment}`).join('');

const toPosix = (p: string) => p.split(path.sep).join('/');

const describeParent = (at: readonly string[]) => (at.length === 0 ? 'the document' : `"${at.join('.')}"`);
