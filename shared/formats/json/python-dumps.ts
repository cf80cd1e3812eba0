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
import { floatValue, type Value } from '../../model/value';
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

/** One open list, tuple or dict of the walk: its children and the next one to write. */
interface Frame {
  readonly node: object;
  /** List or tuple items; null for a dict. */
  readonly items: readonly Value[] | null;
  /** Dict keys and values alternately, in source order; null for a list. */
  readonly pairs: readonly Value[] | null;
  /** How the dict's keys are written; null for a list. */
  readonly shape: KeyShape | null;
  readonly count: number;
  readonly level: number;
  next: number;
}

/**
 * How a dict with a given sequence of keys is written: in which order and with which key text.
 * Checkpoints hold many dicts with the same keys (one per record), so this is worked out once per
 * key sequence and reused, instead of sorting and quoting the keys of every record again.
 */
interface KeyShape {
  /** The keys in source order, which a dict is matched against. */
  readonly keys: readonly Value[];
  /** Source index of the i-th entry written; null for source order. */
  readonly order: readonly number[] | null;
  /**
   * `"key": ` of the i-th entry written, or the error converting its key raises, thrown only when
   * that entry is reached (as CPython converts each key just before its value).
   */
  readonly heads: readonly (string | PythonJsonDumpsError)[];
}

/** True when a dict's `pairs` have exactly `keys` (the same nodes or equal str keys), in order. */
function sameKeys(keys: readonly Value[], pairs: readonly Value[]): boolean {
  if (keys.length !== pairs.length >> 1) return false;
  for (let i = 0; i < keys.length; i++) {
    const a = keys[i];
    const b = pairs[2 * i];
    if (a !== b && (a.kind !== 'str' || b.kind !== 'str' || a.value !== b.value)) return false;
  }
  return true;
}

/** The default size of the chunks {@link pythonJsonDumpsTo} hands out, in UTF-16 units. */
export const DUMPS_CHUNK_CHARS = 1 << 16;

/** `json.dumps(value, …)` as CPython writes it. */
export function pythonJsonDumps(value: Value, options?: PythonJsonDumpsOptions): string {
  const parts: string[] = [];
  pythonJsonDumpsTo(value, options, (chunk) => void parts.push(chunk));
  return parts.join('');
}

/**
 * `json.dumps(value, …)` handed to `write` in chunks of about `chunkChars` UTF-16 units instead of
 * one string, so a 100 MB state can be hashed as it is written without ever holding its text. The
 * chunks joined are exactly {@link pythonJsonDumps}'s result, and no chunk ends between the two
 * halves of a surrogate pair, so a consumer that encodes each chunk as UTF-8 gets the bytes of the
 * whole. Throws `PythonJsonDumpsError` where Python raises (after writing the chunks before it).
 */
