/**
 * Type drift of one JSON file, computed in a worker: the JSON decoded as a loader sees it, the
 * pre-save side from the best source (DESIGN "Type drift": the typed pickle image, else the
 * `ckpt-types/1` manifest, else inference labelled `inferred`), judged by `shared/drift`.
 *
 * A pre-save file that is present but unusable (truncated pickle, malformed manifest) does not
 * fail the job: the drift falls back to inference and `sourceProblem` says why, because a
 * person mid-incident still wants the table.
 */
import { computeDrift } from '../../shared/drift/compute-drift';
import { parseTypeManifest } from '../../shared/drift/type-manifest';
import type { DriftLoader, DriftReport, TypeManifest } from '../../shared/drift/types';
import type { Value } from '../../shared/model/value';
import { renderCanonical } from '../../shared/render/canonical-json';
import { decodeForJob, type DecodedForJob } from './decode-for-job';
import { pointersToLocate } from './locate-pointers';
import type { DriftJob, DriftReply } from './worker-protocol';

/** The pre-save side as found: a decoded typed image or manifest file, with its role. */
export interface PreSide {
  readonly role: 'pickle' | 'types';
  readonly file: string;
  readonly decoded: DecodedForJob;
}

/** Judge `post` against `pre` (null: infer). Pure; shared by the worker job and the CLI. */
export function judgeDrift(post: Value, pre: PreSide | null, loader: DriftLoader): { report: DriftReport; sourceProblem?: string } {
  if (!pre) return { report: computeDrift({ post, pre: null, preSource: 'inferred', loader }) };
  if (pre.decoded.kind !== 'ok') {
    const why = pre.decoded.kind === 'vanished' ? `${pre.file} disappeared while it was read` : pre.decoded.message;
    return { report: computeDrift({ post, pre: null, preSource: 'inferred', loader }), sourceProblem: `${why} The pre-save types were inferred from the JSON instead.` };
  }
  if (pre.role === 'pickle') return { report: computeDrift({ post, pre: pre.decoded.value, preSource: 'pickle', loader }) };
  const manifest = parseTypeManifest(pre.decoded.value);
  if (manifest.kind === 'error') {
    return {
      report: computeDrift({ post, pre: null, preSource: 'inferred', loader }),
      sourceProblem: `${pre.file} is not a usable type manifest: ${manifest.error} The pre-save types were inferred from the JSON instead.`,
    };
  }
  return { report: computeDrift({ post, pre: null, preSource: 'manifest', manifest: manifest satisfies TypeManifest, loader }) };
}

/** Run a drift job. */
export async function runDrift(job: DriftJob): Promise<DriftReply> {
  const post = await decodeForJob(job.post, job.maxBytes, 'judged for type drift');
  if (post.kind !== 'ok') return post;
  const pre: PreSide | null = job.pre ? { role: job.pre.role, file: job.pre.file, decoded: await decodeForJob(job.pre, job.maxBytes, 'used as the pre-save side') } : null;
  const { report, sourceProblem } = judgeDrift(post.value, pre, job.loader);
  const base = { kind: 'drift' as const, report, ...(sourceProblem ? { sourceProblem } : {}) };
  if (job.maxChars <= 0) return { ...base, text: '', textTruncated: false, locations: {} };
  const rendered = renderCanonical(post.value, { indent: 2, maxChars: job.maxChars, locate: pointersToLocate(report.entries.map((e) => e.pointer)) });
  return { ...base, text: rendered.text, textTruncated: rendered.truncated, locations: rendered.locations };
}
