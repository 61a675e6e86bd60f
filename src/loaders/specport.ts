/**
 * The Astro edge of the pipeline: content loaders that run the core when Astro syncs its content
 * and publish the linked model to the pages (live-portal.ts). All share one run of the core per
 * content change.
 *
 * The collections hold only stubs (`features`: the ID and file of each bundle). Astro's store
 * would serialise the whole model into the server bundle of a build, and reload all of it on
 * every edit in the dev server. A change there reruns the core over what the last run kept (the
 * scan, each bundle's key and parse), so an edit costs about one bundle plus linking.
 * Contract: https://docs.astro.build/en/reference/content-loader-reference/
 */
import type { Loader, LoaderContext } from 'astro/loaders';
import path from 'node:path';
import { formatPretty } from '../cli/format.ts';
import { parseBundle } from '../core/bundle.ts';
import { diagnosticsByDir, hasErrors } from '../core/diagnostics.ts';
import { startDrawings } from '../core/drawings.ts';
import { LiveState, type ChangeKind } from '../core/live-state.ts';
import { warmMermaid } from '../core/mermaid.ts';
import type { Portal } from '../core/model.ts';
import { openParseCache, parseCacheDir, type ParseCache } from '../core/parse-cache.ts';
import { loadPortal } from '../core/portal.ts';
import { publishLivePortal } from '../lib/live-portal.ts';

export interface SpecportLoaderOptions {
  /** The content roots; relative paths resolve against the project root. */
  content: readonly string[];
  /** The site's base path, for the links in story HTML (`/` by default). */
  base?: string;
  /** Where `specport.config.*` is (rule severities, rubric weights); the working directory by default. */
  configDir?: string;
  /** Build even when the content has errors (for previews); pages show the problems. */
  allowErrors?: boolean;
}

/** Changes reported within this many milliseconds of each other (an editor's write and rename) make one reload. */
const SETTLE_MS = 30;

/** The content's version: every batch of changes makes a new one. */
let version = 0;
let pending: { key: string; version: number; portal: Promise<Portal> } | undefined;
/** The parse cache, opened once and kept across reloads: an edit in the dev server parses only its bundle. */
let caches: { key: string; cache: Promise<ParseCache | undefined> } | undefined;
/** What the dev server's last run of the core kept for the next. */
let live: { key: string; state: LiveState } | undefined;
/** Each loader's sync, run once per batch of changes; by loader name, so a loader started again replaces its own. */
const syncs = new Map<string, () => Promise<void>>();
const watchers = new WeakSet<object>();
let settling: NodeJS.Timeout | undefined;

/** One core run per content version, shared by all collections, and published (live-portal.ts). */
function portalFor(roots: readonly string[], options: { base: string; configDir: string }, dev: boolean): Promise<Portal> {
  const key = [...roots, options.base, options.configDir].join('\0');
  if (!pending || pending.key !== key || pending.version !== version) {
    if (dev && live?.key !== key) live = { key, state: new LiveState() };
    const state = dev ? live!.state : undefined;
    const portal = cacheFor(roots).then((cache) => loadPortal(roots, { ...options, ...(state ? state.forLoad(cache) : { cache }) }));
    const published = portal.then((p) => {
      publishLivePortal(p, dev ? undefined : () => startDrawings(p));
      // A preview started from the parse cache has not loaded Mermaid's parser, which takes a
      // second or more: load it now rather than on the first edit.
      if (dev) {
        warmMermaid();
        warmEditPath(roots, options, live!.state);
      } else collectGarbage();
      return p;
    });
    pending = { key, version, portal: published };
  }
  return pending.portal;
}

/** Whether the dev server has warmed the path an edit takes (once per process). */
let warmed = false;

/**
 * In the dev server, once the first model is out: one bundle parsed again and the portal linked
 * again with nothing changed, both thrown away, so that the first edit runs compiled code instead
 * of compiling the parsing and linking code (and the OpenAPI validator's schemas) as it goes; at
 * 1,000 features the first edit took about 0.3 s longer than the next. A moment later, so that the
 * first page renders first; not once an edit has come, which warms the path itself.
 */
function warmEditPath(roots: readonly string[], options: { base: string; configDir: string }, state: LiveState): void {
  if (warmed) return;
  warmed = true;
  const seen = state.changes;
  const unchanged = () => state.changes === seen;
  setTimeout(() => {
    const bundle = state.forLoad(undefined).keys.scan?.bundles[0];
    if (!bundle || !unchanged()) return;
    parseBundle(bundle)
      .then(async () => {
        if (unchanged()) await loadPortal(roots, { ...options, ...state.forLoad(await cacheFor(roots)) });
      })
      .catch(() => {
        // Only a warm-up: the edit will report whatever is wrong.
      });
  }, WARM_AFTER_MS).unref();
}

