/**
 * The rollback part of the UI ↔ engine contract: what the confirmation dialog shows, what
 * confirming sends, what comes back, and what the history panel lists.
 *
 * Invariants the shapes encode:
 * - The client names things by id only (family id, generation id, plan token). The engine maps
 *   ids to what it discovered itself and never takes a path from the client for a write.
 * - A plan carries the sha256 of every member as the person reviewed it; the engine keeps the
 *   plan behind its token and re-hashes before writing, so what the dialog showed is exactly what
 *   is checked.
 * - Every outcome is data (`ok` / `refused` / `failed`) with a stable code and a sentence a person
 *   can act on; nothing is thrown across the boundary for an expected refusal.
 */
import { z } from 'zod';
import type { Health } from '../model/finding';

/** A file and the sha256 of its bytes as the person reviewed them. */
export interface ReviewedMember {
  /** Path relative to the family's folder. */
  readonly path: string;
  /** Lowercase hex sha256 of the raw bytes. */
  readonly sha256: string;
}

/** One side of a rollback (the current generation or the target) as the dialog shows it. */
export interface PlanSide {
  /** Generation id (`${familyId}#${mainPath}`). */
  readonly generationId: string;
  /** Display name (`agent.1.json`, `ckpt_007`). */
  readonly label: string;
  readonly health: Health;
  /** Number of findings of any severity. */
  readonly findingsCount: number;
  /** First error or warning message, for a one-line reason. */
  readonly firstProblem: string | null;
  /** `schema_version` the checkpoint records, or null. */
  readonly schemaVersion: string | null;
  /** Newest member mtime (ms since the epoch). */
  readonly mtimeMs: number;
  /** Every member with its sha256 as reviewed. */
  readonly members: readonly ReviewedMember[];
}

/** Counts of the structural diff between the current and the target main member. */
export type PlanDiff =
  | {
      readonly kind: 'summary';
      readonly added: number;
      readonly removed: number;
      readonly changed: number;
      readonly typeChanged: number;
      /** Up to a few pointers that changed, for a taste of what differs. */
      readonly samplePointers: readonly string[];
    }
  | {
      /** No diff: a side does not decode, is too large to diff here, or the sides are identical files. */
      readonly kind: 'unavailable';
      readonly reason: string;
    };

/** One exact file operation, in the order it runs. */
export type PlanOperation =
  | {
      /** A copy of a current member goes to the trash first. */
      readonly kind: 'backup';
      readonly path: string;
      readonly sha256: string;
      /** Where the copy goes, relative to the family's folder (`<timestamp>` fixed when it runs). */
      readonly backupPath: string;
      readonly description: string;
    }
  | {
      /** A target member's bytes are written over (or create) a current name. */
      readonly kind: 'replace';
      readonly from: string;
      readonly fromSha256: string;
      readonly to: string;
      /** sha256 of what `to` holds now, or null when it is created. */
      readonly toSha256Before: string | null;
      readonly description: string;
    }
  | {
      /** A member is moved into the trash (quarantine). */
      readonly kind: 'move';
      readonly path: string;
      readonly sha256: string;
      readonly trashPath: string;
      readonly description: string;
    }
  | {
      /** A current member without a counterpart stays where it is (its copy still goes to the trash). */
      readonly kind: 'keep';
      readonly path: string;
      readonly sha256: string;
      readonly description: string;
    };

/** Why the person should pause before confirming. */
export interface PlanWarning {
  /**
   * `target_has_findings`, `schema_differs`, `writer_active`, `temp_files`, `members_mixed`
   * (a member stays or is created), or `plan_note`.
   */
  readonly code: string;
  readonly message: string;
}

/** Why the plan cannot run as it stands (Confirm stays disabled). */
export interface PlanBlocker {
  readonly code: string;
  readonly message: string;
}

/** Fields every plan view has. */
interface PlanViewBase {
  /** Handle of the plan the engine keeps; confirming sends it back. */
  readonly token: string;
  readonly familyId: string;
  readonly familyName: string;
  /** Absolute folder of the family (shown, never trusted back). */
  readonly dir: string;
  /** One sentence for the dialog's heading. */
  readonly summary: string;
  /** The exact file operations, in order. */
  readonly operations: readonly PlanOperation[];
  readonly warnings: readonly PlanWarning[];
  /** Non-empty: the plan cannot run; the dialog says why and disables Confirm. */
  readonly blockers: readonly PlanBlocker[];
  /** True when the person must type the family name to confirm. */
  readonly risky: boolean;
  /** The quiet period the engine enforces, in ms. */
  readonly quietPeriodMs: number;
}

