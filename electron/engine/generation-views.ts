/**
 * Diff and type drift for the engine: which member files to compare, running the work in the
 * worker pool (never on the main thread), caching answers by the files' sha256, and forwarding
 * progress of long diffs as engine events.
 *
 * Drift during the scan: a generation whose JSON has a typed twin (`X.pkl`, or the pickle member
 * of a triple) or a `X.json.types.json` manifest gets its drift findings with every scan, cached
 * by the two files' hashes so a rescan does not redo it. Inferred drift is only computed when a
 * person opens the Drift tab or runs `ckpt-doctor drift`: guessing types from strings in every
 * JSON file would double the scan of a big folder and flood healthy files with `coerced` notes.
 *
 * Invariants: only generation ids from the engine's own snapshot are accepted (no client path);
 * every path is re-checked against the roots before a worker reads it.
 */
import { resolve } from 'node:path';
import type { DiffView, DriftView, DriftViewEntry, JobProgress } from '../../shared/api/contract';
import type { HashedFileAnalysis } from '../../shared/checks/analyze-family';
import { driftFindings } from '../../shared/drift/drift-findings';
import type { DriftLoader, DriftReport } from '../../shared/drift/types';
import type { FamilySummary, GenerationSummary, MemberRole } from '../../shared/model/workspace';
import type { FamilyPlan } from '../../shared/discovery/types';
import { EngineError } from './engine-error';
import { nearestLocation } from './locate-pointers';
import { formatFromName } from './run-job';
import { WorkerJobError, type WorkerPool } from './worker-pool';
import type { DiffReply, DriftReply, JobFile, JobFileProblem } from './worker-protocol';

/** Cap on listed diff changes (the summary counts all). */
export const MAX_DIFF_CHANGES = 100_000;

/** What the views need from the engine. */
export interface GenerationViewsDeps {
  readonly pool: WorkerPool;
  /** The generation with this id in the current snapshot; throws `not_found`. */
  readonly lookup: (generationId: string) => { readonly family: FamilySummary; readonly generation: GenerationSummary };
  /** The real path of `abs` after checking it is inside a root; throws `EngineError`. */
  readonly resolveReal: (abs: string) => Promise<string>;
  /** Broadcast progress of a long job. */
  readonly progress: (progress: JobProgress) => void;
  readonly maxBytes: number;
  readonly maxChars: number;
}

/** One family of a scan, with the analyses of its files (entries may be replaced). */
export interface ScanFamily {
  readonly dir: string;
  readonly plan: FamilyPlan;
  readonly files: Map<string, HashedFileAnalysis>;
}

/** The engine's diff and drift service. */
export interface GenerationViews {
  diffGenerations(aId: string, bId: string): Promise<DiffView>;
  driftOf(generationId: string, loader: DriftLoader): Promise<DriftView>;
  /** Add drift findings to the JSON member of every generation with a typed twin or manifest. */
  addScanDrift(families: readonly ScanFamily[]): Promise<void>;
}

interface MemberRef {
  readonly path: string;
  readonly role: MemberRole;
}

/** The JSON a loader reads, and the best pre-save member beside it, per DESIGN's order. */
export function driftMembers(members: readonly MemberRef[], mainPath: string): { post: MemberRef | null; pre: (MemberRef & { role: 'pickle' | 'types' }) | null } {
  const isJson = (m: MemberRef) => m.role !== 'types' && m.role !== 'meta' && formatFromName(m.path).startsWith('json');
  const main = members.find((m) => m.path === mainPath);
  const post = (main && isJson(main) ? main : undefined) ?? members.find((m) => m.role === 'state' && isJson(m)) ?? members.find(isJson) ?? null;
  if (!post) return { post: null, pre: null };
  // Only a twin by name (`X.pkl` beside `X.json`) is an image of the same state. The pickle of a
  // three-file set (`X.pkl` + `X.state.json`) holds other objects (the execution context), so
  // comparing it with the state JSON would report everything it holds as dropped.
  const pickle = members.find((m) => m.role === 'pickle' && m !== post && stemOf(m.path) === stemOf(post.path));
  const types = members.find((m) => m.role === 'types');
  const pre = pickle ? { ...pickle, role: 'pickle' as const } : types ? { ...types, role: 'types' as const } : null;
  return { post, pre };
}

/** A member's name without its compression suffix and format extension (`a/x.json.gz` → `a/x`). */
function stemOf(path: string): string {
  return path.replace(/\.(gz|xz|bz2|zst|lz4)$/i, '').replace(/\.(json|pkl|pickle|pck)$/i, '');
}

/** A small most-recently-used cache of promises, so equal requests share one job. */
class Lru<V> {
  private readonly map = new Map<string, Promise<V>>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => Promise<V>): Promise<V> {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const made = make();
    this.map.set(key, made);
    // A failure is not worth remembering: the next try may succeed (the file settled).
    made.catch(() => this.map.delete(key));
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    return made;
  }
}

function problemError(problem: JobFileProblem): EngineError {
  if (problem.kind === 'vanished') {
    return new EngineError('not_found', `${problem.file} is no longer on disk (it was probably rotated or deleted). The list refreshes on its own; pick the generation again.`);
  }
  return new EngineError('unreadable', problem.message);
}

function jobError(what: string, error: unknown): EngineError {
  const reason = error instanceof WorkerJobError && error.reason === 'timeout' ? 'it took too long' : error instanceof Error ? error.message : String(error);
  return new EngineError('internal', `Checkpoint Doctor could not ${what} (${reason}). Try again; the health verdicts are unaffected.`);
}

