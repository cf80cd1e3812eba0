/**
 * `decimal.Decimal`, pickled as `(Decimal, (str(self),))`. The text is re-read and re-printed with
 * the decimal specification's to-scientific-string rule, so a hand-made `'1e2'` prints as
 * Python prints it (`1E+2`), and text Python would reject is refused rather than shown.
 */
import type { Value } from '../../../model/value';
import { pythonStrRepr } from '../../../render/python-repr';
import { UNKNOWN, intArg, produced, refused, type Reduction } from './reduction';

interface Parsed {
  readonly negative: boolean;
  readonly special: 'inf' | 'nan' | 'snan' | null;
  /** Coefficient digits without leading zeros ('0' for zero); the payload for NaNs ('' for none). */
  readonly digits: string;
  readonly exponent: bigint;
}

const NUMERIC = /^([+-])?(?:(\d(?:_?\d)*)?(?:\.(\d(?:_?\d)*)?)?(?:[eE]([+-]?\d(?:_?\d)*))?|(inf(?:inity)?)|(s?nan)(\d(?:_?\d)*)?)$/i;

// What str(Decimal) writes almost always: sign, digits, optional fraction.
const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

function parse(text: string): Parsed | null {
  const plain = PLAIN.exec(text);
  if (plain) {
    const f = plain[3] ?? '';
    return { negative: plain[1] === '-', special: null, digits: (plain[2] + f).replace(/^0+/, '') || '0', exponent: BigInt(-f.length) };
  }
  const m = NUMERIC.exec(text.trim());
  if (!m) return null;
  const [, sign, intPart, fracPart, exp, inf, nan, payload] = m;
  const negative = sign === '-';
  if (inf) return { negative, special: 'inf', digits: '', exponent: 0n };
  if (nan) {
    const p = (payload ?? '').replace(/_/g, '').replace(/^0+/, '');
    return { negative, special: nan.toLowerCase() === 'snan' ? 'snan' : 'nan', digits: p, exponent: 0n };
  }
  if (intPart === undefined && fracPart === undefined) return null;
  const i = (intPart ?? '').replace(/_/g, '');
  const f = (fracPart ?? '').replace(/_/g, '');
  const digits = (i + f).replace(/^0+/, '') || '0';
  const exponent = BigInt((exp ?? '0').replace(/_/g, '')) - BigInt(f.length);
  return { negative, special: null, digits, exponent };
}

// The decimal spec's to-scientific-string, as Decimal.__str__ prints.
function toSciString(p: Parsed): string {
  const sign = p.negative ? '-' : '';
  if (p.special === 'inf') return `${sign}Infinity`;
  if (p.special === 'nan') return `${sign}NaN${p.digits}`;
  if (p.special === 'snan') return `${sign}sNaN${p.digits}`;
  const len = BigInt(p.digits.length);
  const leftDigits = p.exponent + len;
  const dotPlace = p.exponent <= 0n && leftDigits > -6n ? leftDigits : 1n;
  let intPart: string;
  let fracPart: string;
  if (dotPlace <= 0n) {
    intPart = '0';
    fracPart = `.${'0'.repeat(Number(-dotPlace))}${p.digits}`;
  } else if (dotPlace >= len) {
    intPart = p.digits + '0'.repeat(Number(dotPlace - len));
    fracPart = '';
  } else {
    intPart = p.digits.slice(0, Number(dotPlace));
    fracPart = `.${p.digits.slice(Number(dotPlace))}`;
  }
  const e = leftDigits - dotPlace;
  const exp = e === 0n ? '' : `E${e > 0n ? '+' : '-'}${e < 0n ? -e : e}`;
  return sign + intPart + fracPart + exp;
}

function typedDecimal(p: Parsed): Reduction {
  const str = toSciString(p);
  return produced({ kind: 'typed', type: 'decimal.Decimal', repr: `Decimal(${pythonStrRepr(str)})`, str });
}

/** `Decimal(text)`, `Decimal(int)` or `Decimal((sign, digits, exponent))`. */
export function reduceDecimal(args: readonly Value[]): Reduction {
  if (args.length === 0) return typedDecimal({ negative: false, special: null, digits: '0', exponent: 0n });
  if (args.length > 2) return UNKNOWN;
  const a = args[0];
  if (a.kind === 'str') {
    const p = parse(a.value);
    return p ? typedDecimal(p) : refused(`[<class 'decimal.ConversionSyntax'>]: ${pythonStrRepr(a.value.slice(0, 60))} is not a decimal number`);
  }
  if (a.kind === 'int' || a.kind === 'bool') {
    const n = intArg(a) as bigint;
    return typedDecimal({ negative: n < 0n, special: null, digits: (n < 0n ? -n : n).toString(), exponent: 0n });
  }
  if (a.kind === 'tuple' && a.items.length === 3) {
    const [s, d, e] = a.items;
    const sign = intArg(s);
    if ((sign !== 0n && sign !== 1n) || (d.kind !== 'tuple' && d.kind !== 'list')) return UNKNOWN;
    let digits = '';
    for (const item of d.items) {
      const n = intArg(item);
      if (n === null || n < 0n || n > 9n) return refused('coefficient must be a tuple of digits');
      digits += n.toString();
    }
    const negative = sign === 1n;
    if (e.kind === 'str') {
      const special = e.value === 'F' ? 'inf' : e.value === 'n' ? 'nan' : e.value === 'N' ? 'snan' : null;
      if (!special) return refused("string argument in the third position must be 'F', 'n' or 'N'");
      return typedDecimal({ negative, special, digits: special === 'inf' ? '' : digits.replace(/^0+/, ''), exponent: 0n });
    }
    const exponent = intArg(e);
    if (exponent === null) return UNKNOWN;
    return typedDecimal({ negative, special: null, digits: digits.replace(/^0+/, '') || '0', exponent });
  }
  return UNKNOWN;
}
