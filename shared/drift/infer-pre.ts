/**
 * Inference of the pre-save type from a post-load string, when neither a pickle image nor a type
 * manifest exists. Every guess is labelled `inferred` by the report: a string that looks like an
 * ISO date may always have been a string. What is recognised is what encoders in the wild write:
 * `isoformat()` / `str()` of dates and times, `str(timedelta)`, seed 000's `<bytes: N bytes
 * skipped>` placeholder, reprs that leaked through `default=str` or f-strings (`PosixPath('…')`,
 * `Decimal('…')`, `datetime.datetime(…)`, `b'…'`, `{1, 2}`) and `<pkg.Obj object at 0x…>`.
 */
import { isoRepr, parseIso, type IsoKind } from './iso-datetime';
import type { DriftVerdict } from './types';

/** A guess at the pre-save value behind a string. */
export interface InferredPre {
  /** Python type name (`datetime`, `bytes`, `PosixPath`, `set`, `pkg.Obj`). */
  readonly type: string;
  /** The value as Python would have shown it, as far as the string tells. */
  readonly value: string;
  readonly verdict: Exclude<DriftVerdict, 'lossless' | 'dropped'>;
  readonly note: string;
}

const BYTES_PLACEHOLDER = /^<bytes: (\d+) bytes skipped>$/;
const OBJECT_REPR = /^<([A-Za-z_][\w.]*) object at 0x[0-9a-fA-F]+>$/;
const DATETIME_REPR = /^datetime\.(datetime|date|time|timedelta)\(.*\)$/s;
const PATH_REPR = /^((?:Pure)?(?:Posix|Windows)?Path)\((['"]).*\2\)$/s;
const DECIMAL_REPR = /^Decimal\((['"]).*\1\)$/;
const BYTES_REPR = /^(bytearray\()?b(['"]).*\2\)?$/s;
const SET_REPR = /^(?:set\(\)|frozenset\(\)|frozenset\(\{.+\}\)|\{[^:{}]+\})$/s;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:[+-]\d{2}:\d{2})?$/;
// str(timedelta): `1 day, 0:00:05.000007`, `-1 days, 23:59:59`, `0:00:05` (hours not zero-padded).
const TIMEDELTA = /^(?:-?\d+ days?, \d{1,2}|\d):\d{2}:\d{2}(?:\.\d{6})?$/;

/** Guess what a string was before it was saved, or null when it looks like an ordinary string. */
export function inferFromString(s: string): InferredPre | null {
  if (s.length > 200 || s.length < 5) return null;
  let m = BYTES_PLACEHOLDER.exec(s);
  if (m) {
    return { type: 'bytes', value: `<${m[1]} bytes>`, verdict: 'lossy', note: `A bytes placeholder (seed 000's encoder): the ${m[1]} bytes were not saved; a resume gets this text instead.` };
  }
  m = OBJECT_REPR.exec(s);
  if (m) {
    return { type: m[1], value: s, verdict: 'lossy', note: `An object's default repr (json.dumps default=str): the ${m[1]} instance's state is gone.` };
  }
  m = DATETIME_REPR.exec(s);
  if (m) {
    return { type: m[1], value: s, verdict: 'coerced', note: `A ${m[1]} repr, not ISO-8601: the fields are in the text, but ${m[1]}.fromisoformat cannot read it back.` };
  }
  m = PATH_REPR.exec(s);
  if (m) {
    return { type: m[1], value: s, verdict: 'coerced', note: `A ${m[1]} repr leaked into the text (an f-string or str() of a container): the path is there, wrapped in ${m[1]}('…').` };
  }
  if (DECIMAL_REPR.test(s)) {
    return { type: 'Decimal', value: s, verdict: 'coerced', note: "A Decimal repr leaked into the text: the digits are there, wrapped in Decimal('…')." };
  }
  if (BYTES_REPR.test(s)) {
    const type = s.startsWith('bytearray(') ? 'bytearray' : 'bytes';
    return { type, value: s, verdict: 'coerced', note: `A ${type} repr (json.dumps default=str): the bytes are in the text, but only ast.literal_eval turns it back into ${type}.` };
  }
  if (SET_REPR.test(s)) {
    const type = s.startsWith('frozenset') ? 'frozenset' : 'set';
    return { type, value: s, verdict: 'lossy', note: `A ${type} repr (json.dumps default=str): json.load gives this text, not a ${type}.` };
  }
  if (ISO_DATETIME.test(s)) return iso(s, 'datetime');
  if (ISO_DATE.test(s)) return iso(s, 'date');
  if (ISO_TIME.test(s)) return iso(s, 'time');
  if (TIMEDELTA.test(s)) {
    return { type: 'timedelta', value: s, verdict: 'coerced', note: 'Looks like str(timedelta): every field is kept, but no stdlib function parses it back; the loader must.' };
  }
  return null;
}

function iso(s: string, kind: IsoKind): InferredPre | null {
  const f = parseIso(s, kind);
  if (!f) return null;
  const how = kind === 'datetime' ? (s[10] === ' ' ? 'str()' : 'isoformat()') : 'isoformat()';
  return {
    type: kind,
    value: isoRepr(f, kind),
    verdict: 'coerced',
    note: `Looks like a ${kind} written by ${how}: json.load gives a str; ${kind}.fromisoformat reads it back.`,
  };
}
