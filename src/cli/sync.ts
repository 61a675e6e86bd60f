/**
 * `specport sync [--content DIR]…`: checks out the git submodules at or under the content roots.
 * A submodule with a `branch` in `.gitmodules` follows that branch (`git submodule update --init
 * --remote`); one without stays at the commit its superproject pins (`git submodule update --init`).
 *
 * Returns 0 when every submodule was updated (or there is none), 1 when git failed for one.
 */
import path from 'node:path';
import { gitOutcome, runGit } from '../core/git.ts';
import { submodulesUnder } from '../core/submodules.ts';

export async function sync(options: { content: readonly string[] }): Promise<number> {
  const roots = options.content.map((root) => path.resolve(root));
  let code = 0;
  const done = new Set<string>();
  // Checking one out may reveal nested ones: repeat until nothing new appears.
  for (let round = 0; round < 5; round++) {
    const found = (await Promise.all(roots.map((root) => submodulesUnder(root)))).flat();
    const pending = found.filter((s, i) => !done.has(s.abs) && found.findIndex((o) => o.abs === s.abs) === i);
    if (pending.length === 0) break;
    for (const sub of pending) {
      done.add(sub.abs);
      const args = ['submodule', 'update', '--init', ...(sub.branch ? ['--remote'] : []), '--', sub.path];
      const shown = path.relative(process.cwd(), sub.abs) || '.';
      const out = await gitOutcome(sub.repo, args, { timeout: 10 * 60_000 });
      if (out.stdout === undefined) {
        code = 1;
        // git's own words say why: no access, an unknown branch, a transport not allowed.
        const why = out.stderr.split('\n').map((line) => `    ${line}`).join('\n');
        console.error(`✗ ${shown}: \`git ${args.join(' ')}\` failed in ${sub.repo}:\n${why}`);
        continue;
      }
      const head = (await runGit(sub.abs, ['rev-parse', '--short', 'HEAD']))?.trim();
      console.log(`✓ ${shown}: ${sub.branch ? `updated to branch "${sub.branch}"` : 'checked out at its pinned commit'}${head ? ` (${head})` : ''}.`);
    }
  }
  if (done.size === 0) console.log(`No git submodule under ${roots.map((root) => path.relative(process.cwd(), root) || '.').join(', ')}; nothing to sync.`);
  return code;
}
