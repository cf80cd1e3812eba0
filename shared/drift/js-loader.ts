/**
 * What JavaScript's `JSON.parse` does to a value Python's `json` module wrote, for a job resumed by
 * a Node or browser program (or a JS tool that rewrites the file). Three losses matter:
 * integers past 2**53 become the nearest double (2**64+1 reads as 18446744073709552000), `NaN` and
 * `Infinity` are not JSON at all (the whole `JSON.parse` throws), and -0.0 comes back as -0 but
 * `JSON.stringify` writes it as `0`.
 */
import type { Value } from '../model/value';

/** The effect of JSON.parse on one post-load leaf, or null when it survives unchanged. */
export interface JsEffect {
  /** What a JS program sees, as it would print it. */
  readonly seen: string;
  readonly note: string;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** JSON.parse's effect on a leaf of the decoded JSON. */
export function jsLoaderEffect(v: Value): JsEffect | null {
  if (v.kind === 'int') {
    let n: bigint;
    try {
      n = BigInt(v.text);
    } catch {
      return null;
    }
    if (n <= MAX_SAFE && n >= -MAX_SAFE) return null;
    const asNumber = Number(n);
    const seen = String(asNumber);
    const exact = BigInt(asNumber) === n;
    return {
      seen,
      note: exact
        ? `JSON.parse holds it as a double (exact here, but past 2**53 neighbours collapse), and JSON.stringify writes ${seen}.`
        : `JSON.parse rounds this integer past 2**53 to ${seen} (off by ${(n - BigInt(asNumber)).toString().replace(/^(?!-)/, '+')}).`,
    };
  }
  if (v.kind === 'float') {
    if (Number.isNaN(v.value) || !Number.isFinite(v.value)) {
      const name = Number.isNaN(v.value) ? 'NaN' : v.value > 0 ? 'Infinity' : '-Infinity';
      return { seen: 'JSON.parse throws', note: `${name} is not valid JSON: JSON.parse throws on the whole file, so a JavaScript loader cannot read any of it.` };
    }
    if (Object.is(v.value, -0)) {
      return { seen: '0', note: 'JSON.parse keeps -0, but -0 === 0 in JavaScript and JSON.stringify writes 0: the sign is lost on the next save.' };
    }
  }
  return null;
}
