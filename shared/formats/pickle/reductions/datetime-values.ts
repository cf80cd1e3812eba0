/**
 * `datetime` and `zoneinfo` values rebuilt from their pickled form, with Python's exact `repr` and
 * `str`. CPython pickles a datetime as its packed byte state (10 bytes: year, month with the fold
 * bit, day, hour, minute, second, microsecond) plus an optional tzinfo; a date as 4 bytes; a time
 * as 6 bytes with the fold bit in the hour; a timedelta as (days, seconds, microseconds); a
 * timezone as (offset[, name]); a ZoneInfo as `ZoneInfo._unpickle(key, from_cache)`.
 */
import type { TypedValue, Value } from '../../../model/value';
import { encodeLatin1 } from '../pickle-strings';
import { pythonStrRepr } from '../../../render/python-repr';
import { UNKNOWN, intArg, produced, refused, type Reduction } from './reduction';

interface Delta {
  readonly days: bigint;
  readonly seconds: number;
  readonly micros: number;
}

type Tz =
  | { readonly kind: 'fixed'; readonly offset: Delta; readonly name: string | null; readonly utc: boolean }
  | { readonly kind: 'zone'; readonly key: string };

// The typed nodes only carry repr/str; a datetime built later needs the numbers behind a
// timedelta or tzinfo node it receives as an argument, so they ride alongside here.
const DELTAS = new WeakMap<Value, Delta>();
const TZS = new WeakMap<Value, Tz>();

const US_PER_DAY = 86_400_000_000n;
const MAX_DAYS = 999_999_999n;

