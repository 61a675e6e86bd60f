/**
 * What the portal is built from, read once from the environment `specport build` sets and from
 * specport.config.*: the content roots, the base path, where the config is, and whether errors
 * are allowed (previews). The content collections and the ref-page integration read the same.
 */
import path from 'node:path';
import { contentRoots, loadConfig, normaliseBase } from '../core/config.ts';

export interface PortalOptions {
  /** Absolute content roots: SPECPORT_CONTENT (joined by the path delimiter), else `content` of the config, else `content/`. */
  content: string[];
  base: string;
  /** Where specport.config.* is: `specport build` runs Astro from the project root and says where the user's config is. */
  configDir: string;
  allowErrors: boolean;
}

export async function portalOptions(env: NodeJS.ProcessEnv = process.env): Promise<PortalOptions> {
  const configDir = env['SPECPORT_CONFIG_DIR'] ?? process.cwd();
  const { config } = await loadConfig(configDir);
  const fromEnv = env['SPECPORT_CONTENT']?.split(path.delimiter).filter(Boolean);
  return {
    content: fromEnv ? fromEnv.map((root) => path.resolve(root)) : contentRoots(config, configDir),
    base: normaliseBase(env['SPECPORT_BASE'] ?? config.base),
    configDir,
    allowErrors: env['SPECPORT_ALLOW_ERRORS'] === '1',
  };
}
