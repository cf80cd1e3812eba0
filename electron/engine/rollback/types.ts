/**
 * The public shapes of the rollback module: what a plan shows, what execution returns, what the
 * audit log records. Plain JSON-friendly data so plans and results cross IPC and WebSocket
 * boundaries unchanged; every path in them is relative to the family's folder unless it says
 * otherwise.
 */
import type { PlanOperation } from '../../../shared/api/rollback-contract';

/** A file and the sha256 of its bytes as the person reviewed them. */
export interface ReviewedFile {
  /** Path relative to the family's folder (`agent.json`, `step-120/model.pkl`). */
  readonly path: string;
  /** Lowercase hex sha256 of the raw bytes on disk. */
  readonly sha256: string;
}

/** One target member written over one current name. */
export interface MemberMapping {
  /** Member of the target generation whose bytes are copied (`agent.1.json`). */
  readonly from: string;
  /** Name a resuming program reads, which receives those bytes (`agent.json`). */
  readonly to: string;
}

/** What the UI or CLI knows when it asks for a rollback plan. */
export interface RollbackPlanInput {
  /** Absolute path of the family's folder. */
  readonly dir: string;
  readonly familyName: string;
  /** Members of the current generation, as reviewed. */
  readonly current: readonly ReviewedFile[];
  /** Members of the generation to make current, as reviewed. */
  readonly target: readonly ReviewedFile[];
  /** Which target member goes to which current name; every target member exactly once. */
  readonly mapping: readonly MemberMapping[];
}

/** What the UI or CLI knows when it asks to move a broken generation aside. */
export interface QuarantinePlanInput {
  /** Absolute path of the family's folder. */
  readonly dir: string;
  readonly familyName: string;
  /** Members of the generation to move into the trash, as reviewed. */
  readonly generation: readonly ReviewedFile[];
  /**
   * True when this is the generation a resuming program loads. Moving it aside would leave the
   * job nothing to resume from, and a loader that treats "no file" as "start fresh" would start
   * over silently, so such a plan is refused: roll back to a healthy generation instead.
   */
  readonly current?: boolean;
}

/** Decides whether a path belongs to the family; the default is a name-prefix rule. */
export type FamilyMemberTest = (path: string, familyName: string) => boolean;

/**
 * One file operation, for the confirmation dialog to list. The API contract owns the shape (the
 * dialog renders exactly what the engine will do), so the engine uses it as is.
 */
export type PlannedStep = PlanOperation;

/** Why a plan cannot be executed as it stands. */
export interface PlanProblem {
  readonly code: RefusalCode;
  readonly message: string;
}

/** Fields every plan has. */
interface PlanBase {
  /** Version tag so a stale plan from an older build is refused rather than misread. */
  readonly format: 'ckpt-doctor-plan/1';
  /** Absolute path of the family's folder. */
  readonly dir: string;
  readonly familyName: string;
  /** The exact file operations, in order. */
  readonly steps: readonly PlannedStep[];
  /** One sentence for the dialog's heading. */
  readonly summary: string;
  /** Things the person should know before confirming (members left as they are, files created). */
  readonly warnings: readonly string[];
  /** Why the plan cannot run; the dialog disables Confirm when this is not empty. */
  readonly problems: readonly PlanProblem[];
}

/** A rollback: make `target` the current generation. */
export interface RollbackPlan extends PlanBase {
  readonly op: 'rollback';
  readonly current: readonly ReviewedFile[];
  readonly target: readonly ReviewedFile[];
  readonly mapping: readonly MemberMapping[];
}

/** A quarantine: move a broken generation into the trash so a resume loop stops picking it. */
export interface QuarantinePlan extends PlanBase {
  readonly op: 'quarantine';
  readonly generation: readonly ReviewedFile[];
  readonly current: boolean;
}

/** Anything `executeRollback` can run. */
export type OperationPlan = RollbackPlan | QuarantinePlan;

/** Called at every step boundary (crash tests pause or die there; a UI can show progress). */
export interface StepHooks {
  readonly afterStep?: (step: string) => Promise<void> | void;
}

/** Options of every writing operation. */
export interface ExecuteOptions {
  /** The folders the person added (absolute). Nothing outside them is read or written. */
  readonly roots: readonly string[];
  /** No write in the family may be newer than this; default 10 000 ms; 0 turns the check off. */
  readonly quietPeriodMs?: number;
  /** Clock for the quiet period, audit timestamps and trash folder names. */
  readonly now?: () => number;
  readonly hooks?: StepHooks;
  /** Family membership rule; defaults to "the first path segment starts with the family name". */
  readonly isFamilyMember?: FamilyMemberTest;
}

/** Options of `undoLast`. */
export interface UndoOptions extends ExecuteOptions {
  /** Undo this audit entry instead of the last one. */
  readonly entryId?: string;
  /** Undo the last entry of this family instead of the last entry in the folder. */
  readonly family?: string;
}