function pad(n: number | bigint, width: number): string {
  const s = (n < 0 ? -n : n).toString().padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function typed(type: string, repr: string, str: string): TypedValue {
  return { kind: 'typed', type, repr, str };
}

function deltaFromMicros(total: bigint): Delta | null {
  let days = total / US_PER_DAY;
  let rem = total % US_PER_DAY;
  if (rem < 0n) { rem += US_PER_DAY; days -= 1n; }
  if (days > MAX_DAYS || days < -MAX_DAYS) return null;
  return { days, seconds: Number(rem / 1_000_000n), micros: Number(rem % 1_000_000n) };
}

function deltaMicros(d: Delta): bigint {
  return d.days * US_PER_DAY + BigInt(d.seconds) * 1_000_000n + BigInt(d.micros);
}

function deltaRepr(d: Delta): string {
  const parts: string[] = [];
  if (d.days) parts.push(`days=${d.days}`);
  if (d.seconds) parts.push(`seconds=${d.seconds}`);
  if (d.micros) parts.push(`microseconds=${d.micros}`);
  return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
}

function deltaStr(d: Delta): string {
  const hh = Math.floor(d.seconds / 3600);
  const mm = Math.floor((d.seconds % 3600) / 60);
  const ss = d.seconds % 60;
  let s = `${hh}:${pad(mm, 2)}:${pad(ss, 2)}`;
  if (d.days) s = `${d.days} day${d.days === 1n || d.days === -1n ? '' : 's'}, ${s}`;
  if (d.micros) s += `.${pad(d.micros, 6)}`;
  return s;
}

/** `timedelta(days, seconds, microseconds)`, normalised as Python's constructor does. */
export function reduceTimedelta(args: readonly Value[]): Reduction {
  if (args.length > 3) return UNKNOWN;
  const nums = [0, 1, 2].map((i) => (args[i] === undefined ? 0n : intArg(args[i])));
  if (nums.some((n) => n === null)) return UNKNOWN;
  const [days, seconds, micros] = nums as bigint[];
  const delta = deltaFromMicros(days * US_PER_DAY + seconds * 1_000_000n + micros);
  if (!delta) return refused('timedelta out of range: days must have magnitude <= 999999999');
  const value = typed('datetime.timedelta', deltaRepr(delta), deltaStr(delta));
  DELTAS.set(value, delta);
  return produced(value);
}

// "UTC", "UTC+05:30", "UTC-01:00:30", "UTC+01:00:00.000005": timezone's default tzname.
function offsetName(d: Delta): string {
  const us = deltaMicros(d);
  if (us === 0n) return 'UTC';
  return `UTC${formatOffset(us)}`;
}

// "+HH:MM[:SS[.ffffff]]", as datetime's isoformat and timezone's tzname write an offset.
function formatOffset(us: bigint): string {
  const sign = us < 0n ? '-' : '+';
  let rest = us < 0n ? -us : us;
  const hh = rest / 3_600_000_000n;
  rest %= 3_600_000_000n;
  const mm = rest / 60_000_000n;
  rest %= 60_000_000n;
  const ss = rest / 1_000_000n;
  const micros = rest % 1_000_000n;
  let s = `${sign}${pad(hh, 2)}:${pad(mm, 2)}`;
  if (ss || micros) {
    s += `:${pad(ss, 2)}`;
    if (micros) s += `.${pad(micros, 6)}`;
  }
  return s;
}

function tzRepr(tz: Tz): string {
  if (tz.kind === 'zone') return `zoneinfo.ZoneInfo(key=${pythonStrRepr(tz.key)})`;
  if (tz.utc) return 'datetime.timezone.utc';
  const offset = deltaRepr(tz.offset);
  return tz.name === null ? `datetime.timezone(${offset})` : `datetime.timezone(${offset}, ${pythonStrRepr(tz.name)})`;
}

/** `timezone(offset[, name])`; `timezone(timedelta(0))` is the `timezone.utc` singleton. */
export function reduceTimezone(args: readonly Value[]): Reduction {
  if (args.length < 1 || args.length > 2) return UNKNOWN;
  const offset = DELTAS.get(args[0]);
  if (!offset) return UNKNOWN;
  const nameArg = args[1];
  if (nameArg !== undefined && nameArg.kind !== 'str') return refused('timezone() argument 2 must be str');
  const us = deltaMicros(offset);
  if (us <= -US_PER_DAY || us >= US_PER_DAY) {
    return refused('offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)');
  }
  const name = nameArg?.kind === 'str' ? nameArg.value : null;
  const tz: Tz = { kind: 'fixed', offset, name, utc: name === null && us === 0n };
  const value = typed('datetime.timezone', tzRepr(tz), name ?? offsetName(offset));
  TZS.set(value, tz);
  return produced(value);
}

/** `ZoneInfo._unpickle(key, from_cache)` (and `ZoneInfo(key)`): an IANA zone. */
export function reduceZoneInfo(args: readonly Value[]): Reduction {
  const key = args[0];
  if (key === undefined || key.kind !== 'str' || args.length > 2) return UNKNOWN;
  const tz: Tz = { kind: 'zone', key: key.value };
  const value = typed('zoneinfo.ZoneInfo', tzRepr(tz), key.value);
  TZS.set(value, tz);
  return produced(value);
}

// A tzinfo argument: null for None, a Tz we modelled, 'unknown' for a tzinfo class we do not
// model (pytz, dateutil: kept inert), 'bad' for something that is not a tzinfo at all.
function tzArg(v: Value | undefined): Tz | null | 'unknown' | 'bad' {
  if (v === undefined || v.kind === 'null') return null;
  const tz = TZS.get(v);
  if (tz) return tz;
  return v.kind === 'object' || v.kind === 'typed' ? 'unknown' : 'bad';
}

function stateBytes(v: Value | undefined, size: number): Uint8Array | null {
  if (v === undefined) return null;
  if (v.kind === 'bytes' && v.value.length === size) return v.value;
  // A Python 2 pickle loaded with encoding='latin1' hands the state over as str.
  if (v.kind === 'str' && v.value.length === size) return encodeLatin1(v.value);
  return null;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month];
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
  fold: number;
}

// The checks Python's constructors make on explicit integer arguments.
function checkFields(f: Fields, withDate: boolean, withTime: boolean): string | null {
  if (withDate) {
    if (f.year < 1 || f.year > 9999) return `year ${f.year} is out of range`;
    if (f.month < 1 || f.month > 12) return 'month must be in 1..12';
    if (f.day < 1 || f.day > daysIn(f.year, f.month)) return 'day is out of range for month';
  }
  if (withTime) {
    if (f.hour < 0 || f.hour > 23) return 'hour must be in 0..23';
    if (f.minute < 0 || f.minute > 59) return 'minute must be in 0..59';
    if (f.second < 0 || f.second > 59) return 'second must be in 0..59';
    if (f.micro < 0 || f.micro > 999999) return 'microsecond must be in 0..999999';
  }
  return null;
}

function intFields(args: readonly Value[], names: readonly (keyof Fields)[], required: number): Fields | null {
  const f: Fields = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0, fold: 0 };
  if (args.length < required) return null;
  for (let i = 0; i < names.length && i < args.length; i++) {
    const n = intArg(args[i]);
    if (n === null || n > 1_000_000_000n || n < -1_000_000_000n) return null;
    f[names[i]] = Number(n);
  }
  return f;
}

