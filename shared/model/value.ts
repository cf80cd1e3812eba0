/**
 * The decoded value tree every reader produces and every consumer (pretty printer, diff, drift,
 * CLI `inspect`) walks.
 *
 * Invariants:
 * - Nothing is lost that the source held: integers are exact decimal text, floats keep the text
 *   they were written with (JSON) or Python's repr (pickle), dict key order and key types are kept.
 * - Pickle-decoded trees may share nodes (the memo lets one object appear in many places) and may
 *   contain cycles (a list that appends itself). A walker must treat a node it has already seen as
 *   a reference to the first place it was seen (see `walk-value.ts`), which also keeps a
 *   billion-laughs pickle linear in output. JSON trees never share containers; immutable leaves
 *   (null, booleans, small ints, short strings) may be shared, so never mutate a leaf.
 */
export type Value =
  | NullValue
  | BoolValue
  | IntValue
  | FloatValue
  | StrValue
  | BytesValue
  | ListValue
  | TupleValue
  | SetValue
  | DictValue
  | TypedValue
  | ObjectValue
  | GlobalValue;

/** Python `None` / JSON `null`. */
export interface NullValue {
  readonly kind: 'null';
}

/** `True`/`False`. */
export interface BoolValue {
  readonly kind: 'bool';
  readonly value: boolean;
}

/** An integer of any size, as canonical decimal text (`-12`, `18446744073709551617`). */
export interface IntValue {
  readonly kind: 'int';
  readonly text: string;
}

/**
 * A float, as text: how the source wrote it (JSON) or Python's `repr` (pickle), e.g. `1e+22`,
 * `1.5e-07`, `NaN`, `Infinity`, `-0.0`, `inf`. The text determines the IEEE double exactly; read
 * the number through {@link floatValue}. No double is kept beside it: a big checkpoint holds
 * millions of floats, and converting and boxing each one at decode time was a fifth of the JSON
 * parse, for values most consumers compare or print as text.
 */
export interface FloatValue {
  readonly kind: 'float';
  readonly text: string;
}

/**
 * The IEEE double a float node stands for. `Number` reads every JSON spelling exactly as Python's
 * `float` does (correctly rounded, `NaN`, `Infinity`, `-Infinity`, overflow to infinity); Python's
 * repr spells the infinities `inf`/`-inf`, which `Number` does not know.
 */
export function floatValue(v: FloatValue): number {
  const x = Number(v.text);
  if (x === x) return x;
  const t = v.text;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return NaN;
}

/** A text string. */
export interface StrValue {
  readonly kind: 'str';
  readonly value: string;
}

/** `bytes`, or `bytearray` when `mutable`. */
export interface BytesValue {
  readonly kind: 'bytes';
  readonly value: Uint8Array;
  readonly mutable?: boolean;
}

/** A JSON array / Python list. Mutable while a pickle is being decoded, read-only after. */
export interface ListValue {
  readonly kind: 'list';
  readonly items: Value[];
}

/** A Python tuple. */
export interface TupleValue {
  readonly kind: 'tuple';
  readonly items: Value[];
}

/** A Python set, or frozenset when `frozen`. */
export interface SetValue {
  readonly kind: 'set';
  readonly items: Value[];
  readonly frozen?: boolean;
}

/** One key/value pair of a dict, as {@link dictEntries} lists them. */
export interface DictEntry {
  readonly key: Value;
  readonly value: Value;
}

/**
 * A JSON object or Python dict. Keys are `str` values for JSON; pickles may use any hashable key
 * (int, tuple, …). `cls` names a dict subclass that was pickled (`collections.OrderedDict`,
 * `collections.defaultdict`); absent for a plain dict.
 *
 * `pairs` holds keys and values alternately in insertion order: entry i's key at `pairs[2 * i]`,
 * its value at `pairs[2 * i + 1]`. One array per dict instead of one object per entry: a big
 * checkpoint has millions of entries, and the garbage collector copies every object it keeps.
 * Hot walkers index `pairs`; anything else may use {@link dictEntries}, {@link dictSize} and
 * {@link dictGet}.
 */