/** A rollback plan: make `target` the current generation. */
export interface RollbackPlanView extends PlanViewBase {
  readonly kind: 'rollback';
  readonly current: PlanSide;
  readonly target: PlanSide;
  readonly diff: PlanDiff;
}

/** A quarantine plan: move a broken generation aside into the trash. */
export interface QuarantinePlanView extends PlanViewBase {
  readonly kind: 'quarantine';
  readonly generation: PlanSide;
}

/** Any plan the dialog can show. */
export type PlanView = RollbackPlanView | QuarantinePlanView;

/** What confirming sends. */
export interface ExecuteRequest {
  /** The token of the plan the person reviewed. */
  readonly token: string;
  readonly confirmation: {
    /** The family name as typed, required when the plan is risky. */
    readonly typedName?: string;
  };
}

/** How to undo an operation that just ran. */
export interface UndoHandle {
  /** Absolute folder of the family (the undo is looked up again by the engine). */
  readonly dir: string;
  /** Audit entry id of the operation. */
  readonly entryId: string;
  readonly familyName: string;
}

/** Result of a rollback, quarantine or undo. */
export type OperationOutcome =
  | {
      readonly kind: 'ok';
      readonly op: 'rollback' | 'undo' | 'quarantine';
      /** One sentence for the result message. */
      readonly message: string;
      /** Absolute path of the trash folder with the copies of what was replaced. */
      readonly backupDir: string;
      readonly undo: UndoHandle;
    }
  | {
      /** Nothing was written. */
      readonly kind: 'refused';
      /** Stable: `changed_since_review`, `writer_active`, `confirmation_required`, `plan_expired`, `outside_roots`, … */
      readonly code: string;
      readonly message: string;
      /** For `writer_active`: how long until the quiet period has passed. */
      readonly retryAfterMs?: number;
    }
  | {
      /** Something went wrong after writing began; `message` says what is on disk now. */
      readonly kind: 'failed';
      readonly code: string;
      readonly message: string;
      /** `old`, `new` or `mixed` (the journal is kept for recovery). */
      readonly generation: 'old' | 'new' | 'mixed';
      readonly backupDir: string | null;
    };

/** One file an audited operation touched. */
export interface HistoryFile {
  readonly path: string;
  /** sha256 before, or null when the name did not exist. */
  readonly before: string | null;
  /** sha256 after, or null when the file was moved away. */
  readonly after: string | null;
  /** Where the `before` bytes were kept, relative to the family's folder. */
  readonly backup: string | null;
  /** Where the `after` bytes came from, relative to the family's folder. */
  readonly source: string | null;
}

/** One line of a folder's audit log, as the history panel shows it. */
export interface HistoryEntry {
  readonly id: string;
  /** Absolute folder whose audit log holds the entry. */
  readonly dir: string;
  /** ISO 8601 time the operation completed. */
  readonly when: string;
  readonly family: string;
  readonly op: 'rollback' | 'undo' | 'quarantine';
  /** What was current before. */
  readonly from: readonly ReviewedMember[];
  /** What was made current. */
  readonly to: readonly ReviewedMember[];
  /** Absolute path of the operation's trash folder. */
  readonly backupDir: string;
  readonly files: readonly HistoryFile[];
  /** For an undo: the id of the entry it undid. */
  readonly undoes?: string;
  /** True when recovery on start completed an interrupted operation. */
  readonly recovered?: boolean;
}

const id = z.string().min(1).max(8192);
const path = z.string().min(1).max(4096);

/** Runtime schemas of the rollback methods' parameters (merged into `requestSchemas`). */
export const rollbackRequestSchemas = {
  planRollback: z.tuple([id, id]),
  planQuarantine: z.tuple([id]),
  executeRollback: z.tuple([
    z.object({ token: z.string().min(1).max(200), confirmation: z.object({ typedName: z.string().max(1000).optional() }).strict() }).strict(),
  ]),
  executeQuarantine: z.tuple([
    z.object({ token: z.string().min(1).max(200), confirmation: z.object({ typedName: z.string().max(1000).optional() }).strict() }).strict(),
  ]),
  undoLast: z.union([z.tuple([path]), z.tuple([path, z.string().min(1).max(200)])]),
  getHistory: z.tuple([path]),
} as const;
