/**
 * Entry of a scan worker thread: reads, hashes and checks files off the main thread so the UI and
 * the watcher never wait on a large checkpoint. One job at a time; a job that throws is reported as
 * `failed` (a bug in the checks), never as a dead worker.
 */
import { parentPort } from 'node:worker_threads';
import { runJob } from './run-job';
import type { JobMessage, ProgressMessage, ResultMessage } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('scan-worker.ts must run in a worker thread.');

port.on('message', (message: JobMessage) => {
  const progress = (done: number, total: number): void => port.postMessage({ id: message.id, progress: { done, total } } satisfies ProgressMessage);
  runJob(message.job, progress).then(
    (reply) => port.postMessage({ id: message.id, ok: true, reply } satisfies ResultMessage),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      } satisfies ResultMessage),
  );
});
