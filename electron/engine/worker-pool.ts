/**
 * A small pool of scan workers (`worker_threads`). Jobs queue and run one per worker; workers
 * start on first use and an idle worker does not keep the process alive.
 *
 * A worker that crashes or exceeds the job time limit is terminated and replaced; its job fails
 * with a `WorkerJobError` instead of hanging the scan.
 *
 * Small `analyze` jobs (those with a `sizeHint`) that wait next to each other go to a worker as one
 * batch ({@link BATCH_MAX_JOBS} jobs, {@link BATCH_MAX_BYTES} bytes at most) and come back in one
 * reply: a scan of many small files otherwise spends most of its time passing messages, the worker
 * waiting for its next job. Each job still settles alone (a job that throws fails alone); if a
 * batch's worker crashes or the batch exceeds the time limit, its jobs run again one by one, so only
 * the file that caused it fails, with its own message.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { AnalyzeJob, JobMessage, ProgressMessage, ReplyFor, ResultMessage, WorkerJob } from './worker-protocol';

/** At most this many `analyze` jobs share one worker round trip. */
export const BATCH_MAX_JOBS = 64;
/** A batch holds files of at most this many bytes in all (by their size hints); a larger file goes alone. */
export const BATCH_MAX_BYTES = 4 * 1024 * 1024;

/** A job did not complete: the checks threw, the worker died, or it took too long. */
export class WorkerJobError extends Error {
  constructor(
    message: string,
    readonly reason: 'failed' | 'crashed' | 'timeout' | 'closed',
  ) {
    super(message);
    this.name = 'WorkerJobError';
  }
}

/** Counters, for progress and for tests that check a rescan is incremental. */
export interface PoolStats {
  readonly analyze: number;
  readonly read: number;
  readonly diff: number;
  readonly drift: number;
  readonly failed: number;
}

/** The pool. */
export interface WorkerPool {
  /** Run one job on the next free worker; `onProgress` hears how far a long job (diff, drift) got. */
  run<J extends WorkerJob>(job: J, onProgress?: (done: number, total: number) => void): Promise<ReplyFor<J>>;
  stats(): PoolStats;
  /** Terminate every worker; queued jobs fail with reason `closed`. */
  close(): Promise<void>;
}

/** Options of `createWorkerPool`. */
export interface WorkerPoolOptions {
  /** Number of workers; default min(2, cores). */
  readonly size?: number;
  /** A job (or batch) running longer than this is abandoned and its worker replaced (default 5 minutes). */
  readonly jobTimeoutMs?: number;
}

/** The default pool size: at most two workers, never more than the machine has cores. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * The old-generation size a worker's heap starts with, in MB. A worker exists to build big value
 * trees: a 100 MB JSON checkpoint becomes ~600 MB of nodes, all alive until the job ends. From
 * V8's default start (a few MB, raised after each full collection) the heap is marked in full two
 * or three times while the tree is still growing: 0.3–0.5 s of a 2.5 s parse spent finding that
 * everything is still alive. Starting at 1 GiB the tree is built without a full collection;
 * short-lived garbage is still collected young, and a scan of many small files stays as small
 * as before (measured by `npm run bench -- --only scan`: engine peak RSS unchanged).
 */
export const WORKER_INITIAL_OLD_SPACE_MB = 1024;

let heapsSized = false;

/**
 * Size the heap of every worker started from now on ({@link WORKER_INITIAL_OLD_SPACE_MB}). It is
 * a V8 flag, read when an isolate starts, so the running main thread keeps its own heap.
 */
export function sizeWorkerHeaps(): void {
  if (heapsSized) return;
  heapsSized = true;
  v8.setFlagsFromString(`--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`);
}

/**
 * Start a worker running `scan-worker`. Bundled, the worker sits next to the bundle as
 * `scan-worker.js`. From source (vitest, tsx) the `.ts` entry is loaded through tsx's API from a
 * tiny bootstrap: on Node 20 a worker's `--import tsx` runs too late to load a `.ts` entry.
 */
function spawnWorker(): Worker {
  sizeWorkerHeaps();
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) {
    return new Worker(new URL('./scan-worker.js', here));
  }
  const require = createRequire(here);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const entry = new URL('./scan-worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}));`;
  return new Worker(bootstrap, { eval: true });
}

interface Pending {
  readonly id: number;
  readonly job: WorkerJob;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress?: (done: number, total: number) => void;
  /** Run alone, never in a batch (a job retried after its batch's worker failed). */
  readonly single?: boolean;
}

/** What a worker is running: one job (its id) or a batch (an id of its own). */
interface Busy {
  readonly id: number;
  readonly items: readonly Pending[];
}

interface Slot {
  worker: Worker;
  busy: Busy | null;
  timer: NodeJS.Timeout | null;
}

