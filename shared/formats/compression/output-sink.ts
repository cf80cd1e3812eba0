/**
 * Where every decoder writes its output. It enforces the size and ratio limits as the bytes
 * arrive, so a decompression bomb is stopped after at most one chunk past the limit instead of
 * after it has filled memory.
 */
import type { DecompressOptions } from './types';

/** The limits with their defaults filled in. */
export interface OutputLimits {
  readonly maxOutputBytes: number;
  readonly maxRatio: number;
  readonly ratioFloorBytes: number;
}

/** Default limits: 1 GiB of output, or 5000:1 once past 64 MiB. */
export const DEFAULT_LIMITS: OutputLimits = {
  maxOutputBytes: 1024 * 1024 * 1024,
  maxRatio: 5000,
  ratioFloorBytes: 64 * 1024 * 1024,
};

/** Fill in the defaults for any limit not given. */
export function resolveLimits(options?: DecompressOptions): OutputLimits {
  return {
    maxOutputBytes: options?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
    maxRatio: options?.maxRatio ?? DEFAULT_LIMITS.maxRatio,
    ratioFloorBytes: options?.ratioFloorBytes ?? DEFAULT_LIMITS.ratioFloorBytes,
  };
}

/** Thrown by the sink (and caught by `decompress`) when a limit is passed. */
export class OutputLimitExceeded extends Error {
  constructor(
    readonly reason: 'size' | 'ratio',
    readonly produced: number,
  ) {
    super(`decompressed output passed the ${reason} limit`);
  }
}

/** Collects decompressed chunks under the limits. */
export class OutputSink {
  private chunks: Uint8Array[] = [];
  private count = 0;

  constructor(
    private readonly inputLength: number,
    private readonly limits: OutputLimits,
  ) {}

  /** Bytes accepted so far. */
  get total(): number {
    return this.count;
  }

  /** Accept a chunk (copied: decoders reuse their buffers) or throw `OutputLimitExceeded`. */
  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const next = this.count + chunk.length;
    if (next > this.limits.maxOutputBytes) throw new OutputLimitExceeded('size', next);
    if (next >= this.limits.ratioFloorBytes && next > this.limits.maxRatio * Math.max(1, this.inputLength)) {
      throw new OutputLimitExceeded('ratio', next);
    }
    this.chunks.push(chunk.slice());
    this.count = next;
  }

  /** Everything accepted, as one array. */
  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.count);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = out.length ? [out] : [];
    return out;
  }
}
