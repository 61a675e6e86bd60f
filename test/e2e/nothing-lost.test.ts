/**
 * Nothing lost. For the sample content and for a broken content root (unknown files, a file in no
 * bundle, a diagram that does not parse, threat models imported from JSON), built with
 * `--allow-errors`:
 * - `check` and `build` leave the content tree exactly as it was: every file and folder with the
 *   same path, SHA-256, mode and modification time, and nothing new.
 * - Every file of every bundle on disk is either listed in its feature page's "Source files" table
 *   with links that land (the anchor is on the page, or the linked page and anchor are in the
 *   build), or named in a diagnostic of `check --format json`; a file in no bundle is named in one.
 * - What the files say was rendered, not just their names: every NFR, threat and edge-case ID of
 *   the YAML files, every operationId of every contract (API summary and published JSON), every
 *   imported threat (or a diagnostic saying why not), every sequence, context and data-model
 *   diagram as an SVG, every entity, every story heading.
 *
 * The expectations are read from the files on disk with a YAML parser and a few patterns, never
 * from Specport's own model, so the core cannot agree with itself by mistake.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tempDirs } from '../helpers/temp-dirs.ts';
import { launch, ROOT, serve, specport, type RunResult } from './harness.ts';

const tempDir = tempDirs('nothing-lost');

interface CheckDiagnostic {
  severity: string;
  rule: string;
  file: string;
  line: number;
  message: string;
}

interface Case {
  root: string;
  out: string;
  before: string[];
  after: string[];
  check: RunResult;
  build: RunResult;
  diagnostics: CheckDiagnostic[];
  origin: string;
  close: () => Promise<void>;
}

const cases: Record<string, Case> = {};
let browser: Browser;

/**
 * Every file, folder and link under `root`, one line each: path, type, mode, modification time
 * in nanoseconds, and the SHA-256 of a file's bytes (a link's target). Sorted, so two snapshots
 * compare line by line.
 */
async function snapshot(root: string): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (dir: string) => {
    for (const name of await readdir(dir)) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      const stat = await lstat(abs, { bigint: true });
      const head = `${rel}\t${stat.mode.toString(8)}\t${stat.mtimeNs}`;
      if (stat.isSymbolicLink()) lines.push(`${head}\tlink -> ${await readlink(abs)}`);
      else if (stat.isDirectory()) {
        lines.push(`${head}\tfolder`);
        await walk(abs);
      } else lines.push(`${head}\t${createHash('sha256').update(await readFile(abs)).digest('hex')}`);
    }
  };
  await walk(root);
  return lines.sort();
}

/** Bundles as the format defines them: a folder holding `feature.md`, with every file below it that no deeper bundle holds. */
async function bundlesOnDisk(root: string): Promise<{ bundles: Array<{ dir: string; slug: string; files: string[] }>; loose: string[] }> {
  const bundles: Array<{ dir: string; slug: string; files: string[] }> = [];
  const loose: string[] = [];
  const walk = async (dir: string, owner: (typeof bundles)[number] | undefined) => {
    const entries = await readdir(dir, { withFileTypes: true });
    let bundle = owner;
    if (entries.some((e) => e.name === 'feature.md' && e.isFile())) {
      bundle = { dir: path.relative(root, dir).split(path.sep).join('/'), slug: path.basename(dir), files: [] };
      bundles.push(bundle);
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const rel = path.relative(root, abs).split(path.sep).join('/');
      if (entry.isDirectory()) await walk(abs, bundle);
      else (bundle ? bundle.files : loose).push(rel);
    }
  };
  await walk(root, undefined);
  return { bundles, loose };
}

/** Checks and builds `root` into a fresh folder, with snapshots of the content tree around both. */
async function runCase(root: string, buildArgs: string[] = []): Promise<Case> {
  const out = path.join(await tempDir(), 'site');
  const before = await snapshot(root);
  const check = await specport(['check', '--content', root, '--format', 'json']);
  const build = await specport(['build', '--content', root, '--out', out, ...buildArgs]);
  const after = await snapshot(root);
  if (build.code !== 0) throw new Error(`specport build failed (${build.code}):\n${build.stderr}`);
  const diagnostics = (JSON.parse(check.stdout) as { diagnostics: CheckDiagnostic[] }).diagnostics;
  const server = await serve(out);
  return { root, out, before, after, check, build, diagnostics, origin: server.origin, close: server.close };
}

