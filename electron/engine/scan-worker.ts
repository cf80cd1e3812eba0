/**
 * Entry of a scan worker thread: reads, hashes and checks files off the main thread so the UI and
 * the watcher never wait on a large checkpoint. One job (or one batch of small files) at a time; a
 * job that throws is reported as `failed` (a bug in the checks), never as a dead worker.
 */
import { parentPort } from 'node:worker_threads';
import { runAnalyze, runJob } from './run-job';
import type { AnalyzeJob, BatchItemResult, JobMessage, ProgressMessage, ResultMessage } from './worker-protocol';

if (!parentPort) throw new Error('scan-worker.ts must run in a worker thread.');
const port = parentPort;

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** A batch: each job in turn, one reply for all; a job that throws fails alone. */
async function runBatch(id: number, jobs: readonly AnalyzeJob[]): Promise<void> {
  const replies: BatchItemResult[] = [];
  for (const job of jobs) {
    try {
      replies.push({ ok: true, reply: await runAnalyze(job) });
    } catch (error) {
      replies.push({ ok: false, message: describe(error) });
    }
  }
  port.postMessage({ id, ok: true, replies } satisfies ResultMessage);
}

port.on('message', (message: JobMessage) => {
  if ('jobs' in message) {
    void runBatch(message.id, message.jobs);
    return;
  }
  const progress = (done: number, total: number): void => port.postMessage({ id: message.id, progress: { done, total } } satisfies ProgressMessage);
  runJob(message.job, progress).then(
    (reply) => port.postMessage({ id: message.id, ok: true, reply } satisfies ResultMessage),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        message: describe(error),
      } satisfies ResultMessage),
  );
});
