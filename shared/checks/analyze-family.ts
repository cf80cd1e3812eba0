/** Family-level checks: merge member findings into generations, compare generations, pick a fallback. */
import type { FamilyPlan } from '../discovery/types';
import type { FamilySummary } from '../model/workspace';
import type { AnalysisOptions, FileAnalysis } from './types';

/** A file analysis plus what the engine knows about the file on disk. */
export type HashedFileAnalysis = FileAnalysis & { readonly sha256: string; readonly mtimeMs: number };

/** Input of `analyzeFamily`: the plan from discovery and the analysis of every member and stray. */
export interface FamilyInput {
  readonly id: string;
  readonly name: string;
  readonly dir: string;
  readonly root: string;
  readonly plan: FamilyPlan;
  /** Analyses keyed by member path (relative to `dir`). */
  readonly files: ReadonlyMap<string, HashedFileAnalysis>;
}

/** Summarise one family: per-generation health, the current generation, the fallback, a verdict. */
export function analyzeFamily(input: FamilyInput, options?: AnalysisOptions): FamilySummary {
  void options;
  return {
    id: input.id, name: input.name, dir: input.dir, root: input.root, kind: input.plan.kind, health: 'unknown',
    generations: [], currentId: null, fallbackId: null, verdict: '', findings: [],
  };
}
