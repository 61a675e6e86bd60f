/**
 * One parse worker, so that a bundle's item files and contracts are parsed on a second core while
 * this thread reads stories and diagrams. YAML and the OpenAPI bundler are most of a cold check's
 * time, and each job's result is plain data (parse-jobs.ts), so moving it changes no result.
 *
 * The worker gets the main thread's stack size, so a document nested too deeply to be read there is
 * too deep here as well (the column where the parser gives up depends on how deep the call stack
 * already was, on either thread). If the worker cannot start, dies, or a job throws in it, the job runs on
 * this thread instead, exactly as it would have without a worker; after a failure every later job
 * does. The worker is unref'd whenever no job is waiting, so a CLI exits without closing it, and
 * stopped after a moment without jobs, so that it holds no memory while a build goes on.
 *
 * Time-limited work on the worker (a story's Markdown) runs without V8's per-call watchdog; this
 * thread watches it instead (outside-watch.ts). When it overruns, the worker is stopped and its
 * jobs run here, where the time limit gives the verdict (so such a story costs the limit twice);
 * later jobs start a new worker.
 */
import { Worker } from 'node:worker_threads';
import { watchForOverrun, watchMemory } from './outside-watch.ts';
import { runParseJob, type JobResult, type ParseJob } from './parse-jobs.ts';
import type { ParseRequest, ParseWorkerData } from './parse-worker.ts';

type WorkerMessage = { id: number; result: unknown } | { id: number; error: string };

const WORKER_URL = new URL('./parse-worker.ts', import.meta.url);
/**
 * V8's stack limit on the main thread (its `--stack-size`, 984 KB) plus the 192 KB a worker's
 * thread keeps below its limit: deeply nested documents overflow at the same depth in both.
 */
const WORKER_STACK_MB = (984 + 192) / 1024;
/** How long an idle worker is kept for the next job; a load's jobs follow each other more closely. */
const IDLE_MS = 1_000;

interface Pending {
  job: ParseJob;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

const pending = new Map<number, Pending>();
let worker: Worker | undefined;
/** Stops watching the current worker's time-limited work. */
let unwatch = () => {};
let failed = false;
let nextId = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** Runs `job` on the parse worker (or on this thread when there is none). Rejects only when the job throws on this thread too. */
export function runOffThread<J extends ParseJob>(job: J): Promise<JobResult<J>> {
  const current = failed ? undefined : (worker ?? start());
  if (!current) return runParseJob(job);
  const id = ++nextId;
  clearTimeout(idleTimer);
  if (pending.size === 0) current.ref();
  return new Promise<unknown>((resolve, reject) => {
    pending.set(id, { job, resolve, reject });
    current.postMessage({ id, job } satisfies ParseRequest);
  }) as Promise<JobResult<J>>;
}

function start(): Worker | undefined {
  try {
    const watch = watchMemory();
    const created = new Worker(WORKER_URL, { workerData: { watch } satisfies ParseWorkerData, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
    worker = created;
    unwatch = watchForOverrun(watch, () => overrun(created)).stop;
    created.on('message', (message: WorkerMessage) => {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if (pending.size === 0) idle(created);
      if ('error' in message) runHere(entry);
      else entry.resolve(message.result);
    });
    created.on('error', () => fail(created));
    created.on('exit', () => fail(created));
    return created;
  } catch {
    failed = true;
    return undefined;
  }
}

/** No job is waiting: let the process exit, and stop the worker unless a job comes soon. */
function idle(current: Worker): void {
  current.unref();
  idleTimer = setTimeout(() => {
    if (current !== worker || pending.size > 0) return;
    drop(current);
  }, IDLE_MS);
  idleTimer.unref();
}

/** The worker died: its jobs run here, and so does every later one. */
function fail(dead: Worker): void {
  if (dead !== worker) return;
  drop(dead);
  failed = true;
  runOrphansHere();
}

/** Limited work on the worker ran past its limit: stop the worker; its jobs run here, later ones on a new worker. */
function overrun(stuck: Worker): void {
  if (stuck !== worker) return;
  drop(stuck);
  runOrphansHere();
}

function drop(current: Worker): void {
  worker = undefined;
  unwatch();
  void current.terminate();
}

function runOrphansHere(): void {
  const orphans = [...pending.values()];
  pending.clear();
  for (const entry of orphans) runHere(entry);
}

const runHere = ({ job, resolve, reject }: Pending) => void runParseJob(job).then(resolve, reject);
