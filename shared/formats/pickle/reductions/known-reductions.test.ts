import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodePickle } from '../decode-pickle';

/**
 * Many random standard-library values, pickled by Python at a random protocol; each must decode
 * to a typed node whose repr and str are exactly Python's.
 */
const GENERATE = `
import pickle, json, base64, random, datetime, decimal, pathlib, zoneinfo
random.seed(11)
def rnd_float():
    return random.choice([0.0, -0.0, float('inf'), float('-inf'), float('nan'), random.uniform(-1e6, 1e6),
                          random.random() * 10 ** random.randint(-30, 30), float(random.randint(-5, 5))])
values = []
for _ in range(150):
    values.append(datetime.timedelta(days=random.randint(-999999999, 999999999), seconds=random.randint(0, 86399),
                                     microseconds=random.randint(0, 999999)))
    values.append(datetime.timedelta(microseconds=random.randint(-10**12, 10**12)))
    digits = ''.join(random.choice('0123456789') for _ in range(random.randint(1, 30)))
    values.append(decimal.Decimal(random.choice(['', '-']) + digits + 'E' + str(random.randint(-40, 40))))
    values.append(decimal.Decimal((random.randint(0, 1), tuple(random.randint(0, 9) for _ in range(random.randint(1, 8))), random.randint(-12, 12))))
    values.append(complex(rnd_float(), rnd_float()))
    off = datetime.timedelta(microseconds=random.randint(-86399999999, 86399999999))
    tz = random.choice([None, datetime.timezone.utc, datetime.timezone(off), datetime.timezone(off, 'Zone %d' % random.randint(0, 9)),
                        zoneinfo.ZoneInfo(random.choice(['America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/London']))])
    values.append(datetime.datetime(random.randint(1, 9999), random.randint(1, 12), random.randint(1, 28), random.randint(0, 23),
                                    random.randint(0, 59), random.randint(0, 59), random.choice([0, random.randint(0, 999999)]),
                                    tzinfo=tz, fold=random.randint(0, 1)))
    values.append(datetime.time(random.randint(0, 23), random.randint(0, 59), random.choice([0, 5]), random.choice([0, 7]),
                                tzinfo=random.choice([None, datetime.timezone(off)]), fold=random.randint(0, 1)))
    parts = [random.choice(['a', '..', '.', '', 'dir name', 'ü', 'C:', 'c:\\\\x', '/', '//', '\\\\\\\\srv\\\\share', 'b/c', 'd\\\\e'])
             for _ in range(random.randint(0, 4))]
    values.append(pathlib.PureWindowsPath(*parts))
    values.append(pathlib.PurePosixPath(*[p.replace('\\\\', '/') for p in parts]))
out = []
for v in values:
    data = pickle.dumps(v, protocol=random.randint(0, 5))
    # Compare with what Python loads back: protocols 0-3 do not record fold.
    back = pickle.loads(data)
    out.append([base64.b64encode(data).decode(), type(back).__module__ + '.' + type(back).__qualname__, repr(back), str(back)])
print(json.dumps(out))
`;

describe('known reductions', () => {
  it('rebuild random datetimes, timedeltas, Decimals, complex numbers and paths with Python’s repr and str', () => {
    const cases = JSON.parse(execFileSync('python3', ['-c', GENERATE], { maxBuffer: 64 * 1024 * 1024 }).toString()) as [string, string, string, string][];
    expect(cases.length).toBe(150 * 9);
    const mismatches: string[] = [];
    for (const [b64, type, repr, str] of cases) {
      const r = decodePickle(new Uint8Array(Buffer.from(b64, 'base64')), 'v.pkl');
      const got = r.kind === 'ok' ? r.value : null;
      const expected = { kind: 'typed', type, repr, str };
      if (JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push(`${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('reads the pathlib._local form Python 3.13 writes (raw path segments)', () => {
    // Python 3.11 cannot write this form, so the bytes are assembled from its own opcode constants.
    const out = execFileSync('python3', ['-c', `
import pickle, sys, pathlib
P = pickle
def seg(s):
    b = s.encode()
    return P.SHORT_BINUNICODE + bytes([len(b)]) + b
sys.stdout.buffer.write(P.PROTO + b'\\x04' + seg('pathlib._local') + seg('PosixPath') + P.STACK_GLOBAL
  + seg('/srv/ckpt/../run') + seg('step-7/') + P.TUPLE2 + P.REDUCE + P.STOP)
print(repr(pathlib.PosixPath('/srv/ckpt/../run', 'step-7/')), file=sys.stderr)
`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const r = decodePickle(new Uint8Array(out), 'p313.pkl');
    if (r.kind !== 'ok') throw new Error('expected ok');
    expect(r.value).toEqual({ kind: 'typed', type: 'pathlib.PosixPath', repr: "PosixPath('/srv/ckpt/../run/step-7')", str: '/srv/ckpt/../run/step-7' });
  });
});
