/**
 * UTF-8 as strictly as Python's decoder reads it: no overlong forms, no encoded surrogates,
 * nothing past U+10FFFF. One rule for the JSON parser (which must fail where json.load fails) and
 * the raw view (which must replace exactly the bytes TextDecoder replaces).
 */

/**
 * Length of the valid multi-byte sequence at `i` (2–4), or minus the length of its maximal invalid
 * subpart (at least 1 byte) when it is not valid. A subpart that runs to the end of `b` from a
 * valid lead byte is a sequence cut short (see `endsInsideSequence`).
 */
export function utf8Sequence(b: Uint8Array, i: number): number {
  const c = b[i];
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return -1;
  for (let k = 1; k < len; k++) {
    if (i + k >= b.length) return -k;
    const d = b[i + k];
    if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return -k;
  }
  return len;
}

/** True when `utf8Sequence(b, i)` failed only because the bytes end inside a valid sequence. */
export function endsInsideSequence(b: Uint8Array, i: number, result: number): boolean {
  return result < 0 && i - result >= b.length && b[i] >= 0xc2 && b[i] <= 0xf4;
}
