/**
 * CPython's `json.dumps`, byte for byte, over the value tree. Integrity envelopes checksum
 * `json.dumps(state, sort_keys=True, default=str)`, so verifying one means reproducing exactly
 * what Python wrote: separators, `ensure_ascii` escapes (lowercase hex, surrogate pairs), float
 * repr, exact ints, key conversion and key order by code point.
 *
 * Mirrors Python 3.11's encoder:
 * - separators default to `(', ', ': ')`, or `(',', ': ')` when `indent` is given; `indent=0`
 *   still breaks lines; empty containers are `[]` / `{}`;
 * - tuples encode as lists; dict subclasses (OrderedDict, defaultdict, Counter) as dicts;
 * - dict keys: str as is, float → its JSON spelling (`1.5`, `NaN`), True/False/None →
 *   `true`/`false`/`null`, int → its digits; `sort_keys` sorts the original keys first (numbers
 *   numerically, str by code point), as `sorted(d.items())` does;
 * - with `defaultStr` (Python's `default=str`), any other node is written as the JSON string of its
 *   Python `str()`: a typed stdlib node's recorded `str`, `b'…'` for bytes, `{1, 2}` for a set (in
 *   the order it was pickled), `<class '…'>` for a global; see `python-repr.ts` for what `str()` of
 *   an arbitrary object can and cannot know (its address).
 *
 * Where Python would raise, this throws a `PythonJsonDumpsError` carrying Python's message: a node
 * that is not JSON-serializable without `defaultStr` (TypeError), a circular reference (ValueError),
 * a key of another type or keys that cannot be ordered under `sort_keys` (TypeError). Callers that
 * check checksums treat that as "Python could not have written this".
 *
 * Known limits: an `IntEnum`/`StrEnum` member or a namedtuple decoded from a pickle is written via
 * `str()`, while Python would write its int/str value or a list (the node does not say which base it
 * has). Iterative (explicit work stack), so depth is not bounded by the JS stack.
 */
import { pythonJsonFloat } from '../../model/python-float';
import type { DictEntry, Value } from '../../model/value';
import { pythonStr } from '../../render/python-repr';

/** Options of {@link pythonJsonDumps}, named after Python's keyword arguments. */
export interface PythonJsonDumpsOptions {
  readonly sortKeys?: boolean;
  readonly separators?: readonly [string, string];
  readonly ensureAscii?: boolean;
  readonly indent?: number | null;
  /** Python's `default=str`. */
  readonly defaultStr?: boolean;
}

/** Raised where Python's `json.dumps` raises; `pythonType` is the Python exception class. */
export class PythonJsonDumpsError extends Error {
  constructor(
    readonly pythonType: 'TypeError' | 'ValueError',
    message: string,
  ) {
    super(message);
    this.name = 'PythonJsonDumpsError';
  }
}

type Work = string | { readonly value: Value; readonly level: number } | { readonly leave: object };

/** `json.dumps(value, …)` as CPython writes it. */
export function pythonJsonDumps(value: Value, options?: PythonJsonDumpsOptions): string {
  const indent = options?.indent ?? null;
  const indentUnit = indent === null ? null : ' '.repeat(Math.max(0, indent));
  const [itemSep, keySep] = options?.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  const ensureAscii = options?.ensureAscii ?? true;
  const sortKeys = options?.sortKeys ?? false;
  const defaultStr = options?.defaultStr ?? false;
  const quote = ensureAscii ? quoteAscii : quoteUnicode;

  const out: string[] = [];
  const active = new Set<object>();
  const work: Work[] = [{ value, level: 0 }];
  while (work.length > 0) {
    const w = work.pop() as Work;
    if (typeof w === 'string') {
      out.push(w);
      continue;
    }
    if ('leave' in w) {
      active.delete(w.leave);
      continue;
    }
    const v = w.value;
    const level = w.level;
    switch (v.kind) {
      case 'str':
        out.push(quote(v.value));
        break;
      case 'null':
        out.push('null');
        break;
      case 'bool':
        out.push(v.value ? 'true' : 'false');
        break;
      case 'int':
        out.push(v.text);
        break;
      case 'float':
        out.push(pythonJsonFloat(v.value));
        break;
      case 'list':
      case 'tuple':
      case 'dict': {
        const isDict = v.kind === 'dict';
        const count = isDict ? v.entries.length : v.items.length;
        if (count === 0) {
          out.push(isDict ? '{}' : '[]');
          break;
        }
        if (active.has(v)) throw new PythonJsonDumpsError('ValueError', 'Circular reference detected');
        active.add(v);
        const inner = indentUnit === null ? null : `\n${indentUnit.repeat(level + 1)}`;
        const sep = inner === null ? itemSep : itemSep + inner;
        const seq: Work[] = [isDict ? '{' : '['];
        if (inner !== null) seq.push(inner);
        if (isDict) {
          const entries = sortKeys ? sortedEntries(v.entries) : v.entries;
          entries.forEach((e, i) => {
            if (i > 0) seq.push(sep);
            seq.push(quote(dictKeyText(e.key)) + keySep, { value: e.value, level: level + 1 });
          });
        } else {
          v.items.forEach((item, i) => {
            if (i > 0) seq.push(sep);
            seq.push({ value: item, level: level + 1 });
          });
        }
        if (indentUnit !== null) seq.push(`\n${indentUnit.repeat(level)}`);
        seq.push(isDict ? '}' : ']', { leave: v });
        for (let i = seq.length - 1; i >= 0; i--) work.push(seq[i]);
        break;
      }
      default:
        if (!defaultStr) throw new PythonJsonDumpsError('TypeError', `Object of type ${pythonTypeName(v)} is not JSON serializable`);
        out.push(quote(pythonStr(v)));
    }
  }
  return out.join('');
}

