/**
 * What JavaScript's `JSON.parse` does to a value Python's `json` module wrote, for a job resumed by
 * a Node or browser program (or a JS tool that rewrites the file). Three losses matter:
 * integers past 2**53 become the nearest double (2**64+1 reads as 18446744073709552000), `NaN` and
 * `Infinity` are not JSON at all (the whole `JSON.parse` throws), and -0.0 comes back as -0 but
 * `JSON.stringify` writes it as `0`.
 */
import { floatValue, type Value } from '../model/value';

/** The effect of JSON.parse on one post-load leaf, or null when it survives unchanged. */
export interface JsEffect {
  /** What a JS program sees, as it would print it. */
  readonly seen: string;
  readonly note: string;
}

/** True when JSON.parse changes this leaf (cheap: no BigInt, and nothing at all for ordinary ints). */
export function jsLoses(v: Value): boolean {
  if (v.kind === 'int') {
    // Up to 15 digits is always exact (2**53 has 16): skip the millions of ordinary ints.
    const digits = v.text.length - (v.text.charCodeAt(0) === 45 ? 1 : 0);
    return digits > 15 && jsLoaderEffect(v) !== null;
  }
  if (v.kind !== 'float') return false;
  const x = floatValue(v);
  return !Number.isFinite(x) || Object.is(x, -0);
}

/**
 * JSON.parse's effect on a leaf of the decoded JSON. An integer counts as changed when the number
 * JavaScript holds does not print back as the same integer: past 2**53 most are rounded, and from
 * 1e21 on JSON.stringify writes exponent form, which Python reads back as a float.
 */
export function jsLoaderEffect(v: Value): JsEffect | null {
  if (v.kind === 'int') {
    const canonical = /^-?0\d/.test(v.text) ? safeCanonical(v.text) : v.text === '-0' ? '0' : v.text;
    const asNumber = Number(canonical);
    const seen = String(asNumber);
    if (seen === canonical) return null;
    if (!/^-?\d+$/.test(seen)) {
      return { seen, note: `JSON.parse reads this integer as ${seen}: rounded, and JSON.stringify writes it in exponent form, which Python reads back as a float.` };
    }
    const off = BigInt(seen) - BigInt(canonical);
    return { seen, note: `JavaScript cannot hold this integer past 2**53: JSON.parse reads it as ${seen} (off by ${off > 0n ? '+' : ''}${off}), and that is what a re-save writes.` };
  }
  if (v.kind === 'float') {
    const x = floatValue(v);
    if (!Number.isFinite(x)) {
      const name = Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
      return { seen: 'JSON.parse throws', note: `${name} is not valid JSON: JSON.parse throws on the whole file, so a JavaScript loader cannot read any of it.` };
    }
    if (Object.is(x, -0)) {
      return { seen: '0', note: 'JSON.parse keeps -0, but -0 === 0 in JavaScript and JSON.stringify writes 0: the sign is lost on the next save.' };
    }
  }
  return null;
}

function safeCanonical(text: string): string {
  try {
    return BigInt(text).toString();
  } catch {
    return text;
  }
}