/** The size hint of a job that may join a batch, else null. */
function batchBytes(p: Pending): number | null {
  if (p.single || p.job.kind !== 'analyze' || p.job.sizeHint === undefined || !(p.job.sizeHint <= BATCH_MAX_BYTES)) return null;
  return p.job.sizeHint;
}

/** Create a pool. */
export function createWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  const size = Math.max(1, options.size ?? defaultPoolSize());
  const timeoutMs = options.jobTimeoutMs ?? 5 * 60 * 1000;
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  const counts = { analyze: 0, read: 0, diff: 0, drift: 0, failed: 0 };
  let nextId = 1;
  let closed = false;

  const finish = (slot: Slot, settle: (items: readonly Pending[]) => void): void => {
    const busy = slot.busy;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.busy = null;
    slot.worker.unref();
    if (busy) settle(busy.items);
    pump();
  };

  const failed = (p: Pending, message: string): void => {
    counts.failed++;
    p.reject(new WorkerJobError(message, 'failed'));
  };

  const replace = (slot: Slot, error: WorkerJobError): void => {
    const old = slot.worker;
    old.removeAllListeners();
    old.on('error', () => undefined);
    void old.terminate();
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    const items = slot.busy?.items ?? [];
    if (slot.timer) clearTimeout(slot.timer);
    slot.busy = null;
    if (items.length > 1) {
      // Which file of the batch did it is unknown: run each again alone, first in line.
      for (const p of items) counts[p.job.kind]--;
      queue.unshift(...items.map((p) => ({ ...p, single: true })));
    } else if (items.length === 1) {
      counts.failed++;
      items[0].reject(error);
    }
    pump();
  };

  const addSlot = (): Slot => {
    const slot: Slot = { worker: spawnWorker(), busy: null, timer: null };
    slot.worker.unref();
    slot.worker.on('message', (message: ResultMessage | ProgressMessage) => {
      if (!slot.busy || slot.busy.id !== message.id) return;
      if ('progress' in message) {
        slot.busy.items[0].onProgress?.(message.progress.done, message.progress.total);
        return;
      }
      finish(slot, (items) => {
        if ('replies' in message) {
          items.forEach((p, i) => {
            const r = message.replies[i];
            if (r?.ok) p.resolve(r.reply);
            else failed(p, r?.message ?? 'The scan worker gave no answer for this file.');
          });
        } else if (message.ok) items[0].resolve(message.reply);
        else failed(items[0], message.message);
      });
    });
    slot.worker.on('error', (error) => {
      replace(slot, new WorkerJobError(`The scan worker stopped: ${error instanceof Error ? error.message : String(error)}`, 'crashed'));
    });
    slot.worker.on('exit', (code) => {
      if (closed) return;
      replace(slot, new WorkerJobError(`The scan worker exited unexpectedly (code ${code}).`, 'crashed'));
    });
    slots.push(slot);
    return slot;
  };

  const pump = (): void => {
    while (!closed && queue.length > 0) {
      let slot = slots.find((s) => !s.busy);
      if (!slot && slots.length < size) slot = addSlot();
      if (!slot) return;
      const items = [queue.shift()!];
      let bytes = batchBytes(items[0]);
      while (bytes !== null && items.length < BATCH_MAX_JOBS && queue.length > 0) {
        const next = batchBytes(queue[0]);
        if (next === null || bytes + next > BATCH_MAX_BYTES) break;
        items.push(queue.shift()!);
        bytes += next;
      }
      const id = items.length === 1 ? items[0].id : nextId++;
      slot.busy = { id, items };
      for (const p of items) counts[p.job.kind]++;
      slot.worker.ref();
      const current = slot;
      const what = items.length === 1 ? items[0].job.file : `${items.length} files`;
      slot.timer = setTimeout(() => {
        replace(current, new WorkerJobError(`Checking ${what} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`, 'timeout'));
      }, timeoutMs);
      slot.timer.unref();
      slot.worker.postMessage(
        (items.length === 1 ? { id, job: items[0].job } : { id, jobs: items.map((p) => p.job as AnalyzeJob) }) satisfies JobMessage,
      );
    }
  };

  return {
    run<J extends WorkerJob>(job: J, onProgress?: (done: number, total: number) => void): Promise<ReplyFor<J>> {
      if (closed) return Promise.reject(new WorkerJobError('The scanner is shutting down.', 'closed'));
      return new Promise<ReplyFor<J>>((resolve, reject) => {
        queue.push({ id: nextId++, job, resolve: resolve as (reply: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
        pump();
      });
    },
    stats: () => ({ ...counts }),
    async close(): Promise<void> {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new WorkerJobError('The scanner is shutting down.', 'closed'));
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          if (slot.timer) clearTimeout(slot.timer);
          for (const p of slot.busy?.items ?? []) p.reject(new WorkerJobError('The scanner is shutting down.', 'closed'));
          slot.worker.removeAllListeners();
          slot.worker.on('error', () => undefined);
          await slot.worker.terminate();
        }),
      );
    },
  };
}
