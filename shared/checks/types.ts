/**
 * Per-file analysis results, as computed in a worker and cached by the engine per
 * (path, size, mtime). They are small and structured-clone friendly: the decoded value itself is
 * not kept (it is decoded again when a person opens the generation).
 */
import type { Finding } from '../model/finding';

/** The integrity envelope of seed 003, when a file has one. */
export interface EnvelopeInfo {
  readonly hasChecksum: boolean;
  /** `ok`, `mismatch`, or `absent`. */
  readonly checksum: 'ok' | 'mismatch' | 'absent';
  /** Which `json.dumps` convention reproduced the checksum (`default`, `compact`), if any. */
  readonly convention?: 'default' | 'compact';
  readonly isComplete: boolean | null;
  readonly savedAt: string | null;
}

/** Analysis of one file's bytes. */
export interface FileAnalysis {
  /** Path relative to the family's directory. */
  readonly path: string;
  readonly size: number;
  /** Detected format: `json`, `pickle`, `json+gzip`, `pickle+xz`, `unknown`, … */
  readonly format: string;
  /** True when the value decoded completely. */
  readonly decoded: boolean;
  readonly findings: readonly Finding[];
  /** `schema_version` / `version` / `schemaVersion` found at the top of the value (or in the envelope). */
  readonly schemaVersion: string | null;
  readonly envelope: EnvelopeInfo | null;
  /**
   * Entry counts of containers, by JSON Pointer, down to a bounded depth and count. Lets the family
   * check spot `content.emptied` without keeping whole values around.
   */
  readonly containers: Readonly<Record<string, number>>;
}

/** Options that change what counts as a problem. */
export interface AnalysisOptions {
  /** The schema version a person expects for this folder, if they set one. */
  readonly expectedSchemaVersion?: string | null;
}
