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

/**
 * Codes that say a file gave no value at all: it could not be read, decompressed or decoded, or it
 * was not decoded because of its size (`file.too_large`, an info) or its format is unknown. The
 * diff and drift jobs decode with the same readers and limits, so they fail on such a file too.
 * (`json.too_deep` also covers a file that decoded but nests too deep for Python: counted here,
 * since the reader stops at its own, deeper limit and the two cannot be told apart by code.)
 */
export const DECODE_FAILURE_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'json.truncated',
  'json.syntax',
  'json.zero_filled',
  'json.too_deep',
  'pickle.truncated',
  'pickle.invalid',
  'compression.truncated',
  'compression.unsupported',
  'compression.corrupt',
  'compression.too_large',
  'file.unreadable',
  'file.empty',
  'file.too_large',
  'format.unknown',
  'generation.member_missing',
]);

/** True when `finding` says its file gives no value (see {@link DECODE_FAILURE_CODES}). */
export function isDecodeFailure(finding: Finding): boolean {
  return DECODE_FAILURE_CODES.has(finding.code);
}

/** Overall health derived from findings: `broken` on any error, `warning` on any warning. */
export type Health = 'healthy' | 'warning' | 'broken' | 'unknown';

/** Health of a set of findings. */
export function healthOf(findings: readonly Finding[]): Health {
  if (findings.some((f) => f.severity === 'error')) return 'broken';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return 'healthy';
}
