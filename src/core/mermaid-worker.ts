/**
 * The Mermaid parser worker. Started by mermaid-pool.ts with
 * `new Worker(new URL('./mermaid-worker.ts', import.meta.url))`; Node runs the TypeScript natively.
 * Protocol: it posts `{ type: 'ready' }` once Mermaid is loaded (so loading never counts against a
 * diagram's timeout). Each message is a list of `{ id, text }`: it parses them in order and answers
 * each with `{ type: 'result', id, result }` as soon as it is parsed.
 */
import { parentPort } from 'node:worker_threads';
import { loadMermaid, parseWithMermaid } from './mermaid-engine.ts';

/** A request from the pool. */
export interface WorkerRequest {
  id: number;
  text: string;
}

const port = parentPort;
if (!port) throw new Error('mermaid-worker.ts must be started as a worker thread.');

await loadMermaid();
port.on('message', async (requests: WorkerRequest[]) => {
  // parseWithMermaid() catches everything Mermaid throws; the pool sends the next list once this one is answered.
  for (const { id, text } of requests) port.postMessage({ type: 'result', id, result: await parseWithMermaid(text) });
});
port.postMessage({ type: 'ready' });
