/**
 * The verdict for one pre-save value that JSON cannot hold as such (a datetime, Decimal, Path,
 * bytes, set, custom object…) against what the JSON file holds at its place. The same rules serve
 * the three pre-save sources: a pickle node, a manifest entry and an inference both become a
 * `PreDesc`.
 */
import { pythonFloatRepr } from '../model/python-float';
import { floatValue, type Value } from '../model/value';
import { pythonBytesRepr } from '../render/python-repr';
import { fieldsFromRepr, parseIso, sameFields, type IsoFields, type IsoKind } from './iso-datetime';
import type { DriftVerdict } from './types';

/** What is known of a pre-save value that JSON cannot hold natively. */
export interface PreDesc {
  /** Module-qualified type (`datetime.datetime`, `builtins.bytes`, `pkg.Obj`). */
  readonly type: string;
  /** How the rules treat it. */
  readonly category: PreCategory;
  /** Python repr (possibly cut). */
  readonly repr: string;
  /** Python str(), when known and complete: what `default=str` writes. */
  readonly str?: string;
  /** Length of bytes or of a container. */
  readonly len?: number;
  /** The bytes themselves (pickle only), to recognise a full repr or base64 of them. */
  readonly bytes?: Uint8Array;
  /** For an object: its constructor arguments (pickle only), e.g. an enum member's value. */
  readonly args?: readonly Value[];
}

/** `typed`: a stdlib scalar; `bytes`; `set`; `object`: an instance of some class; `global`: a class or function. */
export type PreCategory = 'typed' | 'bytes' | 'set' | 'object' | 'global';

/** A verdict with the sentence that explains it. */
export interface Judgement {
  readonly verdict: DriftVerdict;
  readonly note: string;
}

const OBJECT_REPR = /^<([A-Za-z_][\w.]*) object at 0x[0-9a-fA-F?]+>$/;
const BYTES_PLACEHOLDER = /^<bytes: (\d+) bytes skipped>$/;

/** Stdlib types the pickle reader (or a manifest) names, and how the rules treat them. */
export function categoryOfType(type: string): PreCategory {
  if (type === 'builtins.bytes' || type === 'builtins.bytearray' || type === 'builtins.memoryview') return 'bytes';
  if (type === 'builtins.set' || type === 'builtins.frozenset') return 'set';
  if (/^(datetime|decimal|pathlib|uuid|fractions|ipaddress|zoneinfo)\./.test(type) || type === 'builtins.complex' || type === 'builtins.range') return 'typed';
  return 'object';
}

/** Judge a pre-save value that JSON cannot hold natively against the post-load value at its place. */
export function judgeConversion(pre: PreDesc, post: Value): Judgement {
  switch (pre.category) {
    case 'bytes':
      return judgeBytes(pre, post);
    case 'set':
      return judgeSet(pre, post);
    case 'global':
      return { verdict: 'lossy', note: `A reference to ${pre.repr} was written as ${describe(post)}; loading it back gives no class or function.` };
    case 'object':
      return judgeObject(pre, post);
    case 'typed':
      break;
  }
  const t = pre.type;
  if (t === 'datetime.datetime' || t === 'datetime.date' || t === 'datetime.time') return judgeDateLike(pre, post, t.slice(9) as IsoKind);
  if (t === 'datetime.timedelta') return judgeTimedelta(pre, post);
  if (t === 'decimal.Decimal') return judgeDecimal(pre, post);
  if (t.startsWith('pathlib.')) {
    if (post.kind === 'str' && pre.str !== undefined && post.value === pre.str) {
      return { verdict: 'coerced', note: `${short(t)} → str: json.load gives a str; ${short(t)}(value) restores the path.` };
    }
    return lostAs(pre, post);
  }
  if (post.kind === 'str' && pre.str !== undefined && post.value === pre.str) {
    return { verdict: 'coerced', note: `${short(t)} → str: written as str(value); json.load gives a str, which ${short(t)}(…) must parse back.` };
  }
  if (post.kind === 'str' && post.value === pre.repr) {
    return { verdict: 'coerced', note: `${short(t)} → str: written as its repr; json.load gives a str.` };
  }
  return lostAs(pre, post);
}

function judgeDateLike(pre: PreDesc, post: Value, kind: IsoKind): Judgement {
  const name = short(pre.type);
  if (post.kind !== 'str') return lostAs(pre, post);
  const before = preFields(pre, kind);
  const after = parseIso(post.value, kind);
  const namedZone = zoneName(pre.repr);
  if (after === null) {
    return {
      verdict: 'lossy',
      note: `${name} → str '${post.value}', which ${name}.fromisoformat cannot read back.`,
    };
  }
  if (before === null || before === undefined) {
    // The pre-save repr names a zone whose offset it does not give; compare what can be compared.
    return {
      verdict: namedZone ? 'lossy' : 'coerced',
      note: namedZone
        ? `${name} → ISO str: the time zone ${namedZone} becomes a fixed UTC offset after fromisoformat (daylight-saving rules are lost).`
        : `${name} → ISO str: json.load gives a str; ${name}.fromisoformat reads it back.`,
    };
  }
  if (!sameFields(before, after)) {
    return {
      verdict: 'lossy',
      note: `${name} → str '${post.value}', which reads back as a different value (${describeLoss(before, after)}).`,
    };
  }
  if (namedZone) {
    return {
      verdict: 'lossy',
      note: `${name} → ISO str: the time zone ${namedZone} becomes a fixed UTC offset after fromisoformat (daylight-saving rules are lost).`,
    };
  }
  return { verdict: 'coerced', note: `${name} → ISO str: json.load gives a str; ${name}.fromisoformat reads it back exactly.` };
}

