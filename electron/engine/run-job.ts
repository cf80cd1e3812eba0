/**
 * What a scan worker does for one job. Kept apart from the worker entry so it can also run
 * in-process (tests).
 */
import { analyzeFile } from '../../shared/checks/analyze-file';
import type { FileAnalysis } from '../../shared/checks/types';
import type { Finding } from '../../shared/model/finding';
import { nodeSha256 } from './node-sha256';
import { readAndHash } from './read-file';
import type { AnalyzeJob, AnalyzeReply, DiffReply, DriftReply, ReadReply, WorkerJob } from './worker-protocol';

/** A format name from the file name alone, for files whose bytes were not decoded. */
export function formatFromName(name: string): string {
  const lower = name.toLowerCase();
  const compression = /\.(gz|xz|bz2|zst|lz4)$/.exec(lower);
  const base = compression ? lower.slice(0, -compression[0].length) : lower;
  const format = /\.json$/.test(base) ? 'json' : /\.(pkl|pickle)$/.test(base) ? 'pickle' : 'unknown';
  const codec = compression ? { gz: 'gzip', xz: 'xz', bz2: 'bz2', zst: 'zstd', lz4: 'lz4' }[compression[1]] : undefined;
  return codec ? `${format}+${codec}` : format;
}

/** `12.5 MB`, or a byte count for small sizes. */
export function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n >= 100 * 1024 * 1024 ? 0 : 1)} MB` : `${n} bytes`;
}

function bareAnalysis(file: string, size: number, findings: Finding[]): FileAnalysis {
  return { path: file, size, format: formatFromName(file), decoded: false, findings, schemaVersion: null, envelope: null, containers: {} };
}

/** Hash and check one file. */
export async function runAnalyze(job: AnalyzeJob): Promise<AnalyzeReply> {
  const outcome = await readAndHash(job.path, job.maxBytes);
  if (outcome.kind === 'vanished') return outcome;
  if (outcome.kind === 'unreadable') {
    const finding: Finding = {
      code: 'file.unreadable',
      severity: 'error',
      message: `${job.file} could not be read: ${outcome.message}. Until it can be read its health is unknown, so it is not offered as a fallback.`,
      file: job.file,
    };
    return { kind: 'analyzed', analysis: bareAnalysis(job.file, 0, [finding]), sha256: '', size: 0, mtimeMs: 0, stable: false };
  }
  let analysis: FileAnalysis;
  if (outcome.bytes === null) {
    analysis = bareAnalysis(job.file, outcome.size, [
      {
        code: 'file.too_large',
        severity: 'info',
        message: `${job.file} is ${megabytes(outcome.size)}, above the ${megabytes(job.maxBytes)} limit for content checks: it was hashed but not decoded, so its health rests on its name and size only.`,
        file: job.file,
      },
    ]);
  } else {
    analysis = await analyzeFile(job.file, outcome.bytes, { ...job.options, sha256: nodeSha256 });
  }
  if (!outcome.stable) {
    analysis = {
      ...analysis,
      findings: [
        ...analysis.findings,
        {
          code: 'write.in_progress',
          severity: 'warning',
          message: `${job.file} changed while it was being read, so another process is probably still writing it. Its findings may be about half-written bytes; it is checked again once the writes stop.`,
          file: job.file,
        },
      ],
    };
  }
  return { kind: 'analyzed', analysis, sha256: outcome.sha256, size: outcome.size, mtimeMs: outcome.mtimeMs, stable: outcome.stable };
}

/**
 * Run any job. The value view's renderers, the diff and the drift load on first use: a scan of
 * files without a typed twin never needs them. `onProgress` is called by long jobs (diff).
 */
export async function runJob(job: WorkerJob, onProgress?: (done: number, total: number) => void): Promise<AnalyzeReply | ReadReply | DiffReply | DriftReply> {
  switch (job.kind) {
    case 'analyze':
      return runAnalyze(job);
    case 'read':
      return (await import('./read-job')).runRead(job);
    case 'diff':
      return (await import('./diff-job')).runDiff(job, onProgress);
    case 'drift':
      return (await import('./drift-job')).runDrift(job);
  }
}
