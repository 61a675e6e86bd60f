/**
 * End-to-end harness: build a portal with the real CLI, serve it on loopback, and drive Debian's
 * Chromium through playwright-core. No browser is downloaded; no request may leave the machine.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sirv from 'sirv';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const OUTPUT = path.join(ROOT, 'test/.output');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `specport` CLI with the Node running the tests (the project's pinned runtime), in the
 * repository unless `cwd` says otherwise (the CLI reads specport.config.* from its working folder).
 */
export function specport(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/specport.mjs'), ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Serves a built site on 127.0.0.1; resolves to its origin. With a `prefix` such as `/specs/`
 * (both slashes) the site is served below it and nothing else answers, as on a host shared with
 * other sites, so a URL that misses the base path is a 404.
 */
export async function serve(dir: string, options: { prefix?: string } = {}): Promise<{ origin: string; close: () => Promise<void> }> {
  const handler = sirv(dir, { dev: false, etag: false, extensions: ['html'] });
  const prefix = options.prefix ?? '/';
  const notFound = (res: ServerResponse) => {
    res.statusCode = 404;
    res.end('Not found');
  };
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith(prefix)) return notFound(res);
    req.url = req.url.slice(prefix.length - 1);
    handler(req, res, () => notFound(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu', '--no-first-run'],
  });
}

export interface Watched {
  page: Page;
  /** Requests to any origin other than the portal's own; they are aborted. */
  foreign: string[];
  consoleErrors: string[];
}

/** A page that refuses and records every request leaving `origin`, and records console errors. */
export async function watchedPage(browser: Browser, origin: string): Promise<Watched> {
  const context = await browser.newContext();
  const foreign: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { page, foreign, consoleErrors };
}

/** Builds a portal into `out` with `specport build`, serves it and starts Chromium. */
export async function openPortal(buildArgs: string[], out: string): Promise<{ origin: string; browser: Browser; close: () => Promise<void> }> {
  await rm(out, { recursive: true, force: true });
  const build = await specport(['build', ...buildArgs, '--out', out]);
  if (build.code !== 0) throw new Error(`specport build failed (${build.code}):\n${build.stderr}${build.stdout}`);
  const server = await serve(out);
  const browser = await launch();
  return {
    origin: server.origin,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