/** The zone of an aware value whose tzinfo is not a fixed offset (`Europe/Paris`), else undefined. */
function zoneName(repr: string): string | undefined {
  const at = repr.indexOf('tzinfo=');
  if (at < 0 || repr.startsWith('datetime.timezone', at + 7)) return undefined;
  return /key='([^']+)'/.exec(repr)?.[1] ?? repr.slice(at + 7, -1).replace(/, fold=1$/, '');
}

function preFields(pre: PreDesc, kind: IsoKind): IsoFields | null | undefined {
  if (pre.str !== undefined) {
    const f = parseIso(pre.str, kind);
    if (f) {
      // A named zone's str() shows today's offset; keep it, the zone note is added separately.
      return f;
    }
  }
  const r = fieldsFromRepr(pre.repr);
  if (!r) return null;
  if (r.offset === undefined) return undefined;
  return r as IsoFields;
}

function describeLoss(a: IsoFields, b: IsoFields): string {
  if (a.offset !== b.offset) return a.offset === null ? 'a time zone was added' : b.offset === null ? 'the time zone is lost' : 'the UTC offset differs';
  if (a.us !== b.us && a.s === b.s && a.mi === b.mi && a.h === b.h) return 'the microseconds are lost';
  if (a.y === b.y && a.mo === b.mo && a.d === b.d) return 'the time of day is lost';
  return 'the date differs';
}

function judgeTimedelta(pre: PreDesc, post: Value): Judgement {
  if (post.kind === 'str' && pre.str !== undefined && post.value === pre.str) {
    return { verdict: 'coerced', note: `timedelta → str '${post.value}': every field is kept, but no stdlib function parses it back; the loader must.` };
  }
  const m = /^datetime\.timedelta\(((?:\w+=-?\d+(?:, )?)*)\)$/.exec(pre.repr);
  if (m && (post.kind === 'float' || post.kind === 'int')) {
    const part = (name: string): bigint => BigInt(new RegExp(`${name}=(-?\\d+)`).exec(m[1])?.[1] ?? '0');
    const micros = (part('days') * 86400n + part('seconds')) * 1_000_000n + part('microseconds');
    const seconds = Number(micros) / 1e6;
    const got = post.kind === 'float' ? floatValue(post) : Number(post.text);
    if (got === seconds && BigInt(Math.round(got * 1e6)) === micros) {
      return { verdict: 'coerced', note: `timedelta → ${post.kind} seconds: timedelta(seconds=value) reads it back.` };
    }
    return { verdict: 'lossy', note: `timedelta → ${post.kind} ${post.kind === 'float' ? pythonFloatRepr(floatValue(post)) : post.text}, not its ${seconds} seconds exactly.` };
  }
  return lostAs(pre, post);
}

/** Decimal text as (sign, significant digits, exponent), trailing zeros dropped; null for NaN/Infinity. */
function decimalParts(text: string): { neg: boolean; digits: string; exp: number } | null {
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  let digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  let exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (digits === '') return { neg: false, digits: '0', exp: 0 };
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  return { neg: m[1] === '-', digits, exp };
}

function judgeDecimal(pre: PreDesc, post: Value): Judgement {
  const text = pre.str ?? /^Decimal\('(.*)'\)$/.exec(pre.repr)?.[1];
  if (post.kind === 'str' && text !== undefined && post.value === text) {
    return { verdict: 'coerced', note: `Decimal → str '${post.value}': json.load gives a str; Decimal(value) restores it exactly.` };
  }
  if ((post.kind === 'float' || post.kind === 'int') && text !== undefined) {
    const want = decimalParts(text);
    const gotText = post.kind === 'float' ? pythonFloatRepr(floatValue(post)) : post.text;
    const got = decimalParts(gotText);
    if (want && got && want.neg === got.neg && want.digits === got.digits && want.exp === got.exp) {
      const zeros = /\.\d*0$/.test(text) ? ' (its trailing zeros, the precision it carried, are gone)' : '';
      return { verdict: 'coerced', note: `Decimal → ${post.kind} ${gotText}: same value${zeros}; arithmetic is binary floating point from here on.` };
    }
    return { verdict: 'lossy', note: `Decimal('${text}') → ${post.kind} ${gotText}: digits lost to binary floating point.` };
  }
  return lostAs(pre, post);
}

