/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JavaScript picks),
 * laid out by CPython's rule for format code 'r' — exponent form when the decimal point sits more
 * than 16 places right or 4 places left of the first digit (`1e+16`, `1e-05`), else fixed with a
 * trailing `.0` for whole numbers (`123.0`). `json.dumps` writes floats this way, except that it
 * spells the non-finite ones `NaN`, `Infinity`, `-Infinity`.
 */
export function pythonFloatRepr(x: number): string {
  // Fast path: between 1e-4 and 1e16 both languages write the same shortest digits in fixed
  // notation (JavaScript switches to exponent form only below 1e-6 or from 1e21 on), and Python
  // adds `.0` to a whole number. Most floats in a checkpoint land here.
  const abs = x < 0 ? -x : x;
  if (abs >= 1e-4 && abs < 1e16) {
    const s = String(x);
    return s.indexOf('.') === -1 ? `${s}.0` : s;
  }
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const decpt = Number(exp) + 1; // position of the decimal point relative to the first digit
  if (decpt > 16 || decpt < -3) {
    const e = decpt - 1;
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expText = String(Math.abs(e)).padStart(2, '0');
    return `${sign}${digits[0]}${frac}e${e < 0 ? '-' : '+'}${expText}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** How `json.dumps` writes a float (`allow_nan=True`, the default). */
export function pythonJsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pythonFloatRepr(x);
}
