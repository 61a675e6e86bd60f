/**
 * The Mermaid parser worker. Started by mermaid-pool.ts with
 * `new Worker(new URL('./mermaid-worker.ts', import.meta.url))`; Node runs the TypeScript natively.
 * Protocol: it posts `{ type: 'ready' }` once Mermaid is loaded (so loading never counts against a
 * diagram's timeout), then answers each `{ id, text }` with `{ type: 'result', id, result }`.
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
port.on('message', (request: WorkerRequest) => {
  // parseWithMermaid() catches everything Mermaid throws; the pool sends one request at a time.
  void parseWithMermaid(request.text).then((result) => port.postMessage({ type: 'result', id: request.id, result }));
});
port.postMessage({ type: 'ready' });
