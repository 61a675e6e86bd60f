/**
 * The parse worker. Started by parse-pool.ts; answers each `{ id, job }` with `{ id, result }`, or
 * `{ id, error }` when the job threw, in which case the pool runs the job on its own thread.
 */
import { parentPort } from 'node:worker_threads';
import { runParseJob, type ParseJob } from './parse-jobs.ts';

/** A request from the pool. */
export interface ParseRequest {
  id: number;
  job: ParseJob;
}

const port = parentPort;
if (!port) throw new Error('parse-worker.ts must be started as a worker thread.');

port.on('message', ({ id, job }: ParseRequest) => {
  runParseJob(job).then(
    (result) => port.postMessage({ id, result }),
    (error: unknown) => port.postMessage({ id, error: String(error) }),
  );
});
