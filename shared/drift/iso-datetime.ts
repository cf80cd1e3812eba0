/**
 * Just enough of Python 3.11's `date/datetime/time.fromisoformat` to say whether a string read
 * back from JSON gives the value the program saved. Accepted (as CPython does): `YYYY-MM-DD`, any
 * single character between date and time (`T`, a space — `str(datetime)` uses a space), `HH`,
 * `HH:MM`, `HH:MM:SS`, a fraction of any length (cut to microseconds), and `Z` or `±HH[:MM[:SS[.f]]]`
 * / `±HHMM` offsets. Not accepted here: the basic format (`20260525T130405`) and week dates, which
 * no encoder in the wild writes for a checkpoint.
 */

/** The fields of a date, time or datetime; `offset` in microseconds, null when naive. */
export interface IsoFields {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
  readonly us: number;
  readonly offset: number | null;
}

/** Which `fromisoformat` the loader would call. */
export type IsoKind = 'datetime' | 'date' | 'time';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?$/;
const OFFSET = /^([+-])(\d{2})(?::?(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/** Parse like `<kind>.fromisoformat(text)`; null when Python would raise. */
export function parseIso(text: string, kind: IsoKind): IsoFields | null {
  if (kind === 'date') {
    const m = DATE.exec(text);
    return m && dateOk(+m[1], +m[2], +m[3]) ? { y: +m[1], mo: +m[2], d: +m[3], h: 0, mi: 0, s: 0, us: 0, offset: null } : null;
  }
  let datePart = '';
  let rest = text;
  if (kind === 'datetime') {
    datePart = text.slice(0, 10);
    rest = text.length > 11 ? text.slice(11) : '';
    if (text.length === 11) return null;
  } else if (rest.startsWith('T')) {
    rest = rest.slice(1);
  }
  const dm = kind === 'datetime' ? DATE.exec(datePart) : null;
  if (kind === 'datetime' && (!dm || !dateOk(+dm[1], +dm[2], +dm[3]))) return null;
  const date = dm ? { y: +dm[1], mo: +dm[2], d: +dm[3] } : { y: 1900, mo: 1, d: 1 };
  if (rest === '') return kind === 'datetime' ? { ...date, h: 0, mi: 0, s: 0, us: 0, offset: null } : null;
  const tzAt = rest.search(/[Z+-]/);
  const timePart = tzAt >= 0 ? rest.slice(0, tzAt) : rest;
  const tzPart = tzAt >= 0 ? rest.slice(tzAt) : '';
  const tm = TIME.exec(timePart);
  if (!tm) return null;
  const h = +tm[1];
  const mi = tm[2] ? +tm[2] : 0;
  const s = tm[3] ? +tm[3] : 0;
  const us = tm[4] ? Number(tm[4].slice(0, 6).padEnd(6, '0')) : 0;
  if (h > 23 || mi > 59 || s > 59) return null;
  let offset: number | null = null;
  if (tzPart === 'Z') offset = 0;
  else if (tzPart !== '') {
    const om = OFFSET.exec(tzPart);
    if (!om) return null;
    const total = ((+om[2] * 60 + (om[3] ? +om[3] : 0)) * 60 + (om[4] ? +om[4] : 0)) * 1e6 + (om[5] ? Number(om[5].padEnd(6, '0')) : 0);
    if (total >= 86_400e6) return null;
    offset = om[1] === '-' ? -total : total;
  }
  return { ...date, h, mi, s, us, offset };
}

/**
 * The fields of a value from its Python repr: `datetime.datetime(2026, 5, 25, 13, 4, 5, 123456,
 * tzinfo=datetime.timezone.utc)`, `datetime.date(…)`, `datetime.time(…)`. `offset` is null for
 * naive values and undefined when the tzinfo is something else (a named zone) whose offset the
 * repr does not give.
 */
export function fieldsFromRepr(repr: string): (Omit<IsoFields, 'offset'> & { offset: number | null | undefined }) | null {
  const m = /^datetime\.(datetime|date|time)\((.*)\)$/.exec(repr);
  if (!m) return null;
  const [, kind, body] = m;
  const tzAt = body.indexOf('tzinfo=');
  const nums = (tzAt >= 0 ? body.slice(0, tzAt) : body).split(',').map((x) => x.trim()).filter((x) => /^\d+$/.test(x)).map(Number);
  let offset: number | null | undefined = null;
  if (tzAt >= 0) {
    const tz = body.slice(tzAt + 7).replace(/, fold=1$/, '');
    if (tz === 'datetime.timezone.utc') offset = 0;
    else {
      const tm = /^datetime\.timezone\(datetime\.timedelta\(((?:\w+=-?\d+(?:, )?)*)\)(?:, '[^']*')?\)$/.exec(tz);
      if (tm) {
        const part = (name: string): number => Number(new RegExp(`${name}=(-?\\d+)`).exec(tm[1])?.[1] ?? 0);
        offset = (part('days') * 86400 + part('seconds')) * 1e6 + part('microseconds');
      } else offset = undefined;
    }
  }
  if (kind === 'date') return nums.length === 3 ? { y: nums[0], mo: nums[1], d: nums[2], h: 0, mi: 0, s: 0, us: 0, offset: null } : null;
  const t = kind === 'time' ? [1900, 1, 1, ...nums] : nums;
  if (t.length < 3) return null;
  return { y: t[0], mo: t[1], d: t[2], h: t[3] ?? 0, mi: t[4] ?? 0, s: t[5] ?? 0, us: t[6] ?? 0, offset };
}

/** True when both name the same fields and offset (what a lossless round trip needs). */
export function sameFields(a: IsoFields, b: IsoFields): boolean {
  return a.y === b.y && a.mo === b.mo && a.d === b.d && a.h === b.h && a.mi === b.mi && a.s === b.s && a.us === b.us && a.offset === b.offset;
}

/** Python's repr of the value `fromisoformat` would return, for showing an inferred pre-save value. */
export function isoRepr(f: IsoFields, kind: IsoKind): string {
  if (kind === 'date') return `datetime.date(${f.y}, ${f.mo}, ${f.d})`;
  const time = [f.h, f.mi];
  if (f.s || f.us) time.push(f.s);
  if (f.us) time.push(f.us);
  let tz = '';
  if (f.offset === 0) tz = ', tzinfo=datetime.timezone.utc';
  else if (f.offset !== null) {
    const days = Math.floor(f.offset / 86_400e6);
    const rem = f.offset - days * 86_400e6;
    const seconds = Math.floor(rem / 1e6);
    const micro = rem - seconds * 1e6;
    const parts = [days ? `days=${days}` : '', seconds ? `seconds=${seconds}` : '', micro ? `microseconds=${micro}` : ''].filter(Boolean);
    tz = `, tzinfo=datetime.timezone(datetime.timedelta(${parts.join(', ')}))`;
  }
  if (kind === 'time') return `datetime.time(${time.join(', ')}${tz})`;
  return `datetime.datetime(${f.y}, ${f.mo}, ${f.d}, ${time.join(', ')}${tz})`;
}

function dateOk(y: number, mo: number, d: number): boolean {
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}