export interface DictValue {
  readonly kind: 'dict';
  readonly pairs: Value[];
  readonly cls?: string;
}

/**
 * A standard-library value with a well-known meaning: `datetime.datetime`, `datetime.date`,
 * `datetime.time`, `datetime.timedelta`, `datetime.timezone`, `decimal.Decimal`,
 * `pathlib.PurePosixPath`, `pathlib.PosixPath`, `pathlib.PureWindowsPath`, `pathlib.WindowsPath`,
 * `uuid.UUID`, `builtins.complex`, or an `enum` member.
 * `repr` is Python's `repr()` (`datetime.datetime(2026, 5, 25, 0, 0)`), `str` is Python's `str()`
 * (`2026-05-25 00:00:00`), which is what `json.dumps(..., default=str)` writes.
 */
export interface TypedValue {
  readonly kind: 'typed';
  readonly type: string;
  readonly repr: string;
  readonly str: string;
}

/**
 * An instance of a class the decoder does not model, kept inert: the class it names, the
 * arguments its constructor or reduce call would receive, and the state BUILD would set. Nothing
 * is imported or called. Exceptions (`builtins.RuntimeError`, …) are objects with `args`.
 */
export interface ObjectValue {
  readonly kind: 'object';
  readonly cls: string;
  readonly args?: Value[];
  state?: Value;
  /**
   * What a list subclass received through APPEND(S)/ADDITEMS (the pickle's listitems), when the
   * class is one the decoder does not model. Walkers visit these like list items.
   */
  items?: Value[];
  /**
   * What a dict subclass received through SETITEM(S) (the pickle's dictitems), keys and values
   * alternately as in {@link DictValue.pairs}. Walkers visit these like dict entries.
   */
  pairs?: Value[];
}

/** A bare reference to a module-level name (a class or function pickled by reference). */
export interface GlobalValue {
  readonly kind: 'global';
  readonly name: string;
}

/** Kinds whose nodes hold children. */
export type ContainerValue = ListValue | TupleValue | SetValue | DictValue;

/** True for list, tuple, set and dict nodes. */
export function isContainer(v: Value): v is ContainerValue {
  return v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' || v.kind === 'dict';
}

/** Number of entries in a container (items or dict entries). */
export function containerSize(v: ContainerValue): number {
  return v.kind === 'dict' ? v.pairs.length >> 1 : v.items.length;
}

/** Number of entries of a dict (or of an object's dict items). */
export function dictSize(d: { readonly pairs?: readonly Value[] }): number {
  return d.pairs === undefined ? 0 : d.pairs.length >> 1;
}

/** A dict's entries as key/value objects, in order: a fresh array, for code off the hot paths. */
export function dictEntries(d: { readonly pairs?: readonly Value[] }): DictEntry[] {
  const pairs = d.pairs;
  if (pairs === undefined) return [];
  const out: DictEntry[] = new Array(pairs.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = { key: pairs[2 * i], value: pairs[2 * i + 1] };
  return out;
}

/**
 * The value under a str key, or undefined. Decoded dicts hold each key once; where pairs repeat
 * one (an OrderedDict built from a list of pairs) the last value is the one Python keeps.
 */
export function dictGet(d: { readonly pairs: readonly Value[] }, key: string): Value | undefined {
  const pairs = d.pairs;
  for (let i = pairs.length - 2; i >= 0; i -= 2) {
    const k = pairs[i];
    if (k.kind === 'str' && k.value === key) return pairs[i + 1];
  }
  return undefined;
}

/** Keys and values alternately, as {@link DictValue.pairs} holds them. */
export function pairsOf(entries: readonly DictEntry[]): Value[] {
  const out: Value[] = new Array(entries.length * 2);
  for (let i = 0; i < entries.length; i++) {
    out[2 * i] = entries[i].key;
    out[2 * i + 1] = entries[i].value;
  }
  return out;
}
