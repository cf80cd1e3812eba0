/**
 * Read and decode one file for a diff or drift job, turning every way it can fail into a reply a
 * person can act on: gone, unreadable, too large, or not decodable (with the first finding that
 * says why).
 */
import { decodeFile } from '../../shared/checks/analyze-file';
import type { Value } from '../../shared/model/value';
import { readAndHash } from './read-file';
import { megabytes } from './run-job';
import type { JobFile, JobFileProblem } from './worker-protocol';

/** A decoded file, or why there is none. */
export type DecodedForJob =
  | { readonly kind: 'ok'; readonly value: Value; readonly format: string; readonly nodes?: number }
  | JobFileProblem;

/** Read `f` (up to `maxBytes`) and decode it; `purpose` completes "… so it cannot be <purpose>". */
export async function decodeForJob(f: JobFile, maxBytes: number, purpose: string): Promise<DecodedForJob> {
  // The scan hashed the file already; the job needs only its bytes.
  const outcome = await readAndHash(f.path, maxBytes, { hash: false });
  if (outcome.kind === 'vanished') return { kind: 'vanished', file: f.file };
  if (outcome.kind === 'unreadable') return { kind: 'unreadable', file: f.file, message: `${f.file} could not be read: ${outcome.message}.` };
  if (outcome.bytes === null) {
    return { kind: 'unreadable', file: f.file, message: `${f.file} is ${megabytes(outcome.size)}, above the ${megabytes(maxBytes)} limit for decoding, so it cannot be ${purpose}.` };
  }
  return decodeBytesForJob(f.file, outcome.bytes, purpose);
}

/** Decode bytes already read (the CLI reads its own files). */
export async function decodeBytesForJob(file: string, bytes: Uint8Array, purpose: string): Promise<DecodedForJob> {
  // The scan already ran the integrity checks on this file; the job needs only the value.
  const decoded = await decodeFile(file, bytes, { checks: false });
  const r = decoded.result;
  if (r.kind === 'ok') return { kind: 'ok', value: r.value, format: decoded.format, ...(r.nodes !== undefined ? { nodes: r.nodes } : {}) };
  const why = decoded.result.findings.find((f) => f.severity === 'error') ?? decoded.result.findings[0];
  return {
    kind: 'unreadable',
    file,
    // The finding's own sentences follow the verdict instead of sitting inside its parentheses.
    message: `${file} does not decode${why ? ` (${why.code})` : ''}, so it cannot be ${purpose}.${why ? ` ${why.message}` : ''} Pick a generation whose value decodes.`,
  };
}

/**
 * True for a format whose decoded trees never share a container (what the JSON reader builds,
 * compressed or not): the diff may then compare them by walking instead of hashing them whole.
 */
export function sharesNoNodes(format: string): boolean {
  return format === 'json' || format.startsWith('json+');
}