/** The sample content plus what real content roots collect: stray files, a broken diagram, imported threat models. */
async function brokenContent(): Promise<string> {
  const root = path.join(await tempDir(), 'content');
  await cp(path.join(ROOT, 'content'), root, { recursive: true });
  // Threat models exported from Threat Dragon and as OTM, each in a bundle of its own.
  await cp(path.join(ROOT, 'test/fixtures/importers/content'), path.join(root, 'payments'), { recursive: true });
  await writeFile(path.join(root, 'commerce/cart/notes.txt'), 'Remember to ask about guest carts.\n');
  await writeFile(path.join(root, 'commerce/cart/draft.yml'), 'nfrs:\n  - id: CART-NFR-99\n');
  await writeFile(path.join(root, 'commerce/cart/sequences/notes.md'), '# Sequences to draw\n');
  await writeFile(path.join(root, 'catalog/product-search/nfrs.yml'), 'nfrs: []\n');
  await writeFile(path.join(root, 'commerce/checkout/.DS_Store'), Buffer.from([0, 0, 0, 1, 66, 117, 100, 49, 0, 0, 16, 0]));
  await writeFile(path.join(root, 'fulfilment/order-tracking/sequences/lost-parcel.mmd'), 'sequenceDiagram\n  Customer->>+Carrier: Where is my parcel?\n  this is not mermaid\n');
  await mkdir(path.join(root, 'identity/sign-in/drafts'));
  await writeFile(path.join(root, 'identity/sign-in/drafts/recovery.md'), '# Account recovery\n');
  await writeFile(path.join(root, 'README.md'), 'Specs of the shop.\n');
  return root;
}

beforeAll(async () => {
  cases['sample'] = await runCase(path.join(ROOT, 'content'));
  cases['broken'] = await runCase(await brokenContent(), ['--allow-errors']);
  browser = await launch();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(cases).map((c) => c.close()));
});

/** What the feature page shows, read in Chromium once its diagrams are rendered. */
interface FeaturePage {
  ids: string[];
  rows: Array<{ file: string; links: string[]; rules: string[]; ruleLinks: string[] }>;
  headings: string[];
  /** Anchor of each diagram's section (`context`, `data-model`, `sequence-…`) → rendered as SVG without error. */
  diagrams: Record<string, boolean>;
  text: string;
}

const featurePages = new Map<string, Promise<FeaturePage>>();
/** Each feature page is read once per content root, for both tests that need it. */
const readFeaturePage = (origin: string, slug: string): Promise<FeaturePage> => {
  const key = `${origin}/features/${slug}/`;
  if (!featurePages.has(key)) featurePages.set(key, loadFeaturePage(origin, slug));
  return featurePages.get(key)!;
};