export function pythonJsonDumpsTo(value: Value, options: PythonJsonDumpsOptions | undefined, write: (chunk: string) => void, chunkChars: number = DUMPS_CHUNK_CHARS): void {
  const indent = options?.indent ?? null;
  const indentUnit = indent === null ? null : ' '.repeat(Math.max(0, indent));
  const [itemSep, keySep] = options?.separators ?? (indent === null ? [', ', ': '] : [',', ': ']);
  const ensureAscii = options?.ensureAscii ?? true;
  const sortKeys = options?.sortKeys ?? false;
  const defaultStr = options?.defaultStr ?? false;
  const quote = ensureAscii ? quoteAscii : quoteUnicode;
  const limit = Math.max(1, chunkChars);

  // Pieces are appended to `buf` (V8 keeps it as a rope) and handed out once it is long enough.
  let buf = '';
  const flush = (): void => {
    const last = buf.charCodeAt(buf.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      // Keep a high surrogate with the low one that may follow in the next piece.
      if (buf.length > 1) write(buf.slice(0, -1));
      buf = buf.slice(-1);
    } else {
      write(buf);
      buf = '';
    }
  };
  const lineBreak = (level: number): string => `\n${(indentUnit as string).repeat(level)}`;

  // The last key shape seen per entry count (records of one kind share theirs).
  const shapes = new Map<number, KeyShape>();
  const shapeOf = (pairs: readonly Value[]): KeyShape => {
    const cached = shapes.get(pairs.length >> 1);
    if (cached !== undefined && sameKeys(cached.keys, pairs)) return cached;
    const keys = pairs.filter((_, i) => i % 2 === 0);
    const order = sortKeys ? sortOrder(keys) : null; // raises on keys that cannot be ordered
    const heads: (string | PythonJsonDumpsError)[] = [];
    for (let i = 0; i < keys.length; i++) {
      try {
        heads.push(quote(dictKeyText(keys[order === null ? i : order[i]])) + keySep);
      } catch (e) {
        if (!(e instanceof PythonJsonDumpsError)) throw e;
        heads.push(e);
      }
    }
    const shape: KeyShape = { keys, order, heads };
    shapes.set(keys.length, shape);
    return shape;
  };

  const active = new Set<object>();
  const stack: Frame[] = [];
  // Write one value: a leaf whole, a non-empty container's opening (its frame writes the rest).
  const writeValue = (v: Value, level: number): void => {
    switch (v.kind) {
      case 'str':
        buf += quote(v.value);
        return;
      case 'null':
        buf += 'null';
        return;
      case 'bool':
        buf += v.value ? 'true' : 'false';
        return;
      case 'int':
        buf += v.text;
        return;
      case 'float':
        buf += pythonJsonFloat(floatValue(v));
        return;
      case 'list':
      case 'tuple':
      case 'dict': {
        const isDict = v.kind === 'dict';
        const count = isDict ? v.pairs.length >> 1 : v.items.length;
        if (count === 0) {
          buf += isDict ? '{}' : '[]';
          return;
        }
        if (active.has(v)) throw new PythonJsonDumpsError('ValueError', 'Circular reference detected');
        active.add(v);
        buf += isDict ? '{' : '[';
        if (indentUnit !== null) buf += lineBreak(level + 1);
        stack.push({
          node: v,
          items: isDict ? null : v.items,
          pairs: isDict ? v.pairs : null,
          shape: isDict ? shapeOf(v.pairs) : null,
          count,
          level,
          next: 0,
        });
        return;
      }
      default:
        if (!defaultStr) throw new PythonJsonDumpsError('TypeError', `Object of type ${pythonTypeName(v)} is not JSON serializable`);
        buf += quote(pythonStr(v));
    }
  };

  writeValue(value, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next === top.count) {
      stack.pop();
      active.delete(top.node);
      if (indentUnit !== null) buf += lineBreak(top.level);
      buf += top.pairs === null ? ']' : '}';
    } else {
      const i = top.next++;
      if (i > 0) {
        buf += itemSep;
        if (indentUnit !== null) buf += lineBreak(top.level + 1);
      }
      if (top.pairs !== null) {
        // As CPython: each key is converted (or refused) just before its value is written.
        const shape = top.shape as KeyShape;
        const head = shape.heads[i];
        if (typeof head !== 'string') throw head;
        buf += head;
        writeValue(top.pairs[2 * (shape.order === null ? i : shape.order[i]) + 1], top.level + 1);
      } else {
        writeValue((top.items as readonly Value[])[i], top.level + 1);
      }
    }
    if (buf.length >= limit) flush();
  }
  if (buf.length > 0) write(buf);
}

/** How `json.dumps` turns a dict key into the key string it writes. */
function dictKeyText(key: Value): string {
  switch (key.kind) {
    case 'str':
      return key.value;
    case 'float':
      return pythonJsonFloat(floatValue(key));
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

/**
 * The order `sorted(d.items())` writes the entries in, as source indexes (null when there is
 * nothing to sort): str keys by code point, numbers (and bools) numerically; mixing raises.
 */
function sortOrder(keys: readonly Value[]): number[] | null {
  if (keys.length < 2) return null;
  const allStr = keys.every((k) => k.kind === 'str');
  const allNumbers = !allStr && keys.every(isNumberKey);
  if (!allStr && !allNumbers) {
    // Timsort first asks whether item 1 < item 0; name the types as that comparison would.
    const a = keys[0];
    const b = keys.slice(1).find((k) => !comparable(k, a)) ?? keys[1];
    throw new PythonJsonDumpsError('TypeError', `'<' not supported between instances of '${pythonTypeName(b)}' and '${pythonTypeName(a)}'`);
  }
  const order = keys.map((_, i) => i);
  if (allStr) order.sort((a, b) => compareCodePoints((keys[a] as { value: string }).value, (keys[b] as { value: string }).value));
  else order.sort((a, b) => compareNumbers(keys[a], keys[b]));
  return order;
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
  const fa = a.kind === 'float' ? floatValue(a) : null;
  const fb = b.kind === 'float' ? floatValue(b) : null;
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
  const x = v.kind === 'float' ? floatValue(v) : 0;
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
