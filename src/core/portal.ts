/**
 * The whole pipeline, top to bottom: scan → parse → validate → link. The check CLI, the tests and
 * the Astro loader all call `loadPortal`.
 */
import path from 'node:path';
import pLimit from 'p-limit';
import { HANG_BUDGET_MS, parseBundle } from './bundle.ts';
import { warmMermaid } from './mermaid.ts';
import { buildCatalog } from './catalog.ts';
import { readProvenance, recentChanges } from './git.ts';
import { checkSubmodules } from './submodules.ts';
import { applySeverities, loadConfig } from './config.ts';
import { link, type LinkedBundle, type Published } from './link.ts';
import type { LinkMemo } from './link-memo.ts';
import { buildPermalinks } from './permalinks.ts';
import { RULES } from './rules.ts';
import type { Portal } from './model.ts';
import { scan } from './scan.ts';
import { capPerFile } from './too-many.ts';
import type { LiveKeys } from './live-state.ts';
import { codeDigest } from './bundle-key.ts';
import type { ParseCache } from './parse-cache.ts';

export interface LoadOptions {
  /** Where to look for `specport.config.*`; the working directory by default. */
  configDir?: string;
  /** The site's base path, prefixed to the links rendered into story HTML; `/` by default. */
  base?: string;
  /** Parse results of earlier runs (parse-cache.ts); every bundle is parsed when absent. */
  cache?: ParseCache | undefined;
  /** What the previous load of a live preview kept (keys, parses, the scan), so that unchanged bundles cost nothing. */
  keys?: LiveKeys | undefined;
  /** What the previous links of a live preview kept, so that only bundles whose references land elsewhere are linked again. */
  memo?: LinkMemo<LinkedBundle, Published> | undefined;
  /**
   * Only the diagnostics are wanted (`specport check`): every check runs, stories' links included,
   * but stories are not rendered (each feature's `storyHtml` is empty), no git history is read and
   * no API document is published (`documents` is empty).
   */
  checkOnly?: boolean;
}

/** Bundles parsed at the same time: enough to keep the Mermaid worker busy while files are read. */
const BUNDLES_IN_FLIGHT = 8;

/** Loads the bundles under one content root or several; paths in the result are relative to `portal.root`. */
export async function loadPortal(contentRoots: string | readonly string[], options: LoadOptions = {}): Promise<Portal> {
  const roots = [contentRoots].flat().map((r) => path.resolve(r));
  const { config, diagnostics: configDiagnostics } = await loadConfig(path.resolve(options.configDir ?? process.cwd()), RULES);
  const scanned = options.keys?.scan ?? (await scan(roots));
  options.keys?.remember(scanned);
  const root = scanned.base;
  // Git runs in its own processes while this one parses and links.
  const submodulesChecked = Promise.all(roots.map((r) => checkSubmodules(r, root)));
  const hangBudget = { remainingMs: HANG_BUDGET_MS };
  const { cache } = options;
  const code = cache ? await codeDigest() : '';
  // Several bundles at once, so that reading files and parsing YAML here overlap with Mermaid's
  // parser in its worker; results keep the scan's order.
  const limit = pLimit(BUNDLES_IN_FLIGHT);
  // The parse worker pays for its start only when more bundles may need parsing than run at once;
  // a live preview knows the keys of all but the bundles an edit touched.
  const offThread = scanned.bundles.filter((bundle) => !options.keys?.get(bundle.abs)).length > BUNDLES_IN_FLIGHT;
  const parsed = await Promise.all(
    scanned.bundles.map((bundle) =>
      limit(async () => {
        const key = cache ? (options.keys?.get(bundle.abs) ?? (await cache.key(bundle, config.limits, code))) : undefined;
        if (key) options.keys?.set(bundle.abs, key);
        const cached = key ? await cache!.get(key) : undefined;
        if (cached) return cached;
        // Bundles hold diagrams: Mermaid's worker loads while this one's other files are read.
        warmMermaid();
        const fresh = await parseBundle(bundle, { limits: config.limits, hangBudget, offThread });
        if (key) await cache!.set(key, fresh);
        return fresh;
      }),
    ),
  );
  // Git runs in its own process meanwhile.
  const provenanceRead = options.checkOnly ? undefined : readProvenance(root, scanned.bundles);
  const linked = await link(parsed, { weights: config.completeness.weights, base: options.base ?? '/', cache, memo: options.memo, offThread, render: !options.checkOnly });
  await cache?.save();
  const documents = new Map<string, Record<string, unknown>>();
  for (const bundle of options.checkOnly ? [] : parsed) {
    for (const { contract, document } of bundle.contracts) documents.set(`${bundle.slug}/${contract.publicName}`, document);
  }
  const features = linked.features.sort((a, b) => a.meta.title.localeCompare(b.meta.title));
  const { catalog, diagnostics: catalogDiagnostics } = buildCatalog(features);
  const { permalinks, diagnostics: permalinkDiagnostics } = buildPermalinks(features, catalog, options.memo !== undefined);
  const provenance = await provenanceRead;
  // A live preview may hand back the feature object of an earlier run: its provenance is set anew.
  for (const feature of features) {
    const found = provenance?.byDir.get(feature.dir);
    if (found) feature.provenance = found;
    else delete feature.provenance;
  }
  const submoduleDiagnostics = (await submodulesChecked).flat();
  return {
    root,
    features,
    catalog,
    permalinks,
    documents,
    diagnostics: capPerFile([...configDiagnostics, ...applySeverities([...scanned.diagnostics, ...parsed.flatMap((b) => b.diagnostics), ...linked.diagnostics, ...catalogDiagnostics, ...permalinkDiagnostics, ...submoduleDiagnostics], config.rules)]),
    ...(provenance ? { recentChanges: recentChanges(provenance.changes, features, 10) } : {}),
  };
}
