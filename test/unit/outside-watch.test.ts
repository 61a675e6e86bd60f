/**
 * The watch over a worker's time-limited work (outside-watch.ts), both sides on this thread: the
 * owner's timer runs while the test waits, as it runs while a real worker is stuck.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reportTo, watchForOverrun, watchMemory } from '../../src/core/outside-watch.ts';
import { withTimeLimit, watchFromOutside } from '../../src/core/time-limit.ts';

function watched() {
  const memory = watchMemory();
  const overruns: number[] = [];
  const started = performance.now();
  const watcher = watchForOverrun(memory, () => overruns.push(performance.now() - started));
  return { report: reportTo(memory), overruns, watcher };
}

describe('the outside watch', () => {
  it('calls overrun once work has run past its limit, never before', async () => {
    const { report, overruns, watcher } = watched();
    report.begin(300);
    await sleep(150);
    expect(overruns).toEqual([]);
    await sleep(550);
    expect(overruns).toHaveLength(1);
    expect(overruns[0]).toBeGreaterThanOrEqual(300);
    watcher.stop();
  });

  it('does not call it for work that ends in time, however much work there is', async () => {
    const { report, overruns, watcher } = watched();
    for (let i = 0; i < 6; i++) {
      report.begin(200);
      await sleep(80);
      report.end();
    }
    await sleep(300);
    expect(overruns).toEqual([]);
    watcher.stop();
  });

  it('counts work nested in other work as the outer work', async () => {
    const { report, overruns, watcher } = watched();
    report.begin(250);
    report.begin(10_000);
    report.end();
    await sleep(600);
    expect(overruns).toHaveLength(1);
    watcher.stop();
  });

  it('stops looking when told to', async () => {
    const { report, overruns, watcher } = watched();
    report.begin(100);
    watcher.stop();
    await sleep(400);
    expect(overruns).toEqual([]);
  });

  it('is what withTimeLimit reports to on a watched thread, with the same verdicts otherwise', async () => {
    const calls: string[] = [];
    watchFromOutside({ begin: (ms) => calls.push(`begin ${ms}`), end: () => calls.push('end') });
    try {
      expect(withTimeLimit(() => 42, 1_000)).toEqual({ ok: true, value: 42 });
      const deep = (n: number): number => deep(n + 1) + 1;
      expect(withTimeLimit(() => deep(0), 1_000)).toMatchObject({ ok: false, reason: 'too-deep' });
      expect(withTimeLimit(() => { throw new Error('no'); }, 1_000)).toEqual({ ok: false, reason: 'failed', message: 'no' });
      expect(calls).toEqual(['begin 1000', 'end', 'begin 1000', 'end', 'begin 1000', 'end']);
    } finally {
      watchFromOutside(undefined);
    }
  });
});
