/** What one codec decoder reports back to `decompress`, before it is turned into a finding. */

/** Bytes found after the end of the compressed data. */
export interface TrailingBytes {
  /** Offset of the first byte after the compressed data, in the compressed file. */
  readonly offset: number;
  readonly length: number;
  /** True when every trailing byte is zero (pre-allocated or zero-filled tail). */
  readonly zeros: boolean;
}

/** Outcome of one decoder run; the output itself is in the sink. */
export type CodecOutcome =
  | { readonly kind: 'ok'; readonly trailing?: TrailingBytes }
  | { readonly kind: 'truncated'; readonly detail: string }
  | { readonly kind: 'corrupt'; readonly detail: string }
  | { readonly kind: 'unsupported'; readonly detail: string };

/** Describe the bytes from `offset` to the end of `input` as trailing data (or nothing). */
export function trailingAfter(input: Uint8Array, offset: number): TrailingBytes | undefined {
  if (offset >= input.length) return undefined;
  let zeros = true;
  for (let i = offset; i < input.length; i++) {
    if (input[i] !== 0) {
      zeros = false;
      break;
    }
  }
  return { offset, length: input.length - offset, zeros };
}
