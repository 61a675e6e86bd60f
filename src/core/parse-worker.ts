/**
 * The parse worker. Started by parse-pool.ts; answers each `{ id, job }` with `{ id, result }`, or
 * `{ id, error }` when the job threw, in which case the pool runs the job on its own thread.
 * Time-limited work (a story's Markdown) is watched by the pool, which stops this worker when it
 * overruns (outside-watch.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reportTo } from './outside-watch.ts';
import { runParseJob, type ParseJob } from './parse-jobs.ts';
import { watchFromOutside } from './time-limit.ts';

/** What the pool gives the worker: the memory its time-limited work is watched through. */
export interface ParseWorkerData {
  watch: SharedArrayBuffer;
}

/** A request from the pool. */
export interface ParseRequest {
  id: number;
  job: ParseJob;
}

const port = parentPort;
if (!port) throw new Error('parse-worker.ts must be started as a worker thread.');
watchFromOutside(reportTo((workerData as ParseWorkerData).watch));

port.on('message', ({ id, job }: ParseRequest) => {
  runParseJob(job).then(
    (result) => port.postMessage({ id, result }),
    (error: unknown) => port.postMessage({ id, error: String(error) }),
  );
});
