import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { inferFromString } from './infer-pre';

/** Strings Python itself makes of non-JSON values, tagged with the type they came from. */
function pythonSamples(): [string, string][] {
  const script = `
import datetime as d, decimal, pathlib, json
class Job: pass
def placeholder(b): return f"<bytes: {len(b)} bytes skipped>"
when = d.datetime(2026, 5, 25, 13, 4, 5, 123456)
rows = [
  ("datetime", str(when)), ("datetime", when.isoformat()), ("datetime", d.datetime(2026, 5, 25).isoformat()),
  ("datetime", str(when.replace(tzinfo=d.timezone.utc))), ("datetime", when.astimezone(d.timezone(d.timedelta(hours=-5))).isoformat()),
  ("date", str(d.date(2026, 5, 25))), ("time", str(d.time(13, 4, 5))), ("time", d.time(13, 4, 5, 12).isoformat()),
  ("timedelta", str(d.timedelta(days=1, seconds=5, microseconds=7))), ("timedelta", str(d.timedelta(seconds=5))),
  ("timedelta", str(d.timedelta(days=-1))), ("timedelta", str(d.timedelta(days=3, hours=23))),
  ("bytes", placeholder(b"x" * 1024)), ("bytes", str(b"\\x00ab'")), ("bytearray", str(bytearray(b"xy"))),
  ("PosixPath", repr(pathlib.PosixPath("/runs/7"))), ("PurePosixPath", repr(pathlib.PurePosixPath("a/b"))),
  ("Decimal", repr(decimal.Decimal("1.10"))), ("__main__.Job", str(Job())),
  ("set", str({1, 2})), ("set", str({"a"})), ("set", str(set())), ("frozenset", str(frozenset({3}))),
  ("datetime", repr(when)), ("date", repr(d.date(2026, 5, 25))),
]
print(json.dumps(rows))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' }));
}

describe('inferFromString', () => {
  it('recognises what Python writes for non-JSON values, and names the type', () => {
    for (const [type, text] of pythonSamples()) {
      expect({ text, type: inferFromString(text)?.type }).toEqual({ text, type });
    }
  });

  it('calls lost information lossy and kept information coerced', () => {
    expect(inferFromString('<bytes: 12 bytes skipped>')?.verdict).toBe('lossy');
    expect(inferFromString('{1, 2}')?.verdict).toBe('lossy');
    expect(inferFromString('<app.Job object at 0x7f3a2c1d0e50>')?.verdict).toBe('lossy');
    expect(inferFromString('2026-05-25T13:04:05')?.verdict).toBe('coerced');
    expect(inferFromString('2026-05-25T13:04:05')?.value).toBe('datetime.datetime(2026, 5, 25, 13, 4, 5)');
  });

  it('leaves ordinary strings alone', () => {
    for (const s of ['hello world', '2026', '12:30', 'v1.2.3', '{}', "{'a': 1}", 'run-2026-05-25', '2026-05-25-final', '2026-13-45', 'b', 'set', '<p>hi</p>', '99:99:99']) {
      expect({ s, guess: inferFromString(s) }).toEqual({ s, guess: null });
    }
  });
});
