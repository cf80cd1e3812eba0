/**
 * The reader contract: one module per format with a cheap `match` and a `decode`. The registry
 * (`registry.ts`) lists them; adding a format touches one new file and one line there.
 */
import type { Finding } from '../model/finding';
import type { Value } from '../model/value';

/** A cheap look at a file: its name and its first bytes (at most 64). */
export interface Probe {
  /** File name (or relative path) — used for extensions. */
  readonly name: string;
  /** First bytes of the (decompressed) content. */
  readonly head: Uint8Array;
}

/** Outcome of decoding one file's (decompressed) bytes. */
export type DecodeResult =
  | {
      readonly kind: 'ok';
      readonly value: Value;
      readonly findings: readonly Finding[];
      /**
       * Nodes in `value` as a walk meets them (every value and every dict key, shared nodes once),
       * when the reader counted them while decoding: a free progress total for long walks.
       */
      readonly nodes?: number;
    }
  | { readonly kind: 'corrupt'; readonly findings: readonly Finding[]; readonly partial?: Value };

/** One format reader. */
export interface FormatReader {
  /** Stable id, e.g. `json`, `pickle`. */
  readonly id: string;
  /** True when this reader should handle the file. Must not throw; must be cheap. */
  match(probe: Probe): boolean;
  /**
   * Decode the bytes. Never throws on bad input (it returns `corrupt` with findings); never
   * executes or imports anything. `file` is the name findings should carry.
   */
  decode(bytes: Uint8Array, file: string): DecodeResult;
}
