/**
 * Live preview: `astro dev` over a copy of a portal shows an edit to a bundle without a restart,
 * and a broken edit as a banner on the affected page while the rest of the portal keeps working.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './harness.ts';

let content: string;
let dev: ChildProcess;
let origin: string;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Fetches a page until `predicate` holds or the time runs out; returns the last body. */
async function poll(route: string, predicate: (html: string) => boolean, ms = 60_000): Promise<string> {
  const until = Date.now() + ms;
  let body = '';
  while (Date.now() < until) {
    try {
      body = await (await fetch(`${origin}${route}`)).text();
      if (predicate(body)) return body;
    } catch {
      // The server is still starting.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return body;
}

beforeAll(async () => {
  content = await mkdtemp(path.join(tmpdir(), 'specport-dev-'));
  await cp(path.join(ROOT, 'test/fixtures/portal-valid'), content, { recursive: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dev = spawn(process.execPath, [path.join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    // Vitest's own import.meta.env variables (MODE=test, DEV, PROD…) must not leak into the dev server.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL', 'NODE_ENV', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID', 'TEST'].includes(k))), SPECPORT_CONTENT: content, ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  const first = await poll('/features/orders/', (html) => html.includes('Creating an order is fast.'), 120_000);
  expect(first).toContain('Creating an order is fast.');
}, 180_000);

afterAll(async () => {
  dev?.kill();
  if (content) await rm(content, { recursive: true, force: true });
});

describe('npm run dev', () => {
  it('shows an edit to nfr.yaml without a restart', async () => {
    const file = path.join(content, 'shop/orders/nfr.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Creating an order is fast.', 'Creating an order is very fast.'));
    const html = await poll('/features/orders/', (body) => body.includes('Creating an order is very fast.'));
    expect(html).toContain('Creating an order is very fast.');
  }, 90_000);

  it('shows a broken edit as a banner on the affected page, and keeps the other pages working', async () => {
    const file = path.join(content, 'shop/orders/nfr.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('priority: must', 'priority: urgent'));
    // Dev servers inline the CSS, so look for the banner's markup, not its class name alone.
    const banner = 'class="sp-banner sp-banner-error"';
    const html = await poll('/features/orders/', (body) => body.includes('schema/invalid-value'));
    expect(html).toContain(banner);
    expect(html).toContain('schema/invalid-value');
    const other = await poll('/features/billing/', (body) => body.includes('<h1'));
    expect(other).toContain('Billing');
    expect(other).not.toContain(banner);
  }, 90_000);
});
