/**
 * One Mermaid worker thread, shared by every diagram, with a queue and a per-diagram time limit.
 * Why a worker: a pathological diagram can send a parser into a loop that no promise can interrupt;
 * only terminating the thread stops it. Why one, reused: loading Mermaid costs about half a
 * second, parsing a diagram a few milliseconds.
 *
 * The diagrams queued while the worker is busy go to it together, in one message (a message costs
 * about as much as parsing a small diagram). It parses them one at a time, in order, and answers
 * each as soon as it is parsed. So the diagram being parsed is always the first unanswered one,
 * and its time starts when the one before it was answered (never early, since the worker started
 * it before). A diagram that runs out of time is reported, the worker is stopped, and the
 * diagrams after it go to a fresh worker.
 * The worker is unref'd whenever the queue is empty, so a CLI exits without calling closeMermaid().
 */
import { Worker } from 'node:worker_threads';
import type { EngineResult } from './mermaid-engine.ts';
import type { WorkerRequest } from './mermaid-worker.ts';

/** How one diagram went: parsed (or rejected) by Mermaid, too slow, or the worker died on it. */
export type PoolOutcome = { status: 'done'; result: EngineResult } | { status: 'timeout' } | { status: 'crashed'; reason: string };

interface Job {
  text: string;
  timeoutMs: number;
  resolve(outcome: PoolOutcome): void;
  reject(error: Error): void;
}

type WorkerMessage = { type: 'ready' } | { type: 'result'; id: number; result: EngineResult };

const WORKER_URL = new URL('./mermaid-worker.ts', import.meta.url);
/** Generous for Mermaid plus jsdom; a diagram that needs more is reported instead of taking the build down. */
const WORKER_HEAP_MB = 512;

/** At most this many diagrams go to the worker in one message. */
const MAX_BATCH = 64;

const queue: Job[] = [];
let worker: Worker | undefined;
let ready = false;
/** The diagrams sent to the worker and not yet answered, in order; the first one's time is running. */
let running: { batch: Array<{ id: number; job: Job }>; timer: NodeJS.Timeout | undefined } | undefined;
let nextId = 0;
let idleWaiters: Array<() => void> = [];

/** Queues one diagram for the worker. Resolves with its outcome; rejects only if the worker cannot start. */
export function runInWorker(text: string, timeoutMs: number): Promise<PoolOutcome> {
  return new Promise((resolve, reject) => {
    queue.push({ text, timeoutMs, resolve, reject });
    pump();
  });
}

/**
 * Starts the worker ahead of the first diagram, so that loading Mermaid (about a second) overlaps
 * with reading the first bundles. It does not keep the process alive.
 */
export function startWorker(): void {
  if (worker) return;
  start().unref();
}

/** Waits for queued diagrams, then stops the worker. A later runInWorker() starts a new one. */
export async function closeWorker(): Promise<void> {
  while (running || queue.length > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
  const current = worker;
  if (!current) return;
  discard(current);
  await current.terminate();
}

function pump(): void {
  if (running) return;
  if (queue.length === 0) {
    worker?.unref();
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const wake of waiters) wake();
    return;
  }
  const current = worker ?? start();
  current.ref();
  if (!ready) return; // the 'ready' message pumps again
  const batch = queue.splice(0, MAX_BATCH).map((job) => ({ id: ++nextId, job }));
  running = { batch, timer: undefined };
  startClock(current);
  current.postMessage(batch.map(({ id, job }) => ({ id, text: job.text })) satisfies WorkerRequest[]);
}

/** The first unanswered diagram is the one being parsed: its time starts now. */
function startClock(current: Worker): void {
  if (!running) return;
  running.timer = setTimeout(() => {
    // The parser is stuck: only terminating the thread stops it.
    discard(current);
    void current.terminate();
    finish({ status: 'timeout' });
  }, running.batch[0]!.job.timeoutMs);
}

function start(): Worker {
  const created = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  worker = created;
  ready = false;
  created.on('message', (message: WorkerMessage) => {
    if (created !== worker) return;
    if (message.type === 'ready') {
      ready = true;
      pump();
    } else if (running?.batch[0]?.id === message.id) {
      finish({ status: 'done', result: message.result });
    }
  });
  created.on('error', (error) => lost(created, error.message));
  created.on('exit', (code) => lost(created, `the worker exited with code ${code}`));
  return created;
}

/** The worker died: blame the diagram it was parsing, or, if it never got ready, the environment. */
function lost(dead: Worker, reason: string): void {
  if (dead !== worker) return;
  const startedUp = ready;
  discard(dead);
  if (running) {
    finish({ status: 'crashed', reason });
    return;
  }
  if (!startedUp) {
    const error = new Error(`Specport could not start the Mermaid parser worker (${WORKER_URL.pathname}): ${reason}`);
    for (const job of queue.splice(0)) job.reject(error);
    pump();
  }
}

function discard(dead: Worker): void {
  if (dead === worker) {
    worker = undefined;
    ready = false;
  }
}

/** The first unanswered diagram is done: the next one's time starts; if the worker is gone, the rest are queued again. */
function finish(outcome: PoolOutcome): void {
  const sent = running;
  if (!sent) return;
  clearTimeout(sent.timer);
  sent.batch.shift()!.job.resolve(outcome);
  if (outcome.status === 'done' && sent.batch.length > 0 && worker) {
    startClock(worker);
    return;
  }
  running = undefined;
  queue.unshift(...sent.batch.map(({ job }) => job));
  pump();
}
