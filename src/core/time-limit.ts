/**
 * A time limit for synchronous work on the main thread. Some inputs send third-party parsers into
 * quadratic time or unbounded recursion (Markdown's parser on 40 KB of `*a*a*a…` runs for over a
 * minute). A promise cannot interrupt synchronous code, but V8 can: `vm` runs the work under a
 * watchdog that terminates it when the time is up, and the thread carries on as before.
 * Diagrams are parsed in a worker instead (mermaid-pool.ts) because Mermaid needs its own DOM.
 */
import vm from 'node:vm';

/** How the work went: its value, or why it was stopped. */
export type Limited<T> =
  | { ok: true; value: T }
  /** `timeout`: still running when the time was up; `too-deep`: it overflowed the stack; `failed`: it threw. */
  | { ok: false; reason: 'timeout' | 'too-deep' | 'failed'; message: string };

const script = new vm.Script('work()');
const context = vm.createContext({ work: undefined as (() => unknown) | undefined });

/** Runs `work` with at most `ms` milliseconds to finish. Never throws. */
export function withTimeLimit<T>(work: () => T, ms: number): Limited<T> {
  const previous = context['work'];
  context['work'] = work;
  try {
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
