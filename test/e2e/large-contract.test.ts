/**
 * A bundle whose contract is the size of GitHub's REST API description (~13 MB of JSON, ~1,200
 * operations), in a content folder outside the project: it builds, its feature page lists every
 * operation, its API page renders in Chromium, and the build leaves the content folder untouched.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLargeOpenApi } from '../helpers/large-openapi.ts';
import { OUTPUT, openPortal, watchedPage } from './harness.ts';

const out = path.join(OUTPUT, 'large');
let content: string;
let site: Awaited<ReturnType<typeof openPortal>>;
let browser: Browser;
let server: { origin: string };
let before: string;
let operations: Array<{ summary: string; operationId: string }>;

async function treeHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)))) {
    const file = path.join(entry.parentPath, entry.name);
    hash.update(path.relative(dir, file));
    if (entry.isFile()) hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

beforeAll(async () => {
  content = await mkdtemp(path.join(tmpdir(), 'specport-large-'));
  const bundle = path.join(content, 'platform', 'rest-api');
  await mkdir(bundle, { recursive: true });
  const document = generateLargeOpenApi();
  operations = Object.values(document['paths'] as Record<string, Record<string, { summary?: string; operationId?: string }>>)
    .flatMap((item) => Object.values(item))
    .filter((op): op is { summary: string; operationId: string } => typeof op.operationId === 'string');
  const json = JSON.stringify(document);
  expect(json.length).toBeGreaterThan(12_000_000);
  await writeFile(path.join(bundle, 'openapi.json'), json);
  await writeFile(path.join(bundle, 'feature.md'), '---\ntitle: Public REST API\nid: REST\nstatus: shipped\nowner: team-platform\n---\n\nEvery public endpoint.\n');
  before = await treeHash(content);
  site = await openPortal(['--content', content], out);
  ({ browser } = site);
  server = { origin: site.origin };
}, 600_000);

afterAll(async () => {
  await site?.close();
  if (content) await rm(content, { recursive: true, force: true });
});

describe('a 13 MB contract', () => {
  it('builds without writing into the content folder', async () => {
    expect(await treeHash(content)).toBe(before);
  });

  it('lists every operation with its anchor on the feature page', async () => {
    const html = await readFile(path.join(out, 'features/rest-api/index.html'), 'utf8');
    expect(operations.length).toBeGreaterThanOrEqual(1200);
    for (const op of operations) expect(html).toContain(`id="${op.operationId}"`);
  });

  it('renders its API page in Chromium without requests to other hosts', async () => {
    const { page, foreign, consoleErrors } = await watchedPage(browser, server.origin);
    await page.goto(`${server.origin}/features/rest-api/api/`);
    await page.getByText(operations[0]!.summary, { exact: true }).first().waitFor({ timeout: 120_000 });
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
