/**
 * The text encodings a pickle stores strings in, decoded the way CPython's unpickler decodes them.
 * Each decoder returns `null` (or a reason) instead of throwing, so the stack machine can turn a
 * bad string into a finding at the opcode's offset.
 */

// `ignoreBOM`: a string that starts with U+FEFF must keep it; the default decoder strips it.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 with Python's `surrogatepass` error handler, which is what the unpickler uses for
 * BINUNICODE and friends: a lone surrogate that Python's pickler wrote (ED A0 80…) decodes back to
 * that surrogate. Returns null on bytes that are not UTF-8 even under that rule.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | null {
  if (end - start <= SHORT_TEXT) {
    const ascii = decodeShortAscii(bytes, start, end);
    if (ascii !== null) return ascii;
  }
  try {
    return STRICT_UTF8.decode(bytes.subarray(start, end));
  } catch {
    return decodeUtf8Surrogatepass(bytes, start, end);
  }
}

// Short strings (dict keys, names, labels) are most of a pickle's strings. Plain ASCII ones are
// decoded here without a TextDecoder call and the subarray it needs, and the shortest are
// interned, so a label repeated a million times is one string in memory.
const SHORT_TEXT = 32;
const INTERN_LENGTH = 12;
const INTERN_SLOTS = 4096;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');
// One array of character codes per length, filled in place: String.fromCharCode.apply over an
// array of exactly the right length, without resizing an array per string.
const codesOfLength: number[][] = Array.from({ length: SHORT_TEXT + 1 }, (_, n) => new Array<number>(n).fill(0));

function decodeShortAscii(bytes: Uint8Array, start: number, end: number): string | null {
  const n = end - start;
  let hash = n;
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c >= 0x80) return null;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  if (n === 0) return '';
  if (n <= INTERN_LENGTH) {
    const slot = (hash ^ (hash >>> 13)) & (INTERN_SLOTS - 1);
    const known = interned[slot];
    if (known.length === n) {
      let same = true;
      for (let k = 0; k < n; k++) {
        if (known.charCodeAt(k) !== bytes[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return known;
    }
    const text = asciiText(bytes, start, n);
    interned[slot] = text;
    return text;
  }
  return asciiText(bytes, start, n);
}

function asciiText(bytes: Uint8Array, start: number, n: number): string {
  const codes = codesOfLength[n];
  for (let k = 0; k < n; k++) codes[k] = bytes[start + k];
  return String.fromCharCode.apply(null, codes);
}

function decodeUtf8Surrogatepass(bytes: Uint8Array, start: number, end: number): string | null {
  const units: number[] = [];
  let out = '';
  let i = start;
  while (i < end) {
    const b0 = bytes[i];
    let cp: number;
    let need: number;
    if (b0 < 0x80) { cp = b0; need = 0; }
    else if (b0 >= 0xc2 && b0 <= 0xdf) { cp = b0 & 0x1f; need = 1; }
    else if (b0 >= 0xe0 && b0 <= 0xef) { cp = b0 & 0x0f; need = 2; }
    else if (b0 >= 0xf0 && b0 <= 0xf4) { cp = b0 & 0x07; need = 3; }
    else return null;
    if (i + need >= end && need > 0) return null;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (b & 0x3f);
    }
    // Overlong forms and values past U+10FFFF are errors even under surrogatepass.
    if ((need === 2 && cp < 0x800) || (need === 3 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    i += need + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** True latin-1: byte N is code point N (unlike `TextDecoder('latin1')`, which is windows-1252). */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  // Short runs (names, protocol 0 number lines) are cheaper without the spread call.
  if (end - start <= 32) {
    for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  for (let i = start; i < end; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
  }
  return out;
}

/** Latin-1 encoding of a string, or null when a character is above U+00FF. */
export function encodeLatin1(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return null;
    out[i] = c;
  }
  return out;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

/**
 * Python's `raw-unicode-escape` decoding (protocol 0's UNICODE opcode): bytes are latin-1 code
 * points except `\uXXXX` and `\UXXXXXXXX`, which the pickler uses for `\`, newlines and
 * everything above U+00FF.
 */
export function decodeRawUnicodeEscape(bytes: Uint8Array, start: number, end: number): { ok: true; text: string } | { ok: false; reason: string } {
  let out = '';
  let i = start;
  while (i < end) {
    const b = bytes[i++];
    if (b !== 0x5c || i >= end || (bytes[i] !== 0x75 && bytes[i] !== 0x55)) {
      out += String.fromCharCode(b);
      // A backslash not followed by u/U stays a backslash, and so does the character after it.
      if (b === 0x5c && i < end) out += String.fromCharCode(bytes[i++]);
      continue;
    }
    const count = bytes[i++] === 0x75 ? 4 : 8;
    let cp = 0;
    for (let k = 0; k < count; k++) {
      const h = i < end ? hexValue(bytes[i]) : -1;
      if (h < 0) return { ok: false, reason: `truncated \\${count === 4 ? 'uXXXX' : 'UXXXXXXXX'} escape` };
      cp = cp * 16 + h;
      i++;
    }
    if (cp > 0x10ffff) return { ok: false, reason: '\\Uxxxxxxxx out of range' };
    out += String.fromCodePoint(cp);
  }
  return { ok: true, text: out };
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '\\': 0x5c, "'": 0x27, '"': 0x22, b: 0x08, f: 0x0c, t: 0x09, n: 0x0a, r: 0x0d, v: 0x0b, a: 0x07,
};

/**
 * Protocol 0's STRING argument: a quoted Python 2 string literal body, unescaped as
 * `codecs.escape_decode` does. Returns the raw bytes.
 */
export function decodeStringEscape(line: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; reason: string } {
  const n = line.length;
  if (n < 2 || line[0] !== line[n - 1] || (line[0] !== 0x27 && line[0] !== 0x22)) {
    return { ok: false, reason: 'the STRING opcode argument must be quoted' };
  }
  const out: number[] = [];
  let i = 1;
  const end = n - 1;
  while (i < end) {
    const b = line[i++];
    if (b !== 0x5c) { out.push(b); continue; }
    if (i >= end) return { ok: false, reason: 'trailing \\ in string' };
    const c = line[i++];
    const ch = String.fromCharCode(c);
    if (ch in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[ch]);
    else if (c === 0x0a) { /* backslash-newline is a line continuation */ }
    else if (c >= 0x30 && c <= 0x37) {
      let v = c - 0x30;
      for (let k = 0; k < 2 && i < end && line[i] >= 0x30 && line[i] <= 0x37; k++) v = v * 8 + (line[i++] - 0x30);
      out.push(v & 0xff);
    } else if (c === 0x78) {
      const h1 = i < end ? hexValue(line[i]) : -1;
      const h2 = i + 1 < end ? hexValue(line[i + 1]) : -1;
      if (h1 < 0 || h2 < 0) return { ok: false, reason: `invalid \\x escape at position ${i - 3}` };
      out.push(h1 * 16 + h2);
      i += 2;
    } else {
      out.push(0x5c, c);
    }
  }
  return { ok: true, bytes: Uint8Array.from(out) };
}
