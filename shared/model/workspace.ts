/**
 * What the engine knows about the folders a person added, as the UI and the CLI see it. Plain,
 * immutable, structured-clone and JSON friendly (no bigint, no Map) so it crosses IPC, WebSocket
 * and worker boundaries unchanged.
 */
import { isDecodeFailure, type Finding, type Health } from './finding';

/** How the generations of a family are named. */
export type FamilyKind =
  | 'ring' // x.json current, x.1.json, x.2.json …
  | 'numbered' // ckpt_000 … ckpt_NNN
  | 'timestamped' // ISO or epoch timestamps in the name
  | 'step-dirs' // step-120/ directories
  | 'triple' // X.pkl + X.state.json + X.meta.json sets
  | 'single'; // one file, one generation

/** What a member file is for inside its generation. */
export type MemberRole = 'main' | 'pickle' | 'state' | 'meta' | 'types' | 'member';

/** One file of a generation. */
export interface MemberSummary {
  /** Path relative to the family's directory (`agent.1.json`, `step-120/model.pkl`). */
  readonly path: string;
  readonly role: MemberRole;
  readonly size: number;
  readonly mtimeMs: number;
  /** Hex sha256 of the raw bytes on disk; empty until hashed. */
  readonly sha256: string;
  /** Detected format, e.g. `json`, `pickle`, `json+gzip`. */
  readonly format: string;
}

/** One saved state of a family. */
export interface GenerationSummary {
  /** Stable id: `${familyId}#${mainPath}`. */
  readonly id: string;
  /** Short display name (`agent.1.json`, `ckpt_007`, `step-120`). */
  readonly label: string;
  /** Path of the generation's main file, relative to the family's directory. */
  readonly mainPath: string;
  readonly members: readonly MemberSummary[];
  /** True for the generation a resuming program would load. */
  readonly current: boolean;
  /** True when there is no error finding. */
  readonly healthy: boolean;
  readonly health: Health;
  /** sha256 of the main member (first 64 hex chars). */
  readonly sha256: string;
  /** Total size of all members in bytes. */
  readonly size: number;
  /** Newest member mtime. */
  readonly mtimeMs: number;
  /** `schema_version` (or similar) if the checkpoint records one. */
  readonly schemaVersion: string | null;
  readonly findings: readonly Finding[];
  /**
   * Present (true) while a member file is still being checked during a scan: `health` is then
   * `unknown`, `healthy` false, and `findings` holds only what the already checked members gave.
   * Never present once a scan is over (what the CLI and `whenIdle` see).
   */
  readonly checking?: true;
}

/**
 * The finding that says the main file of `g` (what a diff job decodes) gives no value, or
 * null when it decoded or has not been checked yet. A broken generation may still decode: a
 * checksum mismatch or an unsafe pickle is an error about a value that is there.
 */
export function decodeFailureOf(g: Pick<GenerationSummary, 'mainPath' | 'findings'>): Finding | null {
  return g.findings.find((f) => f.file === g.mainPath && isDecodeFailure(f)) ?? null;
}

/** The checkpoints of one job in one directory. */
export interface FamilySummary {
  /** Stable id: `${dir}::${name}`. */
  readonly id: string;
  readonly name: string;
  /** Absolute directory of the family. */
  readonly dir: string;
  /** The root (added folder) this family was found under. */
  readonly root: string;
  readonly kind: FamilyKind;
  /** Worst health of the current generation. */
  readonly health: Health;
  /** Generations newest first. */
  readonly generations: readonly GenerationSummary[];
  /** Id of the current generation, or null when none could be determined. */
  readonly currentId: string | null;
  /** Id of the newest healthy generation (the recommended fallback), or null. */
  readonly fallbackId: string | null;
  /** Why the fallback was chosen / why newer generations were rejected, for a person to read. */
  readonly verdict: string;
  /** Findings about the family as a whole (temp leftovers, naming order). */
  readonly findings: readonly Finding[];
  /**
   * Present (true) while files of this family are still being checked during a scan: `health` is
   * `unknown`, `fallbackId` null and `verdict` says what is left ("Checking 2 files (100 MB)…").
   * The generations already known are listed; those not checked yet carry `checking` too.
   */
  readonly checking?: true;
}

/** Scan state of one added folder. */
export type RootStatus = 'scanning' | 'ready' | 'missing' | 'unreadable';

/** One folder the person added. */
export interface RootState {
  readonly path: string;
  readonly status: RootStatus;
  /** Human-readable error for `missing` / `unreadable`. */
  readonly error?: string;
  /**
   * The schema version the person expects for this folder (every generation under it whose
   * version differs gets `envelope.schema_mismatch`). Absent or null when none is set.
   */
  readonly expectedSchemaVersion?: string | null;
  readonly families: readonly FamilySummary[];
}

/** Progress of the current scan, for a progress bar. */
export interface ScanProgress {
  readonly root: string;
  readonly done: number;
  readonly total: number;
  /** The file being read right now, if any. */
  readonly current?: string;
}

/** Everything the UI needs to draw the sidebar and family views. */
export interface WorkspaceSnapshot {
  readonly roots: readonly RootState[];
  /** Recently opened folders, newest first. */
  readonly recent: readonly string[];
  readonly progress: ScanProgress | null;
  /** Increments on every change so clients can drop stale snapshots. */
  readonly version: number;
}