async function loadFeaturePage(origin: string, slug: string): Promise<FeaturePage> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/features/${slug}/`);
    await page.waitForFunction(() => [...document.querySelectorAll('pre.mermaid')].every((d) => d.hasAttribute('data-processed')), undefined, { timeout: 60_000 });
    return await page.evaluate(() => {
      const rendered = (figure: Element | null | undefined) => {
        const diagram = figure?.querySelector('.sp-diagram-canvas');
        return !!diagram?.querySelector('svg') && !diagram.textContent?.includes('Error rendering diagram');
      };
      const diagrams: Record<string, boolean> = {};
      for (const id of ['context', 'data-model']) {
        const next = document.getElementById(id)?.nextElementSibling;
        if (next?.matches('figure.sp-diagram')) diagrams[id] = rendered(next);
      }
      for (const section of document.querySelectorAll('.sp-sequence')) diagrams[section.id] = rendered(section.querySelector('figure.sp-diagram'));
      return {
        ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
        rows: [...document.querySelectorAll<HTMLTableRowElement>('.sp-source-files tr[data-file]')].map((tr) => ({
          file: tr.dataset['file'] ?? '',
          links: [...tr.cells[1]!.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
          rules: [...tr.cells[2]!.querySelectorAll('code')].map((c) => c.textContent ?? ''),
          ruleLinks: [...tr.cells[2]!.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
        })),
        headings: [...document.querySelectorAll('.sp-story :is(h1, h2, h3, h4, h5, h6)')].map((h) => (h.textContent ?? '').replace(/\s+/g, ' ').trim()),
        diagrams,
        text: (document.querySelector('.sp-feature')?.textContent ?? '').replace(/\s+/g, ' '),
      };
    });
  } finally {
    await page.close();
  }
}

/** Whether a link of a feature page lands: its anchor is on the page, or its page (and anchor) is in the build. */
async function lands(out: string, slug: string, href: string, ids: readonly string[]): Promise<boolean> {
  if (href.startsWith('#')) return ids.includes(decodeURIComponent(href.slice(1)));
  const url = new URL(href, `http://portal.invalid/features/${slug}/`);
  if (url.origin !== 'http://portal.invalid') return false;
  const file = path.join(out, decodeURIComponent(url.pathname), url.pathname.endsWith('/') ? 'index.html' : '');
  if (!existsSync(file)) return false;
  if (!url.hash) return true;
  const id = decodeURIComponent(url.hash.slice(1));
  return (await readFile(file, 'utf8')).includes(` id="${id.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
}

/** Item IDs of a YAML item file (`nfrs:`, `threats:`, `edge_cases:`). */
function itemIds(text: string, key: string): string[] {
  const list = (parseYaml(text) as Record<string, unknown> | null)?.[key];
  return Array.isArray(list) ? list.flatMap((item) => (typeof item?.id === 'string' ? [item.id as string] : [])) : [];
}

/** Every operationId written in a contract. */
function operationIds(text: string): string[] {
  const doc = parseYaml(text) as { paths?: Record<string, Record<string, { operationId?: unknown }>> } | null;
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.values(doc?.paths ?? {}).flatMap((item) =>
    methods.flatMap((m) => (typeof item?.[m]?.operationId === 'string' ? [item[m]!.operationId as string] : [])),
  );
}

/** Threat titles of an exported threat model: entries of any `threats` list with a `title` (Threat Dragon) or `name` (OTM). */
function importedThreatTitles(value: unknown, inThreats = false): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => importedThreatTitles(v, inThreats));
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = inThreats ? [record['title'] ?? record['name']].filter((t): t is string => typeof t === 'string') : [];
  return [...own, ...Object.entries(record).flatMap(([key, v]) => importedThreatTitles(v, key === 'threats'))];
}

/** Headings of a Markdown body, outside code fences, as text. */
function storyHeadings(markdown: string): string[] {
  const body = markdown.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
  const headings: string[] = [];
  let fenced = false;
  for (const line of body.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (m) headings.push(m[1]!.replace(/[*_`]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim());
  }
  return headings;
}

