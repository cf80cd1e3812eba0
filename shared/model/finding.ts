/**
 * Findings: what is wrong (or worth knowing) about a file or generation. The codes are a stable
 * contract shared with the CLI, the UI and CI scripts: add new ones, never rename one.
 */

/** Every finding code the product emits. */
export const FINDING_CODES = [
  'json.truncated',
  'json.syntax',
  'json.zero_filled',
  'json.duplicate_key',
  'json.too_deep',
  'json.int_too_long',
  'envelope.incomplete',
  'envelope.checksum_mismatch',
  'envelope.schema_mismatch',
  'pickle.truncated',
  'pickle.invalid',
  'pickle.unsafe_global',
  'pickle.nonportable_class',
  'pickle.trailing_data',
  'pickle.out_of_band',
  'compression.truncated',
  'compression.unsupported',
  'compression.corrupt',
  'compression.too_large',
  'compression.trailing_data',
  'write.tmp_leftover',
  'write.in_progress',
  'content.emptied',
  'generation.order',
  'file.unreadable',
  'file.empty',
  'file.too_large',
  'analysis.failed',
  'format.unknown',
  'generation.member_missing',
  'drift.lossy',
  'drift.coerced',
  'drift.dropped',
] as const;

/** A stable finding code. */
export type FindingCode = (typeof FINDING_CODES)[number];

/** How bad a finding is. A generation with any `error` is not healthy. */
export type Severity = 'error' | 'warning' | 'info';

/** One thing found in a file or generation. */
export interface Finding {
  /** Stable code, e.g. `json.truncated`. */
  readonly code: FindingCode;
  /** `error` makes the generation unhealthy; `warning` and `info` do not. */
  readonly severity: Severity;
  /** One or two sentences a person can act on: what is wrong, where, and what it means. */
  readonly message: string;
  /** The file it is about, relative to the family's directory (or as given on the CLI). */
  readonly file: string;
  /** Byte offset into the (decompressed) file, where the problem is. */
  readonly offset?: number;
  /** 1-based line and column of `offset`, for text formats. */
  readonly line?: number;
  readonly column?: number;
  /** RFC 6901 JSON Pointer into the decoded value. */
  readonly pointer?: string;
}

/** True when any finding is an error. */
export function hasError(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Overall health derived from findings: `broken` on any error, `warning` on any warning. */
export type Health = 'healthy' | 'warning' | 'broken' | 'unknown';

/** Health of a set of findings. */
export function healthOf(findings: readonly Finding[]): Health {
  if (findings.some((f) => f.severity === 'error')) return 'broken';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return 'healthy';
}
