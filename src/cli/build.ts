/** `specport build`: Astro's own build, fed from the checked content, with telemetry off. */
import { createHash } from 'node:crypto';
import path from 'node:path';

/** The project root, where astro.config.mjs lives. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export async function buildSite(options: { content: readonly string[]; out: string; allowErrors?: boolean }): Promise<number> {
  // Read by src/content.config.ts (roots joined by the path delimiter); Astro's telemetry would call a third-party host.
  process.env['SPECPORT_CONTENT'] = options.content.join(path.delimiter);
  // Astro runs from the project root (its server chunks must find this project's node_modules);
  // the config it reads stays the one in the folder the user ran specport from.
  const from = process.cwd();
  process.env['SPECPORT_CONFIG_DIR'] ??= from;
  process.chdir(PROJECT_ROOT);
  process.env['ASTRO_TELEMETRY_DISABLED'] = '1';
  // A production build whatever started us: test runners set DEV/MODE/NODE_ENV, which would make
  // Astro build a development site (Starlight then disables search, for one).
  process.env['NODE_ENV'] = 'production';
  for (const name of ['DEV', 'PROD', 'MODE', 'SSR', 'BASE_URL']) delete process.env[name];
  if (options.allowErrors) process.env['SPECPORT_ALLOW_ERRORS'] = '1';
  const { build } = await import('astro');
  try {
    // One content-layer cache per content root and output, so portals built from different folders never mix.
    const key = createHash('sha256').update(`${options.content.join('\0')}\0${options.out}`).digest('hex').slice(0, 12);
    const cacheDir = path.join(PROJECT_ROOT, 'node_modules/.astro', `specport-${key}`);
    await build({ root: PROJECT_ROOT, outDir: options.out, cacheDir, logLevel: 'warn' });
    console.error(`Portal built into ${path.relative(from, options.out) || '.'}`);
    return 0;
  } catch (error) {
    // Astro has already logged what failed; a stack trace would add nothing for the reader.
    console.error(`Build failed: ${(error as Error).message}`);
    return 1;
  }
}
