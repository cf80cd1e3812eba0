/**
 * Builtin types that pickle through a reduce call: `set`/`frozenset` (protocols 0–3 pickle them as
 * `set([items])`), `bytes` (`_codecs.encode(latin1_text, 'latin1')` below protocol 3, since Python 2
 * has no bytes type), `bytearray`, and `complex`.
 */
import { floatValue, type BytesValue, type SetValue, type Value } from '../../../model/value';
import { pythonFloatRepr } from '../../../model/python-float';
import { encodeLatin1 } from '../pickle-strings';
import { hashKey } from '../value-hash-key';
import { UNKNOWN, intArg, produced, refused, type Reduction, type ReductionContext } from './reduction';

/** Largest `bytes(n)` / `bytearray(n)` zero-filled buffer we materialise. */
const MAX_ZERO_FILL = 1 << 24;

/** Items of a set built from `items`, dropping ones Python would consider equal to an earlier one. */
export function dedupedSetItems(items: readonly Value[], ctx: ReductionContext): Value[] {
  ctx.spend(items.length);
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const item of items) {
    const key = hashKey(item);
    if (key !== null) {
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(item);
  }
  return out;
}

// The members `set(x)` would take from an iterable we can see into.
function iterableItems(v: Value): readonly Value[] | null {
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') return v.items;
  if (v.kind === 'dict') {
    const keys: Value[] = new Array(v.pairs.length >> 1);
    for (let i = 0; i < keys.length; i++) keys[i] = v.pairs[2 * i];
    return keys;
  }
  return null;
}

/** `set(iterable)` / `frozenset(iterable)`; via `cls.__new__` a set starts empty. */
export function reduceSet(args: readonly Value[], frozen: boolean, viaNew: boolean, ctx: ReductionContext): Reduction {
  if (args.length > 1) return UNKNOWN;
  if (args.length === 0 || (viaNew && !frozen)) return produced({ kind: 'set', items: [], ...(frozen ? { frozen } : {}) });
  const items = iterableItems(args[0]);
  if (!items) return UNKNOWN;
  const set: SetValue = { kind: 'set', items: dedupedSetItems(items, ctx), ...(frozen ? { frozen } : {}) };
  return produced(set);
}

const LATIN1 = new Set(['latin_1', 'latin1', 'latin', 'l1', 'iso8859_1', 'iso_8859_1', '8859', 'cp819', 'iso_ir_100', 'csisolatin1']);
const ASCII = new Set(['ascii', 'us_ascii', '646']);
const UTF8 = new Set(['utf_8', 'utf8', 'u8', 'utf', 'cp65001']);
const LONE_SURROGATE = /\p{Cs}/u;

// str.encode(encoding) for the encodings picklers use; null when the codec is not modelled.
function encode(text: string, encoding: string): Reduction | null {
  const name = encoding.toLowerCase().replace(/[-\s]/g, '_');
  if (LATIN1.has(name) || ASCII.has(name)) {
    const bytes = encodeLatin1(text);
    const limit = LATIN1.has(name) ? 0xff : 0x7f;
    if (!bytes || bytes.some((b) => b > limit)) return refused(`'${LATIN1.has(name) ? 'latin-1' : 'ascii'}' codec can't encode a character of the text`);
    return produced({ kind: 'bytes', value: bytes });
  }
  if (UTF8.has(name)) {
    if (LONE_SURROGATE.test(text)) return refused("'utf-8' codec can't encode a lone surrogate");
    return produced({ kind: 'bytes', value: new TextEncoder().encode(text) });
  }
  return null;
}

/** `_codecs.encode(text[, encoding])`, the protocol 0–2 spelling of a bytes object. */
export function reduceCodecsEncode(args: readonly Value[], ctx: ReductionContext): Reduction {
  const [text, encoding] = args;
  if (args.length < 1 || args.length > 3 || text.kind !== 'str') return UNKNOWN;
  if (encoding !== undefined && encoding.kind !== 'str') return UNKNOWN;
  ctx.spend(text.value.length);
  return encode(text.value, encoding?.value ?? 'utf-8') ?? UNKNOWN;
}

/** `bytes(…)` or `bytearray(…)` from a bytes object, text + encoding, a length, or a list of ints. */
export function reduceBytes(args: readonly Value[], mutable: boolean, viaNew: boolean, ctx: ReductionContext): Reduction {
  const wrap = (r: Reduction): Reduction => {
    if (r.kind !== 'value' || r.value.kind !== 'bytes') return r;
    const value: BytesValue = mutable ? { kind: 'bytes', value: r.value.value, mutable: true } : r.value;
    return produced(value);
  };
  if (args.length === 0 || (viaNew && mutable)) return wrap(produced({ kind: 'bytes', value: new Uint8Array(0) }));
  const [src, encoding] = args;
  if (src.kind === 'bytes') {
    ctx.spend(src.value.length);
    return wrap(produced({ kind: 'bytes', value: src.value.slice() }));
  }
  if (src.kind === 'str') {
    if (encoding === undefined) return refused('string argument without an encoding');
    if (encoding.kind !== 'str') return UNKNOWN;
    ctx.spend(src.value.length);
    return wrap(encode(src.value, encoding.value) ?? UNKNOWN);
  }
  const n = intArg(src);
  if (n !== null && src.kind === 'int') {
    if (n < 0n) return refused('negative count');
    if (n > BigInt(MAX_ZERO_FILL)) return UNKNOWN;
    ctx.spend(Number(n));
    return wrap(produced({ kind: 'bytes', value: new Uint8Array(Number(n)) }));
  }
  if (src.kind === 'list' || src.kind === 'tuple') {
    ctx.spend(src.items.length);
    const out = new Uint8Array(src.items.length);
    for (let i = 0; i < src.items.length; i++) {
      const b = intArg(src.items[i]);
      if (b === null) return UNKNOWN;
      if (b < 0n || b > 255n) return refused('bytes must be in range(0, 256)');
      out[i] = Number(b);
    }
    return wrap(produced({ kind: 'bytes', value: out }));
  }
  return UNKNOWN;
}

// repr(float) as complex's repr prints a part: format code 'r' without the added '.0'.
function complexPart(x: number): string {
  const r = pythonFloatRepr(x);
  return r.endsWith('.0') ? r.slice(0, -2) : r;
}

function numberArg(v: Value | undefined): number | null {
  if (v === undefined) return 0;
  if (v.kind === 'float') return floatValue(v);
  const n = intArg(v);
  return n === null ? null : Number(n);
}

/** `complex(real, imag)` with Python's repr (`(1+2j)`, `2j`, `(-0-1j)`). */
export function reduceComplex(args: readonly Value[]): Reduction {
  if (args.length > 2) return UNKNOWN;
  const re = numberArg(args[0]);
  const im = numberArg(args[1]);
  if (re === null || im === null) return UNKNOWN;
  let repr: string;
  if (re === 0 && !Object.is(re, -0)) {
    repr = `${complexPart(im)}j`;
  } else {
    const imText = complexPart(im);
    const signed = imText.startsWith('-') ? imText : `+${imText}`;
    repr = `(${complexPart(re)}${signed}j)`;
  }
  return produced({ kind: 'typed', type: 'builtins.complex', repr, str: repr });
}