function judgeBytes(pre: PreDesc, post: Value): Judgement {
  const name = short(pre.type);
  const n = pre.len ?? pre.bytes?.length;
  if (post.kind === 'str') {
    const placeholder = BYTES_PLACEHOLDER.exec(post.value);
    if (placeholder) {
      return { verdict: 'lossy', note: `${name} → placeholder str: the ${placeholder[1]} bytes were not saved, so the resumed program gets the text '${post.value}' instead.` };
    }
    if (pre.bytes) {
      const repr = pythonBytesRepr(pre.bytes);
      if (post.value === repr || post.value === `bytearray(${repr})`) {
        return { verdict: 'coerced', note: `${name} → its repr str (default=str): the bytes are all there, but only ast.literal_eval turns the text back into ${name}.` };
      }
      if (isBase64Of(post.value, pre.bytes)) {
        return { verdict: 'coerced', note: `${name} → base64 str: base64.b64decode restores it.` };
      }
    } else if (n !== undefined && /^(?:bytearray\()?b(['"]).*\1\)?$/s.test(post.value)) {
      return { verdict: 'coerced', note: `${name} → its repr str (default=str): only ast.literal_eval turns the text back into ${name}.` };
    }
  }
  if (post.kind === 'list' && pre.bytes && post.items.length === pre.bytes.length && post.items.every((x, i) => x.kind === 'int' && x.text === String(pre.bytes?.[i]))) {
    return { verdict: 'coerced', note: `${name} → list of ints: bytes(value) restores it.` };
  }
  return lostAs(pre, post);
}

function judgeSet(pre: PreDesc, post: Value): Judgement {
  const name = short(pre.type);
  if (post.kind === 'str') {
    const looksLikeRepr = /^(?:frozenset\(\{.*\}\)|\{.*\}|set\(\)|frozenset\(\))$/s.test(post.value);
    return {
      verdict: 'lossy',
      note: looksLikeRepr
        ? `${name} → its repr str (default=str): json.load gives the text '${clip(post.value)}', not a ${name}; anything iterating it gets characters.`
        : `${name} → str '${clip(post.value)}': the items are not recoverable from it.`,
    };
  }
  if (post.kind === 'list') {
    if (pre.len !== undefined && post.items.length !== pre.len) {
      return { verdict: 'lossy', note: `${name} of ${pre.len} items → list of ${post.items.length}.` };
    }
    return { verdict: 'coerced', note: `${name} → list (in arbitrary order): json.load gives a list; ${name}(value) restores it.` };
  }
  return lostAs(pre, post);
}

function judgeObject(pre: PreDesc, post: Value): Judgement {
  const cls = pre.type;
  if (post.kind === 'str') {
    const m = OBJECT_REPR.exec(post.value);
    if (m) {
      return { verdict: 'lossy', note: `${cls} instance → '${m[0]}' (default=str wrote its default repr): its state is gone, and the address means nothing after a restart.` };
    }
    if (pre.str !== undefined && post.value === pre.str) {
      return { verdict: 'lossy', note: `${cls} → str(value) '${clip(post.value)}': only its text survives; the object cannot be rebuilt from it.` };
    }
  }
  if (post.kind === 'dict') {
    return { verdict: 'coerced', note: `${cls} → dict of its fields: json.load gives a plain dict; the loader must rebuild the ${short(cls)}.` };
  }
  if (pre.args && pre.args.length === 1 && sameScalar(pre.args[0], post)) {
    return { verdict: 'coerced', note: `${cls} → its value ${describe(post)} (an enum member or wrapper): json.load gives the bare value; ${short(cls)}(value) restores it.` };
  }
  return lostAs(pre, post);
}

function sameScalar(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'int':
      return a.text === (b as typeof a).text;
    case 'str':
      return a.value === (b as typeof a).value;
    case 'float':
      return Object.is(floatValue(a), floatValue(b as typeof a));
    case 'bool':
      return a.value === (b as typeof a).value;
    default:
      return false;
  }
}

function lostAs(pre: PreDesc, post: Value): Judgement {
  return { verdict: 'lossy', note: `${short(pre.type)} ${clip(pre.repr)} → ${describe(post)}: the saved value cannot be recovered from it.` };
}

/** A few words for a post-load value: `str '…'`, `int 3`, `list of 2`. */
export function describe(v: Value): string {
  switch (v.kind) {
    case 'str':
      return `str '${clip(v.value)}'`;
    case 'int':
      return `int ${clip(v.text)}`;
    case 'float':
      return `float ${pythonFloatRepr(floatValue(v))}`;
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'null':
      return 'None';
    case 'list':
    case 'tuple':
    case 'set':
      return `${v.kind} of ${v.items.length}`;
    case 'dict':
      return `dict of ${v.pairs.length >> 1}`;
    default:
      return v.kind;
  }
}

function short(type: string): string {
  const dot = type.lastIndexOf('.');
  return dot < 0 ? type : type.slice(dot + 1);
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function isBase64Of(text: string, bytes: Uint8Array): boolean {
  if (bytes.length === 0 || text.length !== Math.ceil(bytes.length / 3) * 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63] + alphabet[(n >> 12) & 63];
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63] : '=';
  }
  return out === text;
}
