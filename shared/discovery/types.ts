/**
 * Discovery input and output: the engine lists a directory, discovery (pure) groups its entries
 * into families and generations by name alone. Reading and checking the bytes comes after.
 */
import type { FamilyKind, MemberRole } from '../model/workspace';

/** One entry of a directory listing, as the engine saw it. */
export interface DirEntryInfo {
  readonly name: string;
  readonly kind: 'file' | 'dir';
  readonly size: number;
  readonly mtimeMs: number;
  /** For directories: their own entries, one level deep (so `step-120/` can be a generation). */
  readonly children?: readonly DirEntryInfo[];
}

/** One file of a planned generation. */
export interface MemberPlan {
  /** Path relative to the family's directory (`agent.1.json`, `step-120/model.pkl`). */
  readonly path: string;
  readonly role: MemberRole;
  readonly size: number;
  readonly mtimeMs: number;
}

/** One generation, as named on disk. */
export interface GenerationPlan {
  /** Short display name (`agent.1.json`, `ckpt_007`, `step-120`). */
  readonly label: string;
  /** The member a resuming program reads first (the JSON of a ring, the `.pkl` of a triple). */
  readonly mainPath: string;
  readonly members: readonly MemberPlan[];
  /** True for the generation a resuming program would load. */
  readonly current: boolean;
  /** Position in naming order: 0 is what the names say is newest. */
  readonly order: number;
}

/** One family: the generations of one job in one directory, newest first by naming order. */
export interface FamilyPlan {
  readonly name: string;
  readonly kind: FamilyKind;
  readonly generations: readonly GenerationPlan[];
  /** Leftover temp files of interrupted atomic writes that belong to this family. */
  readonly strays: readonly MemberPlan[];
}

/** Result of grouping one directory. */
export interface DiscoveryResult {
  readonly families: readonly FamilyPlan[];
  /** Sub-directories consumed as generations (`step-120`): the engine must not descend into them. */
  readonly consumedDirs: readonly string[];
  /** Names that are not checkpoints (README.md, logs, …). */
  readonly ignored: readonly string[];
}