/** How `json.dumps` turns a dict key into the key string it writes. */
function dictKeyText(key: Value): string {
  switch (key.kind) {
    case 'str':
      return key.value;
    case 'float':
      return pythonJsonFloat(key.value);
    case 'bool':
      return key.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'int':
      return key.text;
    default:
      throw new PythonJsonDumpsError('TypeError', `keys must be str, int, float, bool or None, not ${pythonTypeName(key)}`);
  }
}

/** `sorted(d.items())`: str keys by code point, numbers (and bools) numerically; mixing raises. */
function sortedEntries(entries: readonly DictEntry[]): readonly DictEntry[] {
  if (entries.length < 2) return entries;
  const allStr = entries.every((e) => e.key.kind === 'str');
  const allNumbers = !allStr && entries.every((e) => isNumberKey(e.key));
  if (!allStr && !allNumbers) {
    // Timsort first asks whether item 1 < item 0; name the types as that comparison would.
    const a = entries[0];
    const b = entries.slice(1).find((e) => !comparable(e.key, a.key)) ?? entries[1];
    throw new PythonJsonDumpsError('TypeError', `'<' not supported between instances of '${pythonTypeName(b.key)}' and '${pythonTypeName(a.key)}'`);
  }
  const copy = entries.slice();
  if (allStr) copy.sort((a, b) => compareCodePoints((a.key as { value: string }).value, (b.key as { value: string }).value));
  else copy.sort((a, b) => compareNumbers(a.key, b.key));
  return copy;
}

function comparable(a: Value, b: Value): boolean {
  return (a.kind === 'str' && b.kind === 'str') || (isNumberKey(a) && isNumberKey(b));
}

function isNumberKey(v: Value): boolean {
  return v.kind === 'int' || v.kind === 'float' || v.kind === 'bool';
}

/**
 * Compare two numeric keys exactly (ints of any size against floats, bools as 0/1). NaN compares
 * false both ways in Python; here it counts as equal, which keeps it in place in a stable sort.
 */
function compareNumbers(a: Value, b: Value): number {
  const fa = a.kind === 'float' ? a.value : null;
  const fb = b.kind === 'float' ? b.value : null;
  if ((fa !== null && Number.isNaN(fa)) || (fb !== null && Number.isNaN(fb))) return 0;
  if ((fa !== null && !Number.isFinite(fa)) || (fb !== null && !Number.isFinite(fb))) {
    const sa = fa !== null && !Number.isFinite(fa) ? fa : 0;
    const sb = fb !== null && !Number.isFinite(fb) ? fb : 0;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  const [na, da] = exactRational(a);
  const [nb, db] = exactRational(b);
  // na/da vs nb/db with positive denominators: compare na*db and nb*da.
  const l = na * db;
  const r = nb * da;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** A finite number key as an exact fraction [numerator, denominator > 0]. */
function exactRational(v: Value): [bigint, bigint] {
  if (v.kind === 'bool') return [v.value ? 1n : 0n, 1n];
  if (v.kind === 'int') return [BigInt(v.text), 1n];
  const x = v.kind === 'float' ? v.value : 0;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mantissa |= 1n << 52n;
    e = exp - 1075;
  }
  const num = negative ? -mantissa : mantissa;
  return e >= 0 ? [num << BigInt(e), 1n] : [num, 1n << BigInt(-e)];
}

/**
 * Order two strings by code point, as Python compares `str`. JavaScript's default order compares
 * UTF-16 units, which puts astral characters (surrogate pairs) before U+E000–U+FFFF. A lone
 * surrogate counts as its own code point, as it does in Python.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  if (i > 0) {
    const prev = a.charCodeAt(i - 1);
    if (prev >= 0xd800 && prev <= 0xdbff) {
      const ca = a.codePointAt(i - 1) as number;
      const cb = b.codePointAt(i - 1) as number;
      if (ca !== cb) return ca - cb;
    }
  }
  return (a.codePointAt(i) as number) - (b.codePointAt(i) as number);
}

const HEX = '0123456789abcdef';

function u4(c: number): string {
  return `\\u${HEX[(c >> 12) & 15]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
}

function shortEscape(c: number): string | null {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    default:
      return null;
  }
}

/** `encode_basestring_ascii`: everything outside printable ASCII as \uXXXX (UTF-16 units). */
function quoteAscii(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    if (i > start) out += s.slice(start, i);
    out += shortEscape(c) ?? u4(c);
    start = i + 1;
  }
  return out + (start < s.length ? s.slice(start) : '') + '"';
}

/** `encode_basestring`: only quotes, backslashes and control characters are escaped. */
function quoteUnicode(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    if (i > start) out += s.slice(start, i);
    out += shortEscape(c) ?? u4(c);
    start = i + 1;
  }
  return out + (start < s.length ? s.slice(start) : '') + '"';
}

/** The Python class name `json.dumps` puts in its TypeError. */
function pythonTypeName(v: Value): string {
  switch (v.kind) {
    case 'null':
      return 'NoneType';
    case 'bytes':
      return v.mutable ? 'bytearray' : 'bytes';
    case 'set':
      return v.frozen ? 'frozenset' : 'set';
    case 'typed':
    case 'object':
      return v.kind === 'typed' ? v.type.slice(v.type.lastIndexOf('.') + 1) : v.cls.slice(v.cls.lastIndexOf('.') + 1);
    case 'global':
      return 'type';
    default:
      return v.kind;
  }
}
