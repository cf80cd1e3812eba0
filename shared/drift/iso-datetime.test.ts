import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fieldsFromRepr, isoRepr, parseIso, type IsoKind } from './iso-datetime';

// Extended-format strings (the subset parseIso claims), valid and not, as encoders write them.
const SAMPLES = [
  '2026-05-25', '2026-02-29', '2024-02-29', '2026-13-01', '2026-05-32', '0000-01-01',
  '2026-05-25T13:04:05', '2026-05-25 13:04:05', '2026-05-25T13:04:05.123456', '2026-05-25 13:04:05.1',
  '2026-05-25T13:04:05.1234567', '2026-05-25T13:04', '2026-05-25T13', '2026-05-25T', '2026-05-25X13:04:05',
  '2026-05-25T13:04:05Z', '2026-05-25T13:04:05+00:00', '2026-05-25T13:04:05-07:30', '2026-05-25T13:04:05+0200',
  '2026-05-25T13:04:05+02', '2026-05-25T13:04:05+05:00:30', '2026-05-25T13:04:05.5+05:00:30.25',
  '2026-05-25T24:00:00', '2026-05-25T13:60:00', '2026-05-25T13:04:61', '2026-05-25T13:04:05+24:00',
  '13:04:05', '13:04:05.5', '13:04', '13', 'T13:04:05', '13:04:05+02:00', '25:00:00', '13:04:05Z',
];

const KINDS: IsoKind[] = ['date', 'datetime', 'time'];

/** What Python 3's fromisoformat says: fields, or null when it raises. */
function pythonFields(): Record<IsoKind, (number[] | null)[]> {
  const script = `
import json, sys, datetime
samples = json.loads(sys.stdin.read())
out = {}
for kind in ("date", "datetime", "time"):
    cls = getattr(datetime, kind)
    res = []
    for s in samples:
        try:
            v = cls.fromisoformat(s)
        except Exception:
            res.append(None); continue
        if kind == "date":
            res.append([v.year, v.month, v.day, 0, 0, 0, 0, None]); continue
        off = v.utcoffset()
        off = None if off is None else (off.days * 86400 + off.seconds) * 10**6 + off.microseconds
        if kind == "time":
            res.append([1900, 1, 1, v.hour, v.minute, v.second, v.microsecond, off])
        else:
            res.append([v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, off])
    out[kind] = res
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(SAMPLES), encoding: 'utf8' }));
}

describe('parseIso', () => {
  it('accepts and rejects what Python fromisoformat does, with the same fields', () => {
    const expected = pythonFields();
    for (const kind of KINDS) {
      const got = SAMPLES.map((s) => {
        const f = parseIso(s, kind);
        return f && [f.y, f.mo, f.d, f.h, f.mi, f.s, f.us, f.offset];
      });
      expect({ kind, got }).toEqual({ kind, got: expected[kind] });
    }
  });
});

describe('fieldsFromRepr and isoRepr', () => {
  it('read and write Python reprs of dates and times', () => {
    const script = `
import datetime as d
vals = [d.datetime(2026, 5, 25, 13, 4), d.datetime(2026, 5, 25, 13, 4, 5, 7, tzinfo=d.timezone.utc),
        d.datetime(2026, 5, 25, 0, 0, tzinfo=d.timezone(d.timedelta(hours=-7, minutes=-30))), d.date(2026, 5, 25), d.time(1, 2, 3, 4)]
for v in vals: print(repr(v) + "\\t" + v.isoformat() + "\\t" + type(v).__name__)
`;
    const lines = execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    for (const line of lines) {
      const [repr, iso, kind] = line.split('\t') as [string, string, IsoKind];
      const fromRepr = fieldsFromRepr(repr);
      const fromIso = parseIso(iso, kind);
      expect(fromRepr).toEqual(fromIso);
      expect(fromIso && isoRepr(fromIso, kind)).toBe(repr);
    }
  });

  it('cannot give the offset of a named zone', () => {
    expect(fieldsFromRepr("datetime.datetime(2026, 5, 25, 13, 4, tzinfo=zoneinfo.ZoneInfo(key='Europe/Paris'))")?.offset).toBeUndefined();
  });
});
