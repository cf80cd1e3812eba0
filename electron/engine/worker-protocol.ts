/**
 * Messages between the engine and its scan workers. Everything here is structured-clone friendly.
 */
import type { DiffViewChange, TextLocation } from '../../shared/api/contract';
import type { FileAnalysis, AnalysisOptions } from '../../shared/checks/types';
import type { DriftReport } from '../../shared/drift/types';
import type { Finding } from '../../shared/model/finding';

/** Analyse one file: hash it and run the file checks. */
export interface AnalyzeJob {
  readonly kind: 'analyze';
  /** Real absolute path to read (already checked to be inside a root). */
  readonly path: string;
  /** Path relative to the family's directory: what findings name. */
  readonly file: string;
  readonly maxBytes: number;
  readonly options?: AnalysisOptions;
  /**
   * The size the listing saw, in bytes. Given, a small file may share one worker round trip with
   * other small files (see `worker-pool.ts`); the worker still reads the file as it is.
   */
  readonly sizeHint?: number;
}

/** Decode one file for display. */
export interface ReadJob {
  readonly kind: 'read';
  readonly path: string;
  readonly file: string;
  readonly maxBytes: number;
  /** Cap on the rendered text, in characters. */
  readonly maxChars: number;
  /** JSON Pointers to locate in the decoded text. */
  readonly pointers: readonly string[];
  /** Byte offsets to locate in the raw text. */
  readonly offsets: readonly number[];
}

/** One file a diff or drift job reads: the real path and the name shown. */
export interface JobFile {
  /** Real absolute path (already checked to be inside a root). */
  readonly path: string;
  /** Path relative to the family's directory. */
  readonly file: string;
}

/** Diff the decoded values of two files (see `diff-job.ts`). */
export interface DiffJob {
  readonly kind: 'diff';
  readonly a: JobFile;
  readonly b: JobFile;
  /** Both names, for messages about the job. */
  readonly file: string;
  readonly maxBytes: number;
  /** Cap on each side's rendered text, in characters. */
  readonly maxChars: number;
  readonly maxChanges: number;
}

/** Judge the type drift of a JSON file against its pre-save source (see `drift-job.ts`). */
export interface DriftJob {
  readonly kind: 'drift';
  /** The JSON file a loader reads. */
  readonly post: JobFile;
  /** The typed image (`pickle`) or the save-time manifest (`types`); null to infer. */
  readonly pre: (JobFile & { readonly role: 'pickle' | 'types' }) | null;
  readonly file: string;
  readonly loader: 'python' | 'js';
  readonly maxBytes: number;
  /** Cap on the rendered post-load text; 0 renders none (the scan needs only the verdicts). */
  readonly maxChars: number;
}

/** Any job. */
export type WorkerJob = AnalyzeJob | ReadJob | DiffJob | DriftJob;

/** Reply to an `analyze` job. */
export type AnalyzeReply =
  | {
      readonly kind: 'analyzed';
      readonly analysis: FileAnalysis;
      /** Hex sha256 of the bytes on disk, '' when unreadable. */
      readonly sha256: string;
      readonly size: number;
      readonly mtimeMs: number;
      /** False when the file changed while it was read (do not cache). */
      readonly stable: boolean;
    }
  | { readonly kind: 'vanished' };

/** Reply to a `read` job. */
export type ReadReply =
  | {
      readonly kind: 'content';
      readonly view: 'decoded' | 'raw';
      readonly format: string;
      readonly text: string;
      readonly truncated: boolean;
      readonly note?: string;
      readonly locations: Readonly<Record<string, TextLocation>>;
      /** Findings of the fresh decode. */
      readonly findings: readonly Finding[];
    }
  | { readonly kind: 'vanished' }
  | { readonly kind: 'unreadable'; readonly message: string };

/** A file of a diff or drift job that could not be used. */
export type JobFileProblem = { readonly kind: 'vanished'; readonly file: string } | { readonly kind: 'unreadable'; readonly file: string; readonly message: string };

/** Reply to a `diff` job. Values cross as canonical text and short reprs, never as value trees. */
export type DiffReply =
  | {
      readonly kind: 'diff';
      readonly summary: { readonly added: number; readonly removed: number; readonly changed: number; readonly typeChanged: number };
      readonly changes: readonly DiffViewChange[];
      readonly truncated: boolean;
      readonly a: { readonly text: string; readonly truncated: boolean; readonly note?: string };
      readonly b: { readonly text: string; readonly truncated: boolean; readonly note?: string };
    }
  | JobFileProblem;

/** Reply to a `drift` job. */
export type DriftReply =
  | {
      readonly kind: 'drift';
      readonly report: DriftReport;
      /** Why the pre-save file could not be used (then `report.source` is `inferred`). */
      readonly sourceProblem?: string;
      readonly text: string;
      readonly textTruncated: boolean;
      readonly locations: Readonly<Record<string, TextLocation>>;
    }
  | JobFileProblem;

/** Reply for a job, by job kind. */
export type ReplyFor<J extends WorkerJob> = J extends AnalyzeJob ? AnalyzeReply : J extends ReadJob ? ReadReply : J extends DiffJob ? DiffReply : DriftReply;

/** Engine → worker: one job, or a batch of small `analyze` jobs run one after the other. */
export type JobMessage = { readonly id: number; readonly job: WorkerJob } | { readonly id: number; readonly jobs: readonly AnalyzeJob[] };

/** The outcome of one job of a batch, in the batch's order. */
export type BatchItemResult = { readonly ok: true; readonly reply: AnalyzeReply } | { readonly ok: false; readonly message: string };

/** Worker → engine. `failed` means the checking code itself threw: a bug, not bad input. */
export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly reply: AnalyzeReply | ReadReply | DiffReply | DriftReply }
  | { readonly id: number; readonly ok: false; readonly message: string }
  | { readonly id: number; readonly ok: true; readonly replies: readonly BatchItemResult[] };

/** Worker → engine while a long job runs: how far it got (not an answer; the job goes on). */
export interface ProgressMessage {
  readonly id: number;
  readonly progress: { readonly done: number; readonly total: number };
}
