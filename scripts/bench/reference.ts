/**
 * How fast the machine is during a run: one fixed piece of work of the kinds a check does
 * (building many small objects, copying them as JSON and as V8's serialisation, hashing, a tight
 * loop), timed in a fresh process. Shared machines run at different speeds from one day to the
 * next; timed at the start and at the end of a run, it tells a slow day from a slower Specport
 * when two runs are compared. It is no budget, and no figure is divided by it.
 */
import { spawnSync } from 'node:child_process';
import { median } from './report.ts';

const WORK = `
const { createHash } = require('node:crypto');
const v8 = require('node:v8');
const started = performance.now();
const items = [];
for (let i = 0; i < 100000; i++) items.push({ id: 'F' + i, line: i, refs: ['op:a' + i, 'nfr:b'], text: 'item ' + i });
v8.deserialize(v8.serialize(JSON.parse(JSON.stringify(items))));
createHash('sha256').update(Buffer.alloc(16 * 1024 * 1024, 7)).digest('hex');
let x = 0;
for (let i = 0; i < 30000000; i++) x = (x * 31 + i) | 0;
globalThis.sink = x;
process.stdout.write(String(performance.now() - started));
`;

/** The median time of the reference work over `runs` fresh processes, in milliseconds; undefined if it failed. */
export function referenceMs(runs = 3): number | undefined {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnSync(process.execPath, ['-e', WORK], { encoding: 'utf8' });
    const ms = Number(run.stdout);
    if (run.status !== 0 || !Number.isFinite(ms)) return undefined;
    times.push(ms);
  }
  return median(times);
}
