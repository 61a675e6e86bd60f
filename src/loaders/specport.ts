/**
 * The Astro edge of the pipeline: content loaders that turn the linked model into collections.
 * `features` holds one entry per bundle; `contracts` holds each published API document.
 * Both share one run of the core per content change.
 * Contract: https://docs.astro.build/en/reference/content-loader-reference/
 */
import type { Loader, LoaderContext } from 'astro/loaders';
import path from 'node:path';
import { formatPretty } from '../cli/format.ts';
import { hasErrors, type Diagnostic } from '../core/diagnostics.ts';
import type { Portal } from '../core/model.ts';
import { loadPortal } from '../core/portal.ts';

export interface SpecportLoaderOptions {
  /** The content root; relative paths resolve against the project root. */
  content: string;
  /** Build even when the content has errors (for previews); pages show the problems. */
  allowErrors?: boolean;
}

let pending: { root: string; portal: Promise<Portal> } | undefined;

/** One core run per content state, shared by both collections. */
function portalFor(root: string): Promise<Portal> {
  if (!pending || pending.root !== root) pending = { root, portal: loadPortal(root) };
  return pending.portal;
}

function watch(context: LoaderContext, root: string, reload: () => Promise<void>) {
  if (!context.watcher) return;
  context.watcher.add(root);
  const onChange = async (changed: string) => {
    if (!path.resolve(changed).startsWith(root + path.sep)) return;
    pending = undefined;
    await reload();
  };
  context.watcher.on('change', onChange);
  context.watcher.on('add', onChange);
  context.watcher.on('unlink', onChange);
}

/** Diagnostics of one bundle, for the banner on its page. */
const diagnosticsOf = (portal: Portal, dir: string): Diagnostic[] =>
  portal.diagnostics.filter((d) => dir === '.' || d.file === dir || d.file.startsWith(`${dir}/`));

export function featuresLoader(options: SpecportLoaderOptions): Loader {
  return {
    name: 'specport-features',
    async load(context) {
      const root = path.resolve(options.content);
      const sync = async () => {
        const portal = await portalFor(root);
        if (hasErrors(portal.diagnostics) && !options.allowErrors && !context.watcher) {
          // `specport build` checks before Astro runs; this guards a direct `astro build`.
          throw new Error(`The spec bundles have errors:\n${formatPretty(portal.diagnostics, portal.features.length, false)}`);
        }
        for (const d of portal.diagnostics) {
          const line = `${d.file}:${d.line}:${d.column} ${d.message} (${d.rule})`;
          if (d.severity === 'error') context.logger.error(line);
          else context.logger.warn(line);
        }
        const seen = new Set<string>();
        for (const feature of portal.features) {
          const data = { ...feature, diagnostics: diagnosticsOf(portal, feature.dir) };
          const digest = context.generateDigest(JSON.stringify(data));
          seen.add(feature.slug);
          if (context.store.get(feature.slug)?.digest === digest) continue;
          context.store.set({ id: feature.slug, data: data as unknown as Record<string, unknown>, digest, filePath: path.relative(process.cwd(), path.join(root, feature.dir, 'feature.md')) });
        }
        for (const id of context.store.keys()) if (!seen.has(id)) context.store.delete(id);
      };
      await sync();
      watch(context, root, sync);
    },
  };
}

export function contractsLoader(options: SpecportLoaderOptions): Loader {
  return {
    name: 'specport-contracts',
    async load(context) {
      const root = path.resolve(options.content);
      const sync = async () => {
        const portal = await portalFor(root);
        const seen = new Set<string>();
        for (const [id, document] of portal.documents) {
          const json = JSON.stringify(document);
          const digest = context.generateDigest(json);
          seen.add(id);
          if (context.store.get(id)?.digest === digest) continue;
          context.store.set({ id, data: { json }, digest });
        }
        for (const id of context.store.keys()) if (!seen.has(id)) context.store.delete(id);
      };
      await sync();
      watch(context, root, sync);
    },
  };
}
