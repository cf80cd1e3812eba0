/** What a known standard-library reduction produced, shared by the reduction modules. */
import type { Value } from '../../../model/value';

/**
 * The outcome of applying a callable the decoder models: a value; a refusal (Python's own
 * constructor would raise while loading, so `pickle.load` fails); or `unknown` (not modelled
 * with these arguments: the caller keeps an inert object instead).
 */
export type Reduction =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'unknown' };

/** Lets a reduction charge copying work to the decoder's operation budget. */
export interface ReductionContext {
  spend(units: number): void;
}

/** A value outcome. */
export function produced(value: Value): Reduction {
  return { kind: 'value', value };
}

/** A refusal: loading this pickle in Python raises with this reason. */
export function refused(reason: string): Reduction {
  return { kind: 'refused', reason };
}

/** Not modelled. */
export const UNKNOWN: Reduction = { kind: 'unknown' };

/** An int node's value as a bigint, or null for anything else (bools count, as in Python). */
export function intArg(v: Value | undefined): bigint | null {
  if (v === undefined) return null;
  if (v.kind === 'int') return BigInt(v.text);
  if (v.kind === 'bool') return v.value ? 1n : 0n;
  return null;
}
