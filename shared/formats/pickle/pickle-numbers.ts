/**
 * Numbers as a pickle stores them: little-endian two's-complement integers of any width (LONG1,
 * LONG4), and the decimal text lines of protocol 0 (INT, LONG, FLOAT, PUT, GET). Integers are
 * returned as exact decimal text; nothing here rounds through a double.
 */

/** Widest LONG1/LONG4 integer turned into decimal text (1 MiB of bytes ≈ 2.5 million digits). */
export const MAX_INT_BYTES = 1 << 20;

/** Exact decimal text of a little-endian two's-complement integer of `len` bytes (0 bytes is 0). */
export function twosComplementToText(bytes: Uint8Array, start: number, len: number): string {
  if (len === 0) return '0';
  if (len <= 6) {
    let v = 0;
    for (let i = len - 1; i >= 0; i--) v = v * 256 + bytes[start + i];
    if (bytes[start + len - 1] & 0x80) v -= 2 ** (8 * len);
    return String(v);
  }
  let hex = '';
  for (let i = len - 1; i >= 0; i--) hex += bytes[start + i].toString(16).padStart(2, '0');
  let v = BigInt(`0x${hex}`);
  if (bytes[start + len - 1] & 0x80) v -= 1n << BigInt(8 * len);
  return v.toString();
}

// CPython's INT opcode first tries C strtol(s, &end, 0): optional whitespace and sign, then hex
// after 0x, octal after a leading 0, else decimal; the whole line must be consumed.
const STRTOL = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/;
// When strtol fails (or overflows) it falls back to int(s, 0): underscores between digits,
// 0x/0o/0b prefixes, no leading zeros on a decimal, surrounding whitespace allowed.
const PYINT_BASE0 = /^\s*([+-]?)(?:0[xX]((?:_?[0-9a-fA-F])+)|0[oO]((?:_?[0-7])+)|0[bB]((?:_?[01])+)|(0(?:_?0)*)|([1-9](?:_?[0-9])*))\s*$/;
const PYINT_BASE10 = /^\s*([+-]?)([0-9](?:_?[0-9])*)\s*$/;
const INT64_MAX = (1n << 63n) - 1n;
const SHORT_DECIMAL = /^-?(?:0|[1-9][0-9]{0,14})$/;

function signed(sign: string, magnitude: bigint): string {
  return (sign === '-' ? -magnitude : magnitude).toString();
}

/** Python's `int(text, 0)`, as decimal text, or null when Python would raise ValueError. */
export function parsePythonIntBase0(text: string): string | null {
  const m = PYINT_BASE0.exec(text);
  if (!m) return null;
  const [, sign, hexDigits, octDigits, binDigits, zeros, dec] = m;
  if (hexDigits !== undefined) return signed(sign, BigInt(`0x${hexDigits.replace(/_/g, '')}`));
  if (octDigits !== undefined) return signed(sign, BigInt(`0o${octDigits.replace(/_/g, '')}`));
  if (binDigits !== undefined) return signed(sign, BigInt(`0b${binDigits.replace(/_/g, '')}`));
  if (zeros !== undefined) return '0';
  return signed(sign, BigInt(dec.replace(/_/g, '')));
}

/** Python's `int(text, 10)` for PUT/GET indices, or null. */
export function parsePythonIntBase10(text: string): bigint | null {
  if (SHORT_DECIMAL.test(text)) return BigInt(text);
  const m = PYINT_BASE10.exec(text);
  if (!m) return null;
  const v = BigInt(m[2].replace(/_/g, ''));
  return m[1] === '-' ? -v : v;
}

/** The INT opcode's line (without its newline): an int, or a bool for CPython's `I00`/`I01` forms. */
export function parseIntLine(line: string): { kind: 'int'; text: string } | { kind: 'bool'; value: boolean } | null {
  // The pickler's own spelling: no sign but '-', no leading zeros, at most 15 digits.
  if (SHORT_DECIMAL.test(line)) return line === '-0' ? { kind: 'bool', value: false } : { kind: 'int', text: line };
  const m = STRTOL.exec(line);
  if (m) {
    const [, sign, hexDigits, octal, dec] = m;
    const magnitude = hexDigits !== undefined ? BigInt(`0x${hexDigits}`) : octal !== undefined ? BigInt(`0o${octal === '0' ? '0' : octal.slice(1)}`) : BigInt(dec);
    const value = sign === '-' ? -magnitude : magnitude;
    if (value >= -INT64_MAX - 1n && value <= INT64_MAX) {
      // Protocol 0 spells True and False as a two-character line holding 1 or 0.
      if (line.length === 2 && (value === 0n || value === 1n)) return { kind: 'bool', value: value === 1n };
      return { kind: 'int', text: value.toString() };
    }
  }
  const text = parsePythonIntBase0(line);
  return text === null ? null : { kind: 'int', text };
}

/** The LONG opcode's line (without its newline): Python 2's trailing `L` is optional. */
export function parseLongLine(line: string): string | null {
  return parsePythonIntBase0(line.endsWith('L') ? line.slice(0, -1) : line);
}

// PyOS_string_to_double: no whitespace, no underscores; inf/infinity/nan in any case.
const FLOAT_TEXT = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)$/i;

/** The FLOAT opcode's line: the double, or a reason Python would refuse it. */
export function parseFloatLine(line: string): { ok: true; value: number } | { ok: false; reason: string } {
  if (!FLOAT_TEXT.test(line)) return { ok: false, reason: `could not convert string to float: '${line.slice(0, 40)}'` };
  const lower = line.toLowerCase();
  const negative = lower.startsWith('-');
  const body = lower.replace(/^[+-]/, '');
  if (body === 'nan') return { ok: true, value: NaN };
  if (body === 'inf' || body === 'infinity') return { ok: true, value: negative ? -Infinity : Infinity };
  const value = Number(line);
  if (!Number.isFinite(value)) return { ok: false, reason: `float '${line.slice(0, 40)}' is out of range` };
  return { ok: true, value };
}