/** Options of `recoverPending`. */
export interface RecoveryOptions {
  /** When given, the folder must lie inside one of them. */
  readonly roots?: readonly string[];
  readonly now?: () => number;
  readonly hooks?: StepHooks;
  /**
   * Treat a journal written by a process on another host, or one still running here, as
   * abandoned. Only for a person who has checked that no other Checkpoint Doctor is at work.
   */
  readonly assumeStale?: boolean;
}

/** Stable codes of a refusal: nothing was written. */
export type RefusalCode =
  | 'bad_plan'
  | 'bad_path'
  | 'outside_roots'
  | 'not_a_generation'
  | 'not_a_regular_file'
  | 'missing_file'
  | 'changed_since_review'
  | 'writer_active'
  | 'journal_pending'
  | 'journal_unreadable'
  | 'operation_in_progress'
  | 'current_generation'
  | 'nothing_to_undo'
  | 'changed_since_operation'
  | 'backup_missing';

/** Stable codes of a failure: something went wrong after writing began. */
export type FailureCode =
  /** A file changed while the operation ran (a writer started); the operation was undone. */
  | 'changed_during_operation'
  /** A copy did not read back with the bytes that were written. */
  | 'verify_failed'
  /** The disk refused (full, permissions, I/O error). */
  | 'io_error';

/** What a destination holds compared with the operation's before and after bytes. */
export type FileHolding = 'old' | 'new' | 'other' | 'missing';

/** What is on disk after a failure. */
export interface DiskState {
  /** `old`: every file is as before; `new`: every file holds the target; `mixed` needs the journal. */
  readonly generation: 'old' | 'new' | 'mixed';
  /** True when the journal was left for `recoverPending` (the state is then also in it). */
  readonly journalPending: boolean;
  /** Absolute path of the trash folder holding the copies taken, if any were. */
  readonly backupDir: string | null;
  readonly files: readonly { readonly path: string; readonly holds: FileHolding }[];
}

/** Result of a rollback, quarantine or undo. */
export type OperationResult =
  | {
      readonly kind: 'ok';
      readonly op: AuditOp;
      /** Absolute path of the trash folder with the copies of what was replaced. */
      readonly backupDir: string;
      readonly auditEntry: AuditEntry;
      /** One sentence for a notice. */
      readonly message: string;
    }
  | {
      readonly kind: 'refused';
      readonly code: RefusalCode;
      readonly message: string;
      /** For `writer_active`: when the quiet period will have passed. */
      readonly retryAfterMs?: number;
    }
  | {
      readonly kind: 'failed';
      readonly code: FailureCode;
      readonly message: string;
      readonly state: DiskState;
    };

/** Result of `executeRollback`. */
export type RollbackResult = OperationResult;

/** Result of `undoLast`. */
export type UndoResult = OperationResult;

/** Operations the audit log records. */
export type AuditOp = 'rollback' | 'undo' | 'quarantine';

/** One file an operation touched. */
export interface AuditFile {
  readonly path: string;
  /** sha256 of what the name held before, or null when it did not exist. */
  readonly before: string | null;
  /** sha256 of what the name holds after, or null when the file was moved away. */
  readonly after: string | null;
  /** Where the `before` bytes were kept (relative to the family's folder), or null. */
  readonly backup: string | null;
  /** Where the `after` bytes came from, or null. */
  readonly source: string | null;
  /** mtime the file had right after the operation wrote it, so the quiet period can tell our own write from a job's. */
  readonly mtimeMs: number | null;
}

/** One line of `.ckpt-doctor/audit.jsonl`. */
export interface AuditEntry {
  readonly format: 'ckpt-doctor-audit/1';
  readonly id: string;
  /** ISO 8601 time the operation completed. */
  readonly when: string;
  readonly family: string;
  readonly op: AuditOp;
  /** What was current before (the files backed up). */
  readonly from: readonly ReviewedFile[];
  /** What was made current (the sources written). */
  readonly to: readonly ReviewedFile[];
  /** Trash folder of this operation, relative to the family's folder. */
  readonly backupDir: string;
  readonly files: readonly AuditFile[];
  /** For an undo: the id of the entry it undid. */
  readonly undoes?: string;
  /** True when `recoverPending` completed an interrupted operation. */
  readonly recovered?: boolean;
  /** mtimes of the folders written to, right after the operation (`''` is the family's folder). */
  readonly dirMtimes?: Readonly<Record<string, number>>;
}

/** Result of `recoverPending`. */
export type RecoveryResult =
  | {
      readonly kind: 'ok';
      /**
       * `nothing_pending`: no journal. `completed`: the interrupted operation was finished.
       * `reverted`: it was undone, every file holds its bytes from before. `set_aside`: a program
       * wrote to the files after the interruption; nothing was touched and the journal was kept
       * under another name for a person to read.
       */
      readonly action: 'nothing_pending' | 'completed' | 'reverted' | 'set_aside';
      /** One sentence for a notice. */
      readonly message: string;
      readonly op?: AuditOp;
      readonly family?: string;
      /** Absolute path of the operation's trash folder. */
      readonly backupDir?: string;
      /** For `completed`: the entry now in the audit log. */
      readonly auditEntry?: AuditEntry;
    }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string }
  | { readonly kind: 'failed'; readonly code: FailureCode; readonly message: string; readonly state: DiskState };
