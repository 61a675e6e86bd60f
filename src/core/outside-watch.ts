/**
 * Time-limited work on a worker thread, watched by the thread that owns the worker (time-limit.ts
 * says why). The two share two integers: which piece of work is running (0 when none) and its
 * limit in milliseconds. The worker writes them; its owner looks at them on a timer.
 */
import type { OutsideWatch } from './time-limit.ts';

const RUNNING = 0;
const LIMIT = 1;
/** How often the owner looks: an overrun is seen at most this late. */
const LOOK_EVERY_MS = 100;

/** The memory the two threads share: pass it to the worker in its `workerData`. */
export function watchMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** The worker's side: reports each piece of limited work; work nested in another counts as the outer one. */
export function reportTo(memory: SharedArrayBuffer): OutsideWatch {
  const cells = new Int32Array(memory);
  let last = 0;
  let depth = 0;
  return {
    begin(ms) {
      if (depth++ > 0) return;
      last = last === 0x7fffffff ? 1 : last + 1;
      Atomics.store(cells, LIMIT, Math.min(Math.ceil(ms), 0x7fffffff));
      Atomics.store(cells, RUNNING, last);
    },
    end() {
      if (--depth === 0) Atomics.store(cells, RUNNING, 0);
    },
  };
}

/**
 * The owner's side: calls `overrun` once, when a piece of work has run longer than its limit since
 * it was first seen (so never early, and late by at most one look). The timer does not keep the
 * process alive.
 */
export function watchForOverrun(memory: SharedArrayBuffer, overrun: () => void): { stop(): void } {
  const cells = new Int32Array(memory);
  let seen = 0;
  let since = 0;
  const timer = setInterval(() => {
    const running = Atomics.load(cells, RUNNING);
    if (running === 0 || running !== seen) {
      seen = running;
      since = performance.now();
    } else if (performance.now() - since >= Atomics.load(cells, LIMIT)) {
      clearInterval(timer);
      overrun();
    }
  }, LOOK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
