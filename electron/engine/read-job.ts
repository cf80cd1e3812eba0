/**
 * The value view of one file, computed in a worker: the canonical pretty text of the decoded value
 * with the line/column of each finding's pointer, or — when it does not decode — the file's raw
 * text with the line/column of each finding's byte offset. Both are capped so an editor stays
 * fluid; the note says how much is shown.
 */
import { decodeFile } from '../../shared/checks/analyze-file';
import { renderCanonical } from '../../shared/render/canonical-json';
import { renderRaw } from '../../shared/render/raw-text';
import { nodeSha256 } from './node-sha256';
import { readAndHash, readHead } from './read-file';
import { formatFromName, megabytes } from './run-job';
import type { ReadJob, ReadReply } from './worker-protocol';

/** Decode one file for the value view: canonical text when it decodes, the raw text otherwise. */
export async function runRead(job: ReadJob): Promise<ReadReply> {
  const outcome = await readAndHash(job.path, job.maxBytes);
  if (outcome.kind === 'vanished') return outcome;
  if (outcome.kind === 'unreadable') return { kind: 'unreadable', message: `${job.file} could not be read: ${outcome.message}.` };
  if (outcome.bytes === null) {
    const head = await readHead(job.path, job.maxChars);
    const raw = renderRaw(head.bytes, [...job.offsets], { maxChars: job.maxChars });
    return {
      kind: 'content',
      view: 'raw',
      format: formatFromName(job.file),
      text: raw.text,
      truncated: true,
      note: `Showing the first ${megabytes(head.bytes.length)} of ${megabytes(head.size)} as stored: the file is too large to decode here.`,
      locations: raw.locations,
      findings: [],
    };
  }
  const decoded = await decodeFile(job.file, outcome.bytes, { sha256: nodeSha256 });
  if (decoded.result.kind === 'ok') {
    const pointers = new Set([...job.pointers, ...decoded.result.findings.flatMap((f) => (f.pointer !== undefined ? [f.pointer] : []))]);
    const rendered = renderCanonical(decoded.result.value, { indent: 2, maxChars: job.maxChars, locate: [...pointers] });
    return {
      kind: 'content',
      view: 'decoded',
      format: decoded.format,
      text: rendered.text,
      truncated: rendered.truncated,
      ...(rendered.truncated ? { note: `Showing the first ${megabytes(job.maxChars)} of the decoded value; use \`ckpt-doctor inspect\` for all of it.` } : {}),
      locations: rendered.locations,
      findings: decoded.result.findings,
    };
  }
  const bytes = decoded.decompressed ?? outcome.bytes;
  const offsets = new Set([...job.offsets, ...decoded.result.findings.flatMap((f) => (f.offset !== undefined ? [f.offset] : []))]);
  const raw = renderRaw(bytes, [...offsets], { maxChars: job.maxChars });
  return {
    kind: 'content',
    view: 'raw',
    format: decoded.format,
    text: raw.text,
    truncated: raw.truncated,
    ...(raw.truncated ? { note: `Showing the first ${megabytes(job.maxChars)} of the file as stored; it could not be decoded.` } : {}),
    locations: raw.locations,
    findings: decoded.result.findings,
  };
}