/** Create the service. */
export function createGenerationViews(deps: GenerationViewsDeps): GenerationViews {
  // Texts of a diff can be megabytes each: keep only the last few.
  const diffs = new Lru<Extract<DiffReply, { kind: 'diff' }>>(4);
  const drifts = new Lru<Extract<DriftReply, { kind: 'drift' }>>(8);
  const scanReports = new Lru<DriftReport | null>(512);

  const jobFile = async (family: FamilySummary, path: string): Promise<JobFile> => ({ path: await deps.resolveReal(resolve(family.dir, path)), file: path });

  return {
    async diffGenerations(aId, bId) {
      const a = deps.lookup(aId);
      const b = deps.lookup(bId);
      const key = [a.generation.sha256 || aId, b.generation.sha256 || bId, a.generation.mainPath, b.generation.mainPath].join('\n');
      const reply = await diffs.get(key, async () => {
        const job = {
          kind: 'diff' as const,
          a: await jobFile(a.family, a.generation.mainPath),
          b: await jobFile(b.family, b.generation.mainPath),
          file: `${a.generation.label} and ${b.generation.label}`,
          maxBytes: deps.maxBytes,
          maxChars: deps.maxChars,
          maxChanges: MAX_DIFF_CHANGES,
        };
        let r: DiffReply;
        try {
          r = await deps.pool.run(job, (done, total) => deps.progress({ job: 'diff', key: `${aId}\n${bId}`, done, total }));
        } catch (error) {
          throw jobError(`compare ${job.file}`, error);
        }
        if (r.kind !== 'diff') throw problemError(r);
        return r;
      });
      return {
        a: { generationId: aId, label: a.generation.label, path: a.generation.mainPath, ...reply.a },
        b: { generationId: bId, label: b.generation.label, path: b.generation.mainPath, ...reply.b },
        summary: reply.summary,
        changes: reply.changes,
        truncated: reply.truncated,
      };
    },

    async driftOf(generationId, loader) {
      const { family, generation } = deps.lookup(generationId);
      const { post, pre } = driftMembers(generation.members, generation.mainPath);
      if (!post) {
        throw new EngineError(
          'not_applicable',
          `${generation.label} has no JSON file, so nothing is lost by a JSON round trip here. Type drift is about JSON checkpoints (and their pickle twins or type manifests).`,
        );
      }
      const sha = (p: string) => generation.members.find((m) => m.path === p)?.sha256 || p;
      const key = [sha(post.path), pre ? sha(pre.path) : '', loader, generationId].join('\n');
      const reply = await drifts.get(key, async () => {
        const job = {
          kind: 'drift' as const,
          post: await jobFile(family, post.path),
          pre: pre ? { ...(await jobFile(family, pre.path)), role: pre.role } : null,
          file: post.path,
          loader,
          maxBytes: deps.maxBytes,
          maxChars: deps.maxChars,
        };
        let r: DriftReply;
        try {
          r = await deps.pool.run(job);
        } catch (error) {
          throw jobError(`judge the type drift of ${post.path}`, error);
        }
        if (r.kind !== 'drift') throw problemError(r);
        return r;
      });
      const { report } = reply;
      const entries: DriftViewEntry[] = report.entries.map((e) => {
        const at = nearestLocation(reply.locations, e.pointer);
        return { ...e, ...(at ? { at } : {}) };
      });
      return {
        generationId,
        path: post.path,
        source: report.source,
        prePath: report.source === 'inferred' ? null : (pre?.path ?? null),
        ...(reply.sourceProblem ? { sourceProblem: reply.sourceProblem } : {}),
        loader: report.loader,
        counts: report.counts,
        entries,
        truncated: report.truncated === true,
        text: reply.text,
        textTruncated: reply.textTruncated,
      };
    },

    async addScanDrift(families) {
      const work: Promise<void>[] = [];
      for (const { dir, plan, files } of families) {
        for (const g of plan.generations) {
          const { post, pre } = driftMembers(g.members, g.mainPath);
          if (!post || !pre) continue;
          const a = files.get(post.path);
          const p = files.get(pre.path);
          // Only decodable pairs: a broken file already has its own findings.
          if (!a?.decoded || !p?.decoded || !a.sha256 || !p.sha256) continue;
          const key = `${a.sha256}\n${p.sha256}`;
          work.push(
            scanReports
              .get(key, async () => {
                try {
                  const reply = await deps.pool.run({
                    kind: 'drift',
                    post: { path: await deps.resolveReal(resolve(dir, post.path)), file: post.path },
                    pre: { path: await deps.resolveReal(resolve(dir, pre.path)), file: pre.path, role: pre.role },
                    file: post.path,
                    loader: 'python',
                    maxBytes: deps.maxBytes,
                    maxChars: 0,
                  });
                  // An unusable twin is reported by its own checks; inferred drift waits for the tab.
                  return reply.kind === 'drift' && !reply.sourceProblem ? reply.report : null;
                } catch {
                  return null;
                }
              })
              .then((report) => {
                if (!report) return;
                const findings = driftFindings(report, post.path);
                const now = files.get(post.path);
                if (findings.length > 0 && now) files.set(post.path, { ...now, findings: [...now.findings, ...findings] });
              }),
          );
        }
      }
      await Promise.all(work);
    },
  };
}