function timeOfDay(f: Fields): string {
  const base = `${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}`;
  return f.micro ? `${base}.${pad(f.micro, 6)}` : base;
}

function timeReprArgs(f: Fields): string {
  if (f.micro) return `${f.hour}, ${f.minute}, ${f.second}, ${f.micro}`;
  if (f.second) return `${f.hour}, ${f.minute}, ${f.second}`;
  return `${f.hour}, ${f.minute}`;
}

// ---- the common case, fast -----------------------------------------------------------------
//
// A checkpoint can hold millions of datetimes, each decoded from its packed state. Their repr and
// str are written here as character codes and made into one flat string each: building them from
// template pieces leaves a tree of concatenated strings per value, which the garbage collector
// then copies again and again while the rest of the pickle decodes. The text is the same.

// The text so far is CODES[0..codeCount); arrays of each exact length hand it to fromCharCode
// (resizing one array per string costs more than the copy).
const CODES: number[] = [];
let codeCount = 0;
const CODES_OF_LENGTH: number[][] = [];
const C_0 = 48;

function putCode(c: number): void {
  if (codeCount === CODES.length) CODES.push(c);
  else CODES[codeCount] = c;
  codeCount++;
}

function putText(s: string): void {
  for (let i = 0; i < s.length; i++) putCode(s.charCodeAt(i));
}

// A non-negative integer below 2**31, zero-padded to `width` digits (as pad() writes it).
function putInt(n: number, width: number): void {
  let digits = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
  for (let k = digits; k < width; k++) putCode(C_0);
  const at = codeCount;
  for (let k = 0; k < digits; k++) putCode(0);
  for (let k = digits - 1, t = n; k >= 0; k--, t = (t / 10) | 0) CODES[at + k] = C_0 + (t % 10);
}

function takeText(): string {
  const n = codeCount;
  while (CODES_OF_LENGTH.length <= n) CODES_OF_LENGTH.push(new Array<number>(CODES_OF_LENGTH.length).fill(0));
  const exact = CODES_OF_LENGTH[n];
  for (let k = 0; k < n; k++) exact[k] = CODES[k];
  codeCount = 0;
  return String.fromCharCode.apply(null, exact);
}

// Dates repeat across a checkpoint (one per day), so their text is kept, within a bound.
interface DateText {
  readonly repr: string;
  readonly str: string;
  // `datetime.datetime(Y, M, D, ` and `YYYY-MM-DD `, what a datetime on that day starts with.
  readonly datetimeRepr: string;
  readonly datetimeStr: string;
}
const DATE_TEXT = new Map<number, DateText>();
const MAX_DATE_TEXTS = 20_000;

function dateText(year: number, month: number, day: number): DateText {
  const key = (year * 256 + month) * 256 + day;
  let text = DATE_TEXT.get(key);
  if (text === undefined) {
    const args = `${year}, ${month}, ${day}`;
    const str = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    putText(`datetime.date(${args})`);
    const repr = takeText();
    putText(str);
    const flatStr = takeText();
    putText(`datetime.datetime(${args}, `);
    const datetimeRepr = takeText();
    putText(`${str} `);
    const datetimeStr = takeText();
    text = { repr, str: flatStr, datetimeRepr, datetimeStr };
    if (DATE_TEXT.size >= MAX_DATE_TEXTS) DATE_TEXT.clear();
    DATE_TEXT.set(key, text);
  }
  return text;
}

// A naive datetime from its 10-byte state at `at` (fields as the state holds them, not
// range-checked, exactly as the general path formats them).
function naiveDatetime(state: Uint8Array, at: number): TypedValue {
  const date = dateText(state[at] * 256 + state[at + 1], state[at + 2] & 0x7f, state[at + 3]);
  const hour = state[at + 4];
  const minute = state[at + 5];
  const second = state[at + 6];
  const micro = (state[at + 7] << 16) | (state[at + 8] << 8) | state[at + 9];
  const fold = state[at + 2] & 0x80 ? 1 : 0;
  putText(date.datetimeRepr);
  putInt(hour, 1);
  putCode(0x2c);
  putCode(0x20);
  putInt(minute, 1);
  if (second || micro) {
    putCode(0x2c);
    putCode(0x20);
    putInt(second, 1);
  }
  if (micro) {
    putCode(0x2c);
    putCode(0x20);
    putInt(micro, 1);
  }
  if (fold) putText(', fold=1');
  putCode(0x29);
  const repr = takeText();
  putText(date.datetimeStr);
  putInt(hour, 2);
  putCode(0x3a);
  putInt(minute, 2);
  putCode(0x3a);
  putInt(second, 2);
  if (micro) {
    putCode(0x2e);
    putInt(micro, 6);
  }
  return typed('datetime.datetime', repr, takeText());
}

