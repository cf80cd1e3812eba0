/**
 * The diff of two generations, computed in a worker: both files decoded, the structural diff
 * (`shared/diff`), and both values rendered as canonical pretty text with the place of every
 * change on each side, so the UI can show them side by side and jump to a change.
 *
 * What crosses back is text and short reprs only (no value trees), capped on every axis: at most
 * `maxChanges` changes and `maxChars` characters per side.
 */
import type { DiffViewChange } from '../../shared/api/contract';
import { diffValues } from '../../shared/diff/diff-values';
import { shortRepr } from '../../shared/drift/short-repr';
import { renderCanonical } from '../../shared/render/canonical-json';
import { decodeForJob, sharesNoNodes } from './decode-for-job';
import { nearestLocation, pointersToLocate } from './locate-pointers';
import { megabytes } from './run-job';
import type { DiffJob, DiffReply } from './worker-protocol';

/** Longest repr sent per side of a change; the editor shows the whole value. */
const REPR_CHARS = 100;

/** Run a diff job; `onProgress` hears about every percent of the diff. */
export async function runDiff(job: DiffJob, onProgress?: (done: number, total: number) => void): Promise<DiffReply> {
  const a = await decodeForJob(job.a, job.maxBytes, 'compared');
  if (a.kind !== 'ok') return a;
  const b = await decodeForJob(job.b, job.maxBytes, 'compared');
  if (b.kind !== 'ok') return b;

  // Report each whole percent only: a 50 MB value has millions of nodes.
  let lastStep = -1;
  const progress =
    onProgress &&
    ((done: number, total: number) => {
      const step = total > 0 ? Math.floor((done * 100) / total) : 0;
      if (step === lastStep) return;
      lastStep = step;
      onProgress(done, total);
    });
  const result = diffValues(a.value, b.value, {
    maxChanges: job.maxChanges,
    // JSON trees share no containers, which lets the diff compare by walking instead of hashing all.
    unshared: sharesNoNodes(a.format) && sharesNoNodes(b.format),
    ...(progress ? { onProgress: progress, nodes: { before: a.nodes, after: b.nodes } } : {}),
  });

  const locate = pointersToLocate(result.changes.map((c) => c.pointer));
  const textA = renderCanonical(a.value, { indent: 2, maxChars: job.maxChars, locate });
  const textB = renderCanonical(b.value, { indent: 2, maxChars: job.maxChars, locate });
  const changes: DiffViewChange[] = result.changes.map((c) => {
    const beforeAt = nearestLocation(textA.locations, c.pointer);
    const afterAt = nearestLocation(textB.locations, c.pointer);
    return {
      kind: c.kind,
      pointer: c.pointer,
      ...(c.before !== undefined ? { before: shortRepr(c.before, REPR_CHARS) } : {}),
      ...(c.after !== undefined ? { after: shortRepr(c.after, REPR_CHARS) } : {}),
      ...(beforeAt ? { beforeAt } : {}),
      ...(afterAt ? { afterAt } : {}),
    };
  });
  const note = (file: string) => `Showing the first ${megabytes(job.maxChars)} of ${file}; changes past that point are listed but cannot be shown in the editor.`;
  return {
    kind: 'diff',
    summary: result.summary,
    changes,
    truncated: result.truncated,
    a: { text: textA.text, truncated: textA.truncated, ...(textA.truncated ? { note: note(job.a.file) } : {}) },
    b: { text: textB.text, truncated: textB.truncated, ...(textB.truncated ? { note: note(job.b.file) } : {}) },
  };
}
