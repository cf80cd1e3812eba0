/**
 * Messages between the engine and its scan workers. Everything here is structured-clone friendly.
 */
import type { TextLocation } from '../../shared/api/contract';
import type { FileAnalysis, AnalysisOptions } from '../../shared/checks/types';
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

/** Any job. */
export type WorkerJob = AnalyzeJob | ReadJob;

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

/** Reply for a job, by job kind. */
export type ReplyFor<J extends WorkerJob> = J extends AnalyzeJob ? AnalyzeReply : ReadReply;

/** Engine → worker. */
export interface JobMessage {
  readonly id: number;
  readonly job: WorkerJob;
}

/** Worker → engine. `failed` means the checking code itself threw: a bug, not bad input. */
export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly reply: AnalyzeReply | ReadReply }
  | { readonly id: number; readonly ok: false; readonly message: string };