/**
 * `datetime(state)` for the 10 state bytes at `at` of `bytes`, or null where that call takes the
 * general path (see reduceDatetime): the same node reduceDatetime makes of a bytes argument.
 */
export function datetimeFromState(bytes: Uint8Array, at: number): TypedValue | null {
  const month = bytes[at + 2] & 0x7f;
  return month >= 1 && month <= 12 ? naiveDatetime(bytes, at) : null;
}

/** `date(state)` for the 4 state bytes at `at` of `bytes`, or null where that call takes the general path. */
export function dateFromState(bytes: Uint8Array, at: number): TypedValue | null {
  const month = bytes[at + 2];
  if (month < 1 || month > 12) return null;
  const text = dateText(bytes[at] * 256 + bytes[at + 1], month, bytes[at + 3]);
  return typed('datetime.date', text.repr, text.str);
}

/** `date(state)` or `date(year, month, day)`. */
export function reduceDate(args: readonly Value[]): Reduction {
  const state = args.length === 1 ? stateBytes(args[0], 4) : null;
  let f: Fields | null;
  if (state && state[2] >= 1 && state[2] <= 12) {
    return produced(dateFromState(state, 0) as TypedValue);
  } else {
    f = intFields(args, ['year', 'month', 'day'], 3);
    if (!f || args.length > 3) return args[0]?.kind === 'bytes' || args[0]?.kind === 'str' ? refused('bad date state') : UNKNOWN;
    const bad = checkFields(f, true, false);
    if (bad) return refused(bad);
  }
  return produced(typed('datetime.date', `datetime.date(${f.year}, ${f.month}, ${f.day})`, `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}`));
}

/** `time(state[, tzinfo])` or `time(hour, minute, second, microsecond, tzinfo)`. */
export function reduceTime(args: readonly Value[]): Reduction {
  const state = stateBytes(args[0], 6);
  let f: Fields | null;
  let tzValue: Value | undefined;
  if (state && (state[0] & 0x7f) < 24 && args.length <= 2) {
    f = {
      year: 1, month: 1, day: 1, hour: state[0] & 0x7f, minute: state[1], second: state[2],
      micro: (state[3] << 16) | (state[4] << 8) | state[5], fold: state[0] & 0x80 ? 1 : 0,
    };
    tzValue = args[1];
  } else {
    f = intFields(args.slice(0, 4), ['hour', 'minute', 'second', 'micro'], 0);
    if (!f || args.length > 5) return UNKNOWN;
    const bad = checkFields(f, false, true);
    if (bad) return refused(bad);
    tzValue = args[4];
  }
  const tz = tzArg(tzValue);
  if (tz === 'unknown') return UNKNOWN;
  if (tz === 'bad') return refused('bad tzinfo state arg');
  let repr = `datetime.time(${timeReprArgs(f)}`;
  if (tz) repr += `, tzinfo=${tzRepr(tz)}`;
  if (f.fold) repr += `, fold=${f.fold}`;
  // time.utcoffset() asks the tzinfo without a date: a fixed offset answers, a zone says None.
  const str = timeOfDay(f) + (tz?.kind === 'fixed' ? formatOffset(deltaMicros(tz.offset)) : '');
  return produced(typed('datetime.time', `${repr})`, str));
}

