/**
 * `specport check`, `specport build` and `specport new`. Exit codes: 0 clean (warnings allowed), 1 errors in the
 * content or a failed build, 2 bad usage. User errors never print a stack trace.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hasErrors } from '../core/diagnostics.ts';
import { closeMermaid } from '../core/mermaid.ts';
import { openParseCache, parseCacheDir } from '../core/parse-cache.ts';
import { loadPortal } from '../core/portal.ts';
import { contentRoots, loadConfig } from '../core/config.ts';
import { indexedLater } from '../lib/search-index.ts';
import { buildPortal, buildSite, PROJECT_ROOT } from './build.ts';
import { colorFor, formatGithub, formatJson, formatPretty, repositoryRoot, summary } from './format.ts';
import { newBundle } from './new.ts';
import { sync } from './sync.ts';

const USAGE = `Usage:
  specport check [--content DIR]... [--format pretty|json|github] [--no-cache]
  specport build [--content DIR]... [--out DIR] [--allow-errors] [--no-cache]
  specport new <slug> [--area AREA] [--key KEY] [--content DIR]
  specport sync [--content DIR]... bring git submodules under DIR to their branch or pinned commit, then check

  --content DIR   folder holding the spec bundles, repeatable (default: \`content\` of
                  specport.config.*, else content)
  --format FMT    check output: pretty (default, with code frames), json, or
                  github (GitHub Actions annotations)
  --out DIR       where build writes the site (default: dist)
  --allow-errors  build: build even when check finds errors (for previews);
                  each affected page shows its errors in a banner
  --no-cache      parse every bundle again instead of reusing the results of
                  earlier runs for unchanged bundles (node_modules/.cache/specport,
                  or SPECPORT_CACHE_DIR)
  --area AREA     new: the area folder to create the bundle in
  --key KEY       new: the feature key (default: derived from the slug)`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        content: { type: 'string', multiple: true },
        area: { type: 'string' },
        key: { type: 'string' },
        format: { type: 'string', default: 'pretty' },
        out: { type: 'string', default: 'dist' },
        'allow-errors': { type: 'boolean', default: false },
        'no-cache': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'new' ? rest.length !== 1 : rest.length > 0) {
    return usage(command === 'new' && rest.length === 0 ? 'Missing the slug of the new bundle.' : `Unexpected argument "${rest.at(-1)}".`);
  }
  if (!['pretty', 'json', 'github'].includes(values.format)) return usage(`Unknown format "${values.format}".`);
  if (values['allow-errors'] && command !== 'build') return usage('--allow-errors is an option of build only.');

  // Absolute before `build` moves to the project root; empty turns the cache off here and in Astro's loader.
  process.env['SPECPORT_CACHE_DIR'] = values['no-cache'] ? '' : (parseCacheDir(PROJECT_ROOT) ?? '');
  const content = values.content?.map((root) => path.resolve(root)) ?? contentRoots((await loadConfig(process.cwd())).config, process.cwd());
  if (command === 'new') {
    if (content.length > 1 && values.content) return usage('new writes into one content root: pass --content once.');
    const created = await newBundle({ content: content[0]!, slug: rest[0]!, ...(values.area ? { area: values.area } : {}), ...(values.key ? { key: values.key } : {}) });
    (created.code === 0 ? console.log : console.error)(created.message);
    for (const file of created.files) console.log(`  ${path.relative(process.cwd(), path.join(content[0]!, file))}`);
    return created.code;
  }
  if (command === 'sync') {
    const synced = await sync({ content });
    if (synced !== 0) return synced;
  }
  if (command === 'check' || command === 'sync') {
    const portal = await loadPortal(content, { cache: await parseCache(content), checkOnly: true });
    if (values.format === 'json') console.log(formatJson(portal));
    else if (values.format === 'github') {
      const annotations = formatGithub(portal.diagnostics, { contentRoot: portal.root, base: repositoryRoot(portal.root) ?? process.cwd() });
      if (annotations) console.log(annotations);
      console.log(summary(portal.diagnostics, portal.features.length));
    } else console.log(formatPretty(portal.diagnostics, portal.features.length, { contentRoot: portal.root, color: colorFor(process.stdout) }));
    return hasErrors(portal.diagnostics) ? 1 : 0;
  }
  if (command === 'build') {
    if (!indexedLater()) return buildPortal(argv, path.resolve(values.out));
    const allowErrors = values['allow-errors'];
    if (!(await checkBeforeBuild(content, allowErrors))) return 1;
    await closeMermaid();
    return buildSite({ content, out: path.resolve(values.out), allowErrors });
  }
  return usage(command ? `Unknown command "${command}".` : 'Missing command.');
}

/**
 * The same checks as `check`, printed the same way; the model is dropped before Astro starts.
 * With `allowErrors` (previews), errors are printed and the build goes on.
 */
async function checkBeforeBuild(content: readonly string[], allowErrors: boolean): Promise<boolean> {
  // Stories are rendered here too: the cache then hands them to Astro's loaders, whose process
  // would otherwise start a parse worker for them while it builds.
  const portal = await loadPortal(content, { cache: await parseCache(content) });
  if (portal.diagnostics.length > 0) console.error(formatPretty(portal.diagnostics, portal.features.length, { contentRoot: portal.root, color: colorFor(process.stderr) }));
  if (!hasErrors(portal.diagnostics)) return true;
  if (allowErrors) {
    console.error('Building anyway (--allow-errors): each page with errors shows them in a banner. Do not publish this build as the portal of record.');
    return true;
  }
  console.error('Build stopped: fix the errors above, then build again (or pass --allow-errors for a preview).');
  return false;
}

/** The parse cache of these content roots, unless turned off. */
async function parseCache(content: readonly string[]) {
  const dir = parseCacheDir(PROJECT_ROOT);
  return dir ? openParseCache(dir, content) : undefined;
}

function usage(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return 2;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Only a bug in Specport itself reaches here; say so plainly, with the stack for the report.
  console.error('specport: internal error, please report it with the following details:');
  console.error(error);
  process.exitCode = 1;
} finally {
  await closeMermaid();
}
