/**
 * `specport sync [--content DIR]`: checks out the git submodules at or under the content root.
 * A submodule with a `branch` in `.gitmodules` follows that branch (`git submodule update --init
 * --remote`); one without stays at the commit its superproject pins (`git submodule update --init`).
 *
 * Returns 0 when every submodule was updated (or there is none), 1 when git failed for one.
 */
import path from 'node:path';
import { runGit } from '../core/git.ts';
import { submodulesUnder } from '../core/submodules.ts';

export async function sync(options: { content: string }): Promise<number> {
  const root = path.resolve(options.content);
  let code = 0;
  const done = new Set<string>();
  // Checking one out may reveal nested ones: repeat until nothing new appears.
  for (let round = 0; round < 5; round++) {
    const pending = (await submodulesUnder(root)).filter((s) => !done.has(s.abs));
    if (pending.length === 0) break;
    for (const sub of pending) {
      done.add(sub.abs);
      const args = ['submodule', 'update', '--init', ...(sub.branch ? ['--remote'] : []), '--', sub.path];
      const shown = path.relative(process.cwd(), sub.abs) || '.';
      const out = await runGit(sub.repo, args, { timeout: 10 * 60_000 });
      if (out === undefined) {
        code = 1;
        console.error(`✗ ${shown}: \`git ${args.join(' ')}\` failed in ${sub.repo}.`);
        continue;
      }
      const head = (await runGit(sub.abs, ['rev-parse', '--short', 'HEAD']))?.trim();
      console.log(`✓ ${shown}: ${sub.branch ? `updated to branch "${sub.branch}"` : 'checked out at its pinned commit'}${head ? ` (${head})` : ''}.`);
    }
  }
  if (done.size === 0) console.log(`No git submodule under ${path.relative(process.cwd(), root) || '.'}; nothing to sync.`);
  return code;
}