/** `datetime(state[, tzinfo])` or `datetime(year, month, day, hour, minute, second, microsecond, tzinfo)`. */
export function reduceDatetime(args: readonly Value[]): Reduction {
  const state = stateBytes(args[0], 10);
  let f: Fields | null;
  let tzValue: Value | undefined;
  if (state && (state[2] & 0x7f) >= 1 && (state[2] & 0x7f) <= 12 && args.length <= 2) {
    if (args.length === 1 || args[1].kind === 'null') return produced(naiveDatetime(state, 0));
    f = {
      year: state[0] * 256 + state[1], month: state[2] & 0x7f, day: state[3], hour: state[4], minute: state[5],
      second: state[6], micro: (state[7] << 16) | (state[8] << 8) | state[9], fold: state[2] & 0x80 ? 1 : 0,
    };
    tzValue = args[1];
  } else {
    if (args[0]?.kind === 'bytes' || args[0]?.kind === 'str') return refused('bad datetime state');
    f = intFields(args.slice(0, 7), ['year', 'month', 'day', 'hour', 'minute', 'second', 'micro'], 3);
    if (!f || args.length > 8) return UNKNOWN;
    const bad = checkFields(f, true, true);
    if (bad) return refused(bad);
    tzValue = args[7];
  }
  const tz = tzArg(tzValue);
  if (tz === 'unknown') return UNKNOWN;
  if (tz === 'bad') return refused('bad tzinfo state arg');
  let offset = '';
  if (tz?.kind === 'fixed') offset = formatOffset(deltaMicros(tz.offset));
  else if (tz?.kind === 'zone') {
    const seconds = zoneOffsetSeconds(tz.key, f);
    // Without the zone's rules we cannot say what str() prints; keep the value inert instead of guessing.
    if (seconds === null) return UNKNOWN;
    offset = formatOffset(BigInt(seconds) * 1_000_000n);
  }
  let repr = `datetime.datetime(${f.year}, ${f.month}, ${f.day}, ${timeReprArgs(f)}`;
  if (f.fold) repr += `, fold=${f.fold}`;
  if (tz) repr += `, tzinfo=${tzRepr(tz)}`;
  const str = `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)} ${timeOfDay(f)}${offset}`;
  return produced(typed('datetime.datetime', `${repr})`, str));
}

const ZONE_FORMATS = new Map<string, Intl.DateTimeFormat | null>();

// Intl lookups are slow (about a fifth of a millisecond each) and checkpoints repeat their
// timestamps, so answers are remembered, within a bound.
const OFFSET_CACHE = new Map<string, number | null>();
const MAX_CACHED_OFFSETS = 10_000;

// The UTC offset (seconds) a zone has at an instant, from the runtime's own tz database.
function offsetAt(key: string, epochSeconds: number): number | null {
  const cacheKey = `${key}|${epochSeconds}`;
  const cached = OFFSET_CACHE.get(cacheKey);
  if (cached !== undefined) return cached;
  const offset = lookUpOffset(key, epochSeconds);
  if (OFFSET_CACHE.size >= MAX_CACHED_OFFSETS) OFFSET_CACHE.clear();
  OFFSET_CACHE.set(cacheKey, offset);
  return offset;
}

function lookUpOffset(key: string, epochSeconds: number): number | null {
  let fmt = ZONE_FORMATS.get(key);
  if (fmt === undefined) {
    try {
      fmt = new Intl.DateTimeFormat('en-US', { timeZone: key, timeZoneName: 'longOffset' });
    } catch {
      fmt = null;
    }
    ZONE_FORMATS.set(key, fmt);
  }
  if (fmt === null) return null;
  const name = fmt.formatToParts(new Date(epochSeconds * 1000)).find((p) => p.type === 'timeZoneName')?.value;
  if (name === 'GMT') return 0;
  const m = name ? /^GMT([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(name) : null;
  if (!m) return null;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -seconds : seconds;
}

/**
 * The offset zoneinfo gives a wall time, PEP 495 style: in a repeated hour (fall back) fold=0
 * picks the earlier instant and fold=1 the later; in a skipped hour (spring forward) fold=0
 * uses the offset from before the transition and fold=1 the one after.
 */
function zoneOffsetSeconds(key: string, f: Fields): number | null {
  if (typeof Intl === 'undefined') return null;
  const exactWall = wallEpochSeconds(f);
  const before = offsetAt(key, exactWall - 86_400);
  const after = offsetAt(key, exactWall + 86_400);
  if (before === null || after === null) return null;
  if (before === after) return before;
  const beforeFits = offsetAt(key, exactWall - before) === before;
  const afterFits = offsetAt(key, exactWall - after) === after;
  if (beforeFits && afterFits) return f.fold ? after : before;
  if (beforeFits) return before;
  if (afterFits) return after;
  return f.fold ? after : before;
}

// Seconds since the epoch of the wall time read as UTC; Date.UTC maps years 0–99 to 1900s, so
// build the date through setUTCFullYear.
function wallEpochSeconds(f: Fields): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, 0);
  return d.getTime() / 1000;
}
