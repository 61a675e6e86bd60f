/**
 * A time limit for synchronous work. Some inputs send third-party parsers into quadratic time or
 * unbounded recursion (Markdown's parser on 40 KB of `*a*a*a…` runs for over a minute). A promise
 * cannot interrupt synchronous code, but V8 can: `vm` runs the work under a watchdog that
 * terminates it when the time is up, and the thread carries on as before.
 *
 * That watchdog is a thread of its own, started for every call (about half a millisecond). A
 * worker thread that is watched from outside (the parse worker, see parse-pool.ts) says instead
 * when limited work starts and ends, and its owner stops the whole worker when the work overruns.
 * Diagrams are parsed in a worker of their own (mermaid-pool.ts) because Mermaid needs its own DOM.
 */
import vm from 'node:vm';

/** How the work went: its value, or why it was stopped. */
export type Limited<T> =
  | { ok: true; value: T }
  /** `timeout`: still running when the time was up; `too-deep`: it overflowed the stack; `failed`: it threw. */
  | { ok: false; reason: 'timeout' | 'too-deep' | 'failed'; message: string };

/** What a thread watched from outside reports: limited work begins (with its limit), then ends. */
export interface OutsideWatch {
  begin(ms: number): void;
  end(): void;
}

const script = new vm.Script('work()');
const context = vm.createContext({ work: undefined as (() => unknown) | undefined });
let outside: OutsideWatch | undefined;

/** From now on, this thread's limited work runs without V8's watchdog, reported to `watch` instead (undefined: with it again). */
export function watchFromOutside(watch: OutsideWatch | undefined): void {
  outside = watch;
}

/** Runs `work` with at most `ms` milliseconds to finish. Never throws. */
export function withTimeLimit<T>(work: () => T, ms: number): Limited<T> {
  const previous = context['work'];
  const watch = outside;
  try {
    if (watch) {
      watch.begin(ms);
      try {
        return { ok: true, value: work() };
      } finally {
        watch.end();
      }
    }
    context['work'] = work;
    return { ok: true, value: script.runInContext(context, { timeout: ms }) as T };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return { ok: false, reason: 'timeout', message };
    if (error instanceof RangeError && /call stack/i.test(message)) return { ok: false, reason: 'too-deep', message };
    return { ok: false, reason: 'failed', message };
  } finally {
    context['work'] = previous;
  }
}
