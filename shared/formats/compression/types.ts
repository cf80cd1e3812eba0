/**
 * Compression contract: which codecs a checkpoint may be wrapped in, and what decompressing one
 * gives back. A failed decompression is a finding, never "no checkpoint".
 */
import type { Finding } from '../../model/finding';

/** Codecs recognised by their magic bytes. */
export type Codec = 'gzip' | 'xz' | 'bz2' | 'zstd' | 'lz4';

/** Limits that keep a hostile or absurd stream from exhausting memory. */
export interface DecompressOptions {
  /** Stop once the output would pass this many bytes (default 1 GiB). */
  readonly maxOutputBytes?: number;
  /**
   * Stop once the output is this many times larger than the input (default 5000), but only after
   * `ratioFloorBytes` of output, so small, highly repetitive checkpoints still open.
   */
  readonly maxRatio?: number;
  /** Output size below which the ratio is not checked (default 64 MiB). */
  readonly ratioFloorBytes?: number;
}

/** Outcome of decompressing one file. */
export type DecompressResult =
  | {
      readonly kind: 'ok';
      readonly codec: Codec;
      readonly bytes: Uint8Array;
      /** Non-fatal notes, e.g. zero padding after the end of the compressed data. */
      readonly findings: readonly Finding[];
    }
  | {
      readonly kind: 'failed';
      readonly codec: Codec;
      /** `compression.truncated`, `compression.corrupt`, `compression.unsupported` or `compression.too_large`. */
      readonly finding: Finding;
      /** What was decompressed before the failure (bounded by the limits), for a raw view. */
      readonly partial?: Uint8Array;
    };
