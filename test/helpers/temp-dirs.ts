/** Temporary folders for a test file, removed after its last test. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Returns a function that makes a fresh temporary folder named `specport-<prefix>-…`. */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), `specport-${prefix}-`));
    made.push(dir);
    return dir;
  };
}