/** How long after the first model the edit path is warmed. */
const WARM_AFTER_MS = 1000;

/**
 * In a build, once the model is loaded: what loading it left behind (the parse cache's entries as
 * read, the check's model) is collected before Astro bundles the scripts, the build's peak of
 * memory. `specport build` starts Astro with `--expose-gc`; without it, V8 collects when it will.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** `specport build` has already parsed every bundle for its check and left the results in this cache. */
function cacheFor(roots: readonly string[]): Promise<ParseCache | undefined> {
  const dir = parseCacheDir(process.cwd());
  const key = `${dir}\0${roots.join('\0')}`;
  if (!caches || caches.key !== key) caches = { key, cache: dir ? openParseCache(dir, roots) : Promise.resolve(undefined) };
  return caches.cache;
}

/**
 * In the dev server: one subscription to the watcher for all loaders. A change under a content
 * root forgets its bundle's key; once changes settle, the content gets a new version and every
 * loader syncs against the one core run of that version.
 */
function watch(context: LoaderContext, name: string, roots: readonly string[], sync: () => Promise<void>) {
  if (!context.watcher) return;
  syncs.set(name, sync);
  if (watchers.has(context.watcher)) return;
  watchers.add(context.watcher);
  context.watcher.add([...roots]);
  const onChange = (kind: ChangeKind) => (changed: string) => {
    if (!roots.some((root) => path.resolve(changed).startsWith(root + path.sep))) return;
    live?.state.changed(changed, kind);
    clearTimeout(settling);
    settling = setTimeout(() => {
      version++;
      for (const [loader, run] of syncs) run().catch((error: unknown) => context.logger.error(`${loader}: ${(error as Error).message}`));
    }, SETTLE_MS);
  };
  context.watcher.on('change', onChange('change'));
  for (const event of ['add', 'addDir', 'unlink', 'unlinkDir'] as const) context.watcher.on(event, onChange(event.startsWith('add') ? 'add' : 'unlink'));
}

interface Entry {
  id: string;
  data: Record<string, unknown>;
  filePath?: string;
}

/**
 * A loader over the shared model: stores the entries `select` picks, skips unchanged ones by
 * digest, deletes the ones not seen on this run, and reloads when a content file changes.
 */
function modelLoader(name: string, options: SpecportLoaderOptions, select: (portal: Portal, context: LoaderContext) => Iterable<Entry>): Loader {
  return {
    name,
    async load(context) {
      const roots = options.content.map((root) => path.resolve(root));
      const dev = Boolean(context.watcher);
      const sync = async () => {
        const portal = await portalFor(roots, { base: options.base ?? '/', configDir: options.configDir ?? process.cwd() }, dev);
        const seen = new Set<string>();
        for (const { id, data, filePath } of select(portal, context)) {
          const digest = context.generateDigest(JSON.stringify(data));
          seen.add(id);
          if (context.store.get(id)?.digest === digest) continue;
          context.store.set({ id, data, digest, ...(filePath ? { filePath } : {}) });
        }
        for (const id of context.store.keys()) if (!seen.has(id)) context.store.delete(id);
      };
      await sync();
      watch(context, name, roots, sync);
    },
  };
}

/** One stub per feature: its ID and `feature.md`. Stops a build whose content has errors. */
export const featuresLoader = (options: SpecportLoaderOptions): Loader =>
  modelLoader('specport-features', options, (portal, context) => {
    if (hasErrors(portal.diagnostics) && !options.allowErrors && !context.watcher) {
      // `specport build` checks before Astro runs; this guards a direct `astro build`.
      throw new Error(`The spec bundles have errors:\n${formatPretty(portal.diagnostics, portal.features.length, { contentRoot: portal.root, color: false })}`);
    }
    for (const d of portal.diagnostics) {
      const line = `${d.file}:${d.line}:${d.column} ${d.message} (${d.rule})`;
      if (d.severity === 'error') context.logger.error(line);
      else context.logger.warn(line);
    }
    return portal.features.map((feature) => ({
      id: feature.slug,
      data: {},
      filePath: path.relative(process.cwd(), path.join(portal.root, feature.dir, 'feature.md')),
    }));
  });

/**
 * One entry, `portal`: the diagnostics that belong to no bundle (the config, loose files, a
 * missing submodule), for the home page's banner in preview builds.
 */
export const portalLoader = (options: SpecportLoaderOptions): Loader =>
  modelLoader('specport-portal', options, (portal) => {
    const inBundles = new Set([...diagnosticsByDir(portal.diagnostics, portal.features.map((f) => f.dir)).values()].flat());
    return [{ id: 'portal', data: { diagnostics: portal.diagnostics.filter((d) => !inBundles.has(d)) } }];
  });