describe.each(['sample', 'broken'])('the %s content', (name) => {
  const current = () => cases[name]!;

  it('is left exactly as it was by check and build', () => {
    const { before, after, check, build } = current();
    expect(before.length).toBeGreaterThan(40);
    expect(after).toEqual(before);
    // Sanity: the broken root really is broken, and builds only as a preview.
    expect(check.code).toBe(name === 'broken' ? 1 : 0);
    if (name === 'broken') expect(build.stderr).toContain('--allow-errors');
  });

  it('has every file of every bundle on its feature page or named in a diagnostic', async () => {
    const { root, out, origin, diagnostics } = current();
    const { bundles, loose } = await bundlesOnDisk(root);
    const named = (file: string) => diagnostics.some((d) => d.file === file);
    const lost: string[] = [];
    for (const file of loose) if (!named(file)) lost.push(`${file}: in no bundle and named in no diagnostic`);
    let listed = 0;
    let unpublished = 0;
    for (const bundle of bundles) {
      const hasPage = existsSync(path.join(out, 'features', bundle.slug, 'index.html'));
      const page = hasPage ? await readFeaturePage(origin, bundle.slug) : undefined;
      for (const file of bundle.files) {
        const row = page?.rows.find((r) => r.file === file);
        if (row) {
          listed++;
          for (const href of [...row.links, ...row.ruleLinks]) {
            if (!(await lands(out, bundle.slug, href, page!.ids))) lost.push(`${file}: its link ${href} on /features/${bundle.slug}/ lands nowhere`);
          }
          // The Problems column shows exactly the rules check reports for the file.
          const rules = [...new Set(diagnostics.filter((d) => d.file === file).map((d) => d.rule))].sort();
          if (JSON.stringify([...row.rules].sort()) !== JSON.stringify(rules)) lost.push(`${file}: Source files shows ${row.rules.join(', ') || 'no problem'}, check reports ${rules.join(', ') || 'none'}`);
        }
        if (!(row && row.links.length > 0)) unpublished++;
        if (!(row && row.links.length > 0) && !named(file)) lost.push(`${file}: ${row ? 'listed as not published' : 'not listed'} on /features/${bundle.slug}/ and named in no diagnostic`);
      }
      // The table lists the bundle's files and nothing else.
      for (const row of page?.rows ?? []) if (!bundle.files.includes(row.file)) lost.push(`${row.file}: listed on /features/${bundle.slug}/ but not in the bundle`);
    }
    console.info(
      `nothing lost (${name}): ${bundles.reduce((n, b) => n + b.files.length, 0)} files in ${bundles.length} bundles, ${listed} listed in Source files, ` +
        `${unpublished} not published and named in a diagnostic, ${loose.length} outside any bundle`,
    );
    expect(lost).toEqual([]);
    expect(listed).toBeGreaterThan(40);
    if (name === 'broken') {
      // The planted problems were found, each in the file it is in.
      for (const [file, rule] of [
        ['commerce/cart/notes.txt', 'bundle/unknown-file'],
        ['commerce/cart/draft.yml', 'bundle/unknown-file'],
        ['commerce/checkout/.DS_Store', 'bundle/unknown-file'],
        ['identity/sign-in/drafts/recovery.md', 'bundle/unknown-file'],
        ['README.md', 'scan/outside-bundle'],
      ]) {
        expect(diagnostics.some((d) => d.file === file && d.rule === rule), `${rule} on ${file}`).toBe(true);
      }
      expect(diagnostics.some((d) => d.file === 'fulfilment/order-tracking/sequences/lost-parcel.mmd' && d.severity === 'error')).toBe(true);
    }
  }, 300_000);

  it('renders what each file says: items, operations, threats, diagrams, entities, headings', async () => {
    const { root, out, origin, diagnostics } = current();
    const { bundles } = await bundlesOnDisk(root);
    const missing: string[] = [];
    const diagnosed = (file: string, severity?: string) => diagnostics.some((d) => d.file === file && (!severity || d.severity === severity));
    let checked = 0;
    for (const bundle of bundles) {
      const page = await readFeaturePage(origin, bundle.slug);
      const has = (file: string, what: string, ok: boolean) => {
        checked++;
        if (!ok) missing.push(`${file}: ${what} is not on /features/${bundle.slug}/`);
      };
      for (const file of bundle.files) {
        const name = file.slice(bundle.dir.length + 1);
        const text = await readFile(path.join(root, file), 'utf8');
        if (name === 'feature.md') for (const heading of storyHeadings(text)) has(file, `heading "${heading}"`, page.headings.includes(heading));
        for (const [itemFile, key] of [['nfr.yaml', 'nfrs'], ['threats.yaml', 'threats'], ['edge-cases.yaml', 'edge_cases']] as const) {
          if (name === itemFile) for (const id of itemIds(text, key)) has(file, `${id}`, page.ids.includes(id));
        }
        if (/^(openapi\.(ya?ml|json)|api\/[^/]+\.(ya?ml|json))$/.test(name)) {
          const json = page.rows.find((r) => r.file === file)?.links.find((l) => l.endsWith('.json'));
          const published = json ? await readFile(path.join(out, json), 'utf8') : '';
          for (const id of operationIds(text)) {
            has(file, `operation ${id} in the API summary`, page.ids.includes(id));
            has(file, `operation ${id} in the published ${json ?? 'JSON'}`, published.includes(`"operationId":"${id}"`) || published.includes(`"operationId": "${id}"`));
          }
        }
        // A threat model exported from a tool: each threat is shown, or a diagnostic says why not.
        if (name.endsWith('.json') && !name.startsWith('api/') && !/^openapi\.json$/.test(name)) {
          let model: unknown;
          try {
            model = JSON.parse(text);
          } catch {
            continue;
          }
          for (const title of importedThreatTitles(model)) {
            has(file, `imported threat "${title}"`, page.text.includes(title) || diagnostics.some((d) => d.file === file && d.message.includes(`"${title}"`)));
          }
        }
        if (name.endsWith('.mmd') && !diagnosed(file, 'error')) {
          const anchor = name === 'context.mmd' ? 'context' : name === 'data-model.mmd' ? 'data-model' : `sequence-${path.posix.basename(name, '.mmd')}`;
          has(file, `diagram #${anchor} rendered as SVG`, page.diagrams[anchor] === true);
        }
        if (name === 'data-model.mmd') {
          for (const m of text.matchAll(/^\s*([A-Za-z_][\w-]*)\s*(?:\[[^\]]*\])?\s*\{/gm)) has(file, `entity ${m[1]}`, page.ids.includes(`entity-${m[1]}`));
        }
      }
    }
    console.info(`nothing lost (${name}): ${checked} checks of rendered content`);
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  }, 300_000);
});
