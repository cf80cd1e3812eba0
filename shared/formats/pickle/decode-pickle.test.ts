import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dictEntries, dictGet, dictSize, type Value } from '../../model/value';
import { decodePickle, MAX_OPS_PER_BYTE } from './decode-pickle';

// Fixtures are written by python3 itself: its own pickle module, datetime, decimal, pathlib, …
function python(script: string, cwd?: string): Buffer {
  return execFileSync('python3', ['-c', script], { cwd, maxBuffer: 64 * 1024 * 1024 });
}

/** A module of project classes, as a real job would pickle them (outside the standard library). */
const CKPTMOD = `
import enum
class Color(enum.Enum):
    RED = 1
    GREEN = 'green'
class Failure(Exception):
    pass
class Job:
    def __init__(self, name, steps):
        self.name = name
        self.steps = steps
class Bag(list):
    pass
class Registry(dict):
    pass
class Outer:
    class Inner:
        pass
`;

/**
 * Python side of the comparison: a canonical JSON description of an unpickled object. Containers
 * and instances are numbered in depth-first order when first met, so shared nodes and cycles
 * show up as {"ref": n} on both sides.
 */
const DESCRIBE = `
import sys, json, datetime, decimal, pathlib, uuid, enum, collections, zoneinfo, http, types
sys.set_int_max_str_digits(0)
sys.setrecursionlimit(10000)
TYPED = {datetime.datetime, datetime.date, datetime.time, datetime.timedelta, datetime.timezone,
         decimal.Decimal, pathlib.PurePosixPath, pathlib.PosixPath, pathlib.PureWindowsPath,
         uuid.UUID, complex, zoneinfo.ZoneInfo, range}
STDLIB_ENUMS = {http.HTTPStatus, http.HTTPMethod, uuid.SafeUUID}
def qual(t): return t.__module__ + '.' + t.__qualname__
def describe(root):
    ids = {}
    def d(x):
        t = type(x)
        if x is None: return {'t': 'none'}
        if t is bool: return {'t': 'bool', 'v': x}
        if t is int: return {'t': 'int', 'v': str(x)}
        if t is float: return {'t': 'float', 'v': repr(x)}
        if t is str: return {'t': 'str', 'v': x}
        if t is bytes: return {'t': 'bytes', 'v': x.hex()}
        if t is bytearray: return {'t': 'bytearray', 'v': x.hex()}
        if t in TYPED or t in STDLIB_ENUMS: return {'t': 'typed', 'type': qual(t), 'repr': repr(x), 'str': str(x)}
        if isinstance(x, type) or isinstance(x, (types.FunctionType, types.BuiltinFunctionType)):
            return {'t': 'global', 'name': qual(x)}
        if t is frozenset: return {'t': 'frozenset', 'items': sorted(json.dumps(d(i), separators=(',', ':')) for i in x)}
        shareable = not (t is tuple and len(x) == 0)
        if shareable:
            if id(x) in ids: return {'ref': ids[id(x)]}
            ids[id(x)] = len(ids)
        if t is list: return {'t': 'list', 'items': [d(i) for i in x]}
        if t is tuple: return {'t': 'tuple', 'items': [d(i) for i in x]}
        if t is set: return {'t': 'set', 'items': sorted(json.dumps(d(i), separators=(',', ':')) for i in x)}
        if t in (dict, collections.OrderedDict, collections.defaultdict, collections.Counter):
            out = {'t': 'dict', 'entries': [[d(k), d(v)] for k, v in x.items()]}
            if t is not dict: out['cls'] = qual(t)
            return out
        out = {'t': 'obj', 'cls': qual(t)}
        if isinstance(x, enum.Enum):
            # A member pickles as a call of its class with its value; its attributes are the class's.
            out['args'] = [d(x.value)]
            return out
        if isinstance(x, BaseException) and x.args: out['args'] = [d(a) for a in x.args]
        if getattr(x, '__dict__', None): out['state'] = d(vars(x))
        if isinstance(x, list) and len(x): out['items'] = [d(i) for i in x]
        if isinstance(x, dict) and len(x): out['entries'] = [[d(k), d(v)] for k, v in x.items()]
        return out
    return d(root)
`;

/** The same description computed from a decoded value tree. */
function describeValue(root: Value): unknown {
  const ids = new Map<object, number>();
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const d = (x: Value): unknown => {
    switch (x.kind) {
      case 'null': return { t: 'none' };
      case 'bool': return { t: 'bool', v: x.value };
      case 'int': return { t: 'int', v: x.text };
      case 'float': return { t: 'float', v: x.text };
      case 'str': return { t: 'str', v: x.value };
      case 'bytes': return { t: x.mutable ? 'bytearray' : 'bytes', v: hex(x.value) };
      case 'typed': return { t: 'typed', type: x.type, repr: x.repr, str: x.str };
      case 'global': return { t: 'global', name: x.name };
      default: break;
    }
    if (x.kind === 'set' && x.frozen) return { t: 'frozenset', items: x.items.map((i) => JSON.stringify(d(i))).sort() };
    const shareable = !(x.kind === 'tuple' && x.items.length === 0);
    if (shareable) {
      const seen = ids.get(x);
      if (seen !== undefined) return { ref: seen };
      ids.set(x, ids.size);
    }
    if (x.kind === 'list' || x.kind === 'tuple') return { t: x.kind, items: x.items.map(d) };
    if (x.kind === 'set') return { t: 'set', items: x.items.map((i) => JSON.stringify(d(i))).sort() };
    if (x.kind === 'dict') {
      const out: Record<string, unknown> = { t: 'dict', entries: dictEntries(x).map((e) => [d(e.key), d(e.value)]) };
      if (x.cls) out.cls = x.cls;
      return out;
    }
    const out: Record<string, unknown> = { t: 'obj', cls: x.cls };
    if (x.args && x.args.length) out.args = x.args.map(d);
    if (x.state) out.state = d(x.state);
    if (x.items && x.items.length) out.items = x.items.map(d);
    if (dictSize(x) > 0) out.entries = dictEntries(x).map((e) => [d(e.key), d(e.value)]);
    return out;
  };
  return d(root);
}

/** The rich state of the round-trip corpus; with `SMALL`, a compact one for the truncation sweep. */
const RICH_STATE = `
import sys, datetime, decimal, pathlib, uuid, collections, zoneinfo, http
sys.set_int_max_str_digits(0)
import ckptmod
from datetime import timezone, timedelta
from decimal import Decimal
Z = zoneinfo.ZoneInfo('Europe/Paris')
shared = {'k': [1, 2]}
selfref = [1]
selfref.append(selfref)
cycle_list = []
cycle_tuple = (cycle_list, 'x')
cycle_list.append(cycle_tuple)
state = {
  'nested': {'a': [1, (2, 3), {'b': None}], 'c': (True, False)},
  'empty': [[], (), {}, set(), frozenset()],
  'sets': [{1, 2, 3}, frozenset({'x', 'y'}), {'z', 4.5, None}],
  'bytes': [b'', b'abc', bytes(range(256)), bytearray(b'\\x00\\x80\\xff'), bytearray()],
  'ints': [0, 1, -1, 127, 128, 255, 256, -128, -129, 32767, -32768, 65535, 65536, 2**31 - 1, -2**31, 2**31,
           2**32, 2**63 - 1, -2**63, 2**64, 2**64 + 1, -2**64, -2**70, 2**1000, -(2**1000) + 7],
  'floats': [0.0, -0.0, 1.0, 1e22, 1.5e-07, 0.1, float('nan'), float('inf'), float('-inf'), 5e-324,
             1.7976931348623157e308, 123456789.123, 1e16, 1e-05],
  'strings': ['', 'ascii', 'é ü ß', '€ 中文', '😀 \\U0001F4A9', 'line\\nbreak\\\\back\\rCR\\x00nul\\x1a', '\\ud800 lone',
              '\\ufeffBOM first', 'quote\\'s "double"', 'a' * 300],
  'dates': [datetime.datetime(2026, 5, 25), datetime.datetime(2026, 5, 25, 13, 45, 7, 123456),
            datetime.datetime(2026, 5, 25, 1, 2, 3, tzinfo=timezone.utc),
            datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            datetime.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=timezone(-timedelta(hours=7), 'PDT')),
            datetime.datetime(2026, 5, 25, 12, 0, tzinfo=Z), datetime.datetime(2026, 1, 5, 12, 0, tzinfo=Z),
            datetime.datetime(2026, 10, 25, 2, 30, tzinfo=Z), datetime.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=Z),
            datetime.datetime(2026, 3, 29, 2, 30, tzinfo=Z), datetime.datetime(2026, 3, 29, 2, 30, fold=1, tzinfo=Z),
            datetime.datetime(5, 1, 2, 3, 4), datetime.date(2026, 5, 25), datetime.date(1, 1, 1),
            datetime.time(0, 0), datetime.time(13, 45, 7, 5, tzinfo=timezone.utc), datetime.time(1, 2, fold=1),
            datetime.time(9, 30, tzinfo=Z), timedelta(0), timedelta(days=-1, seconds=5, microseconds=7),
            timedelta(days=3, hours=4), timedelta(microseconds=-1), timezone.utc, timezone(timedelta(hours=-3), 'BRT'),
            timezone(timedelta(0), 'UTC'), timezone(-timedelta(hours=1, microseconds=5)), Z],
  'decimals': [Decimal('1.10'), Decimal('-0'), Decimal('1E+2'), Decimal('0.000001'), Decimal('1E-7'),
               Decimal('NaN'), Decimal('-Infinity'), Decimal('sNaN12'), Decimal('123456789012345678901234567890.5')],
  'paths': [pathlib.PurePosixPath('/tmp/x/y'), pathlib.PosixPath('rel/a'), pathlib.PurePosixPath('//net/share'),
            pathlib.PurePosixPath(), pathlib.PureWindowsPath('C:/Users/x'), pathlib.PureWindowsPath('//server/share/dir'),
            pathlib.PureWindowsPath('D:rel'), pathlib.PureWindowsPath('rel\\\\a')],
  'uuids': [uuid.UUID('12345678-1234-5678-1234-567812345678'), uuid.UUID(int=0),
            uuid.uuid5(uuid.NAMESPACE_DNS, 'checkpoint.example')],
  'complex': [complex(1, 2), complex(0, -1.5), complex(-0.0, 1), complex(1e22, -0.0), 2j, complex(float('inf'), float('nan'))],
  'enums': [ckptmod.Color.RED, ckptmod.Color.GREEN, ckptmod.Color.RED, http.HTTPStatus.NOT_FOUND, uuid.SafeUUID.safe],
  'ordered': collections.OrderedDict([('z', 1), ('a', 2)]),
  'default': collections.defaultdict(list, {'k': [1]}),
  'counter': collections.Counter('abca'),
  'selfref': selfref, 'shared1': shared, 'shared2': shared, 'cycle': cycle_tuple,
  'exc': RuntimeError('boom', 2), 'exc2': ValueError(), 'custom_exc': ckptmod.Failure('step 3 failed'),
  'job': ckptmod.Job('train', [1, 2]), 'bag': ckptmod.Bag([1, 2, 3]), 'reg': ckptmod.Registry(a=1),
  'keys': {1: 'int', 2.5: 'float', (1, 'a'): 'tuple', None: 'none', b'k': 'bytes', frozenset([1]): 'fs', -7: 'neg'},
  'range': [range(0, 10, 2), range(5)],
  'globals': [int, collections.OrderedDict, ckptmod.Job, ckptmod.Outer.Inner, len],
}
state['big'] = ['x' * 70000, b'\\x01' * 70000, 2**20000]
state['deep'] = [[[[[[[[[[['bottom']]]]]]]]]]]
if SMALL:
    # One of each kind of opcode and reduction, small enough to cut at every offset.
    state = {
      'n': [None, True, False, 0, -1, 255, 65535, -2**31, 2**64 + 1, -2**70, 1.5, float('nan')],
      's': ['', 'é€😀', 'a\\nb\\\\', b'\\x00\\x80', bytearray(b'\\xff'), 'x' * 300],
      'c': [(1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), {1}, frozenset({2}), {'k': [1]}, [], (), {}],
      't': [datetime.datetime(2026, 5, 25, 1, 2, tzinfo=timezone.utc), datetime.datetime(2026, 5, 25, tzinfo=Z),
            datetime.date(2026, 5, 25), datetime.time(1, 2), timedelta(days=1), Decimal('1.10'),
            pathlib.PurePosixPath('/x'), uuid.UUID(int=5), complex(1, 2), collections.OrderedDict(a=1),
            collections.defaultdict(list), RuntimeError('x'), ckptmod.Job('j', []), ckptmod.Color.RED, ckptmod.Bag([1])],
      'shared1': shared, 'shared2': shared, 'selfref': selfref, 'cycle': cycle_tuple,
    }
`;

let dir = '';
const corpus: { proto: number; bytes: Uint8Array; expected: unknown }[] = [];
const small: { proto: number; bytes: Uint8Array }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pickle-corpus-'));
  writeFileSync(join(dir, 'ckptmod.py'), CKPTMOD);
  const write = `
import pickle, sys, json
sys.path.insert(0, ${JSON.stringify(dir)})
${DESCRIBE}
for SMALL in (False, True):
${RICH_STATE.split('\n').map((l) => `    ${l}`).join('\n')}
    for proto in range(6):
        data = pickle.dumps(state, protocol=proto)
        name = ('small' if SMALL else 'rich') + str(proto)
        open(name + '.pkl', 'wb').write(data)
        open(name + '.json', 'w').write(json.dumps(describe(pickle.loads(data))))
`;
  python(write, dir);
  for (let proto = 0; proto <= 5; proto++) {
    corpus.push({
      proto,
      bytes: new Uint8Array(readFileSync(join(dir, `rich${proto}.pkl`))),
      expected: JSON.parse(readFileSync(join(dir, `rich${proto}.json`), 'utf8')),
    });
    small.push({ proto, bytes: new Uint8Array(readFileSync(join(dir, `small${proto}.pkl`))) });
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('decodePickle round trip', () => {
  for (let proto = 0; proto <= 5; proto++) {
    it(`decodes a protocol ${proto} pickle exactly as Python unpickles it`, () => {
      const { bytes, expected } = corpus[proto];
      const r = decodePickle(bytes, `rich${proto}.pkl`);
      expect(r.findings).toEqual([]);
      if (r.kind !== 'ok') throw new Error('expected ok');
      expect(r.protocol).toBe(proto >= 2 ? proto : null);
      expect(describeValue(r.value)).toEqual(expected);
    });
  }

  it('keeps memoized nodes shared and cycles intact (the same node, not a copy)', () => {
    const r = decodePickle(corpus[4].bytes, 'rich4.pkl');
    if (r.kind !== 'ok' || r.value.kind !== 'dict') throw new Error('expected a dict');
    const dict = r.value;
    const get = (k: string) => dictGet(dict, k);
    expect(get('shared1')).toBe(get('shared2'));
    const selfref = get('selfref');
    if (selfref?.kind !== 'list') throw new Error('expected a list');
    expect(selfref.items[1]).toBe(selfref);
  });

  it('builds a datetime from its state the same way whether or not a GET reads the state bytes or the argument tuple', () => {
    // Hand-written: datetime.datetime, state bytes (memo 1), TUPLE1 (memo 2), REDUCE (memo 3), then
    // a tuple of the datetime and a GET of slot 1, 2 or none; and the same at protocol 3 with BINPUT.
    const out = JSON.parse(
      python(`
import pickle, json, datetime
state = datetime.datetime(2026, 5, 25, 10, 0, 7, 12).__reduce__()[1][0]
head4 = b'\\x80\\x04\\x8c\\x08datetime\\x94\\x8c\\x08datetime\\x94\\x93\\x94C\\x0a' + state + b'\\x94\\x85\\x94R\\x94'
head3 = b'\\x80\\x03cdatetime\\ndatetime\\nq\\x00C\\x0a' + state + b'q\\x01\\x85q\\x02Rq\\x03'
res = []
for head, slots in ((head4, (3, 4, 5)), (head3, (1, 2, 3))):
    for tail in (b'h%c\\x86.' % slots[0], b'h%c\\x86.' % slots[1], b'h%c\\x86.' % slots[2]):
        data = head + tail
        v = pickle.loads(data)
        res.append([data.hex(), repr(v[0]), state.hex()])
print(json.dumps(res))
`).toString(),
    ) as [string, string, string][];
    expect(out).toHaveLength(6);
    for (const [hex, reprDatetime, stateHex] of out) {
      const r = decodePickle(new Uint8Array(Buffer.from(hex, 'hex')), 'dt.pkl');
      if (r.kind !== 'ok' || r.value.kind !== 'tuple') throw new Error(`expected a tuple, got ${JSON.stringify(r.findings)}`);
      const [dt, other] = r.value.items;
      expect(dt).toEqual({ kind: 'typed', type: 'datetime.datetime', repr: reprDatetime, str: '2026-05-25 10:00:07.000012' });
      const bytesHex = (v: Value) => (v.kind === 'bytes' ? Buffer.from(v.value).toString('hex') : v.kind);
      if (other.kind === 'tuple') expect(other.items.map(bytesHex)).toEqual([stateHex]);
      else if (other.kind === 'bytes') expect(bytesHex(other)).toBe(stateHex);
      else expect(other).toBe(dt);
      expect(r.globals.map((g) => [g.name, g.calls])).toEqual([['datetime', 1]]);
    }
  });

  it('records each global with its offset and whether it was called', () => {
    const r = decodePickle(corpus[2].bytes, 'rich2.pkl');
    const job = r.globals.find((g) => g.module === 'ckptmod' && g.name === 'Job' && g.called);
    expect(job).toBeDefined();
    expect(corpus[2].bytes.subarray(job?.offset, (job?.offset ?? 0) + 1)[0]).toBe(0x63); // GLOBAL
    const inner = r.globals.find((g) => g.name === 'Outer.Inner');
    expect(inner).toMatchObject({ module: 'ckptmod', via: 'getattr', called: false });
    const getattrs = r.globals.filter((g) => g.module === 'builtins' && g.name === 'getattr');
    expect(getattrs.length).toBeGreaterThan(0);
    for (const g of getattrs) expect(g.staticLookupOnly).toBe(true);
  });
});

describe('decodePickle on damaged input', () => {
  it('reports every cut of a pickle as truncated, never as ok and never by throwing', () => {
    let checked = 0;
    for (const { proto, bytes } of small) {
      for (let cut = 0; cut < bytes.length; cut++) {
        const r = decodePickle(bytes.subarray(0, cut), `cut${proto}.pkl`);
        if (r.kind !== 'corrupt' || r.findings[0]?.code !== 'pickle.truncated') {
          throw new Error(`protocol ${proto}, cut at ${cut}: ${r.kind} ${JSON.stringify(r.findings[0])}`);
        }
        expect(r.findings[0].severity).toBe('error');
        checked++;
      }
    }
    expect(checked).toBe(small.reduce((n, s) => n + s.bytes.length, 0));
  });

  it('says where the file stops and why it matters', () => {
    const bytes = small[4].bytes;
    const r = decodePickle(bytes.subarray(0, Math.floor(bytes.length / 2)), 'half.pkl');
    expect(r.kind).toBe('corrupt');
    const f = r.findings[0];
    expect(f.offset).toBeTypeOf('number');
    expect(f.message).toContain(`ends at byte ${Math.floor(bytes.length / 2)}`);
    expect(f.message).toMatch(/killed/);
    // What was decoded before the cut is kept: the top-level dict with its first keys.
    if (r.kind !== 'corrupt' || r.partial?.kind !== 'dict') throw new Error('expected a partial dict');
    expect(dictSize(r.partial)).toBeGreaterThan(0);
  });

  it('salvages only items that belong to a container, never the parts of an unfinished tuple', () => {
    const out = python(`
import pickle, sys
data = pickle.dumps([list(range(1500)), [1, 2], (3, 4, 5, 'cut here' * 20)], protocol=2)
sys.stdout.buffer.write(data[:data.index(b'cut here') + 4])
`);
    const r = decodePickle(new Uint8Array(out), 'cut-tuple.pkl');
    if (r.kind !== 'corrupt' || r.partial?.kind !== 'list') throw new Error('expected a partial list');
    const [big, small, ...rest] = r.partial.items;
    expect(rest).toEqual([]);
    expect(big.kind === 'list' && big.items.length).toBe(1500);
    expect(small).toEqual({ kind: 'list', items: [{ kind: 'int', text: '1' }, { kind: 'int', text: '2' }] });
  });

  it('flags malformed pickles Python also refuses, naming the opcode and offset', () => {
    const cases = python(`
import pickle, json, base64
P = pickle
cases = {
  'bad opcode': P.PROTO + b'\\x04' + b'\\xff' + P.STOP,
  'stack underflow': P.PROTO + b'\\x02' + P.APPEND + P.STOP,
  'mark misuse': P.PROTO + b'\\x02' + P.EMPTY_LIST + P.APPENDS + P.STOP,
  'memo miss': P.PROTO + b'\\x02' + P.BINGET + b'\\x05' + P.STOP,
  'bad protocol': P.PROTO + b'\\x06' + P.NONE + P.STOP,
  'odd dict': P.MARK + P.NONE + P.DICT + P.STOP,
  'unquoted STRING': P.STRING + b'abc\\n' + P.STOP,
  'bad utf-8': P.PROTO + b'\\x04' + P.SHORT_BINUNICODE + b'\\x02\\xc3\\x28' + P.STOP,
  'stop on empty stack': P.STOP,
  'negative LONG4': P.PROTO + b'\\x02' + P.LONG4 + b'\\xff\\xff\\xff\\xff' + P.STOP,
  'STACK_GLOBAL of ints': P.PROTO + b'\\x04' + P.BININT1 + b'\\x01' + P.BININT1 + b'\\x02' + P.STACK_GLOBAL + P.STOP,
}
out = {}
for name, data in cases.items():
    try:
        pickle.loads(data)
        out[name] = [base64.b64encode(data).decode(), 'loaded']
    except Exception as e:
        out[name] = [base64.b64encode(data).decode(), type(e).__name__]
print(json.dumps(out))
`).toString();
    const parsed = JSON.parse(cases) as Record<string, [string, string]>;
    expect(Object.keys(parsed).length).toBe(11);
    for (const [name, [b64, pythonOutcome]] of Object.entries(parsed)) {
      expect(pythonOutcome, name).not.toBe('loaded');
      const r = decodePickle(new Uint8Array(Buffer.from(b64, 'base64')), `${name}.pkl`);
      expect(r.kind, name).toBe('corrupt');
      const f = r.findings[0];
      expect(f.code, name).toBe('pickle.invalid');
      expect(f.severity).toBe('error');
      expect(f.offset, name).toBeTypeOf('number');
      expect(f.message, name).toMatch(/at byte \d+/);
    }
  });

  it('checks declared lengths against the bytes that remain before allocating', () => {
    const out = python(`
import pickle, struct, sys
P = pickle
sys.stdout.buffer.write(P.PROTO + b'\\x04' + P.BINUNICODE8 + struct.pack('<Q', 2**62) + b'abc' + P.STOP)
`);
    const r = decodePickle(new Uint8Array(out), 'huge-length.pkl');
    expect(r.kind).toBe('corrupt');
    expect(r.findings[0].code).toBe('pickle.truncated');
    expect(r.findings[0].message).toMatch(/BINUNICODE8 at byte 2/);
  });

  it('warns about bytes after STOP and still returns the first pickle', () => {
    const out = python(`
import pickle, sys
sys.stdout.buffer.write(pickle.dumps({'a': 1}, protocol=4) + pickle.dumps([2], protocol=4))
`);
    const r = decodePickle(new Uint8Array(out), 'two.pkl');
    if (r.kind !== 'ok') throw new Error('expected ok');
    expect(describeValue(r.value)).toEqual({ t: 'dict', entries: [[{ t: 'str', v: 'a' }, { t: 'int', v: '1' }]] });
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['pickle.trailing_data', 'warning']]);
    expect(r.findings[0].message).toMatch(/another pickle/);
  });

  it('reports out-of-band buffers and persistent ids as warnings', () => {
    const out = python(`
import pickle, sys, io, base64
oob = pickle.dumps(pickle.PickleBuffer(b'abc'), protocol=5, buffer_callback=lambda b: False)
class P(pickle.Pickler):
    def persistent_id(self, obj):
        return ('storage', 'cpu', 3) if obj == 'tensor' else None
f = io.BytesIO()
P(f, protocol=2).dump(['tensor', 'plain'])
print(base64.b64encode(oob).decode())
print(base64.b64encode(f.getvalue()).decode())
`).toString().trim().split('\n');
    const oob = decodePickle(new Uint8Array(Buffer.from(out[0], 'base64')), 'oob.pkl');
    expect(oob.kind).toBe('ok');
    expect(oob.findings.map((f) => [f.code, f.severity])).toEqual([['pickle.out_of_band', 'warning']]);
    const pid = decodePickle(new Uint8Array(Buffer.from(out[1], 'base64')), 'pid.pkl');
    if (pid.kind !== 'ok') throw new Error('expected ok');
    expect(pid.findings.map((f) => [f.code, f.severity])).toEqual([['pickle.nonportable_class', 'warning']]);
    expect(describeValue(pid.value)).toEqual({
      t: 'list',
      items: [
        { t: 'obj', cls: 'persistent_load', args: [{ t: 'tuple', items: [{ t: 'str', v: 'storage' }, { t: 'str', v: 'cpu' }, { t: 'int', v: '3' }] }] },
        { t: 'str', v: 'plain' },
      ],
    });
  });

  it('reports a value Python refuses to rebuild, and keeps decoding the rest', () => {
    const out = python(`
import pickle, sys
P = pickle
sys.stdout.buffer.write(P.PROTO + b'\\x02' + P.EMPTY_LIST + P.MARK
  + P.GLOBAL + b'decimal\\nDecimal\\n' + P.SHORT_BINUNICODE + b'\\x03abc' + P.TUPLE1 + P.REDUCE
  + P.EMPTY_DICT + P.EMPTY_LIST + P.NONE + P.SETITEM
  + P.BININT1 + b'\\x07' + P.APPENDS + P.STOP)
try:
    pickle.loads(P.PROTO + b'\\x02' + P.GLOBAL + b'decimal\\nDecimal\\n' + P.SHORT_BINUNICODE + b'\\x03abc' + P.TUPLE1 + P.REDUCE + P.STOP)
    raise SystemExit('python accepted it')
except Exception as e:
    assert type(e).__name__ == 'InvalidOperation', e
`);
    const r = decodePickle(new Uint8Array(out), 'refused.pkl');
    if (r.kind !== 'corrupt' || r.partial?.kind !== 'list') throw new Error('expected a corrupt list');
    expect(r.findings.map((f) => f.code)).toEqual(['pickle.invalid', 'pickle.invalid']);
    expect(r.findings[0].message).toMatch(/decimal\.Decimal/);
    expect(r.findings[1].message).toMatch(/unhashable type: 'list'/);
    expect(r.partial.items.length).toBe(3);
    expect(r.partial.items[2]).toEqual({ kind: 'int', text: '7' });
  });
});

describe('decodePickle rare opcodes', () => {
  it('decodes NEWOBJ_EX, EXT1/EXT2, protocol 0 PERSID, and the INST/OBJ forms Python still loads', () => {
    const out = python(`
import pickle, copyreg, io, sys, json, base64
sys.path.insert(0, '.')
import ckptmod
P = pickle
class KW:
    def __init__(self, a, *, k):
        self.a, self.k = a, k
    def __getnewargs_ex__(self):
        return ((self.a,), {'k': self.k})
KW.__module__ = 'ckptmod'
ckptmod.KW = KW
copyreg.add_extension('ckptmod', 'Job', 240)
copyreg.add_extension('ckptmod', 'Registry', 300)
class PidPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return 'blob-7' if obj == 'external' else None
f = io.BytesIO()
PidPickler(f, protocol=0).dump(['external', 1])
inst = P.MARK + P.SHORT_BINUNICODE + b'\\x01x' + P.INST + b'builtins\\nRuntimeError\\n' + P.STOP
obj = P.MARK + P.GLOBAL + b'builtins\\nValueError\\n' + P.SHORT_BINUNICODE + b'\\x03bad' + P.OBJ + P.STOP
datas = {
  'newobj_ex': pickle.dumps(KW(1, k=2), protocol=4),
  'ext': pickle.dumps([ckptmod.Job, ckptmod.Registry], protocol=2),
  'persid': f.getvalue(),
  'inst': inst,
  'obj': obj,
}
for name in ('inst', 'obj'):
    assert repr(pickle.loads(datas[name])) in ("RuntimeError('x')", "ValueError('bad')"), name
print(json.dumps({k: base64.b64encode(v).decode() for k, v in datas.items()}))
`, dir);
    const b64 = JSON.parse(out.toString()) as Record<string, string>;
    const decode = (name: string) => decodePickle(new Uint8Array(Buffer.from(b64[name], 'base64')), `${name}.pkl`);
    const newobjEx = decode('newobj_ex');
    if (newobjEx.kind !== 'ok') throw new Error('newobj_ex: expected ok');
    expect(describeValue(newobjEx.value)).toEqual({
      t: 'obj',
      cls: 'ckptmod.KW',
      args: [{ t: 'int', v: '1' }, { t: 'dict', entries: [[{ t: 'str', v: 'k' }, { t: 'int', v: '2' }]] }],
      state: { t: 'dict', entries: [[{ t: 'str', v: 'a' }, { t: 'int', v: '1' }], [{ t: 'str', v: 'k' }, { t: 'int', v: '2' }]] },
    });
    const ext = decode('ext');
    expect(ext.kind).toBe('ok');
    expect(ext.findings.map((f) => f.code)).toEqual(['pickle.nonportable_class', 'pickle.nonportable_class']);
    expect(ext.findings.map((f) => f.message.match(/extension code (\d+)/)?.[1])).toEqual(['240', '300']);
    const persid = decode('persid');
    if (persid.kind !== 'ok') throw new Error('persid: expected ok');
    expect(describeValue(persid.value)).toEqual({ t: 'list', items: [{ t: 'obj', cls: 'persistent_load', args: [{ t: 'str', v: 'blob-7' }] }, { t: 'int', v: '1' }] });
    const inst = decode('inst');
    expect(inst.kind === 'ok' && inst.value).toEqual({ kind: 'object', cls: 'builtins.RuntimeError', args: [{ kind: 'str', value: 'x' }] });
    expect(inst.globals).toEqual([{ module: 'builtins', name: 'RuntimeError', offset: 4, called: true, calls: 1 }]);
    const obj = decode('obj');
    expect(obj.kind === 'ok' && obj.value).toEqual({ kind: 'object', cls: 'builtins.ValueError', args: [{ kind: 'str', value: 'bad' }] });
  });
});

describe('decodePickle bounds', () => {
  it('keeps a billion-laughs memo bomb linear: nodes are shared, never copied', () => {
    const out = python(`
import pickle, sys
a = ['lol']
for _ in range(40):
    a = [a] * 10
sys.stdout.buffer.write(pickle.dumps(a, protocol=2))
`);
    expect(out.length).toBeLessThan(2000);
    const r = decodePickle(new Uint8Array(out), 'laughs.pkl');
    if (r.kind !== 'ok') throw new Error('expected ok');
    const distinct = new Set<Value>();
    const pending: Value[] = [r.value];
    while (pending.length) {
      const v = pending.pop() as Value;
      if (distinct.has(v)) continue;
      distinct.add(v);
      if (v.kind === 'list') for (const i of v.items) pending.push(i);
    }
    expect(distinct.size).toBe(42); // 41 lists and the one 'lol' string
  });

  it('decodes a 100,000-deep nesting that Python itself loads, without recursion', () => {
    const out = python(`
import pickle, sys
P = pickle
data = P.PROTO + b'\\x02' + P.EMPTY_LIST * 100000 + P.APPEND * 99999 + P.STOP
pickle.loads(data)
sys.stdout.buffer.write(data)
`);
    const r = decodePickle(new Uint8Array(out), 'deep.pkl');
    if (r.kind !== 'ok') throw new Error('expected ok');
    let depth = 0;
    let v: Value = r.value;
    while (v.kind === 'list' && v.items.length === 1) {
      v = v.items[0];
      depth++;
    }
    expect(depth).toBe(99999);
    expect(v).toEqual({ kind: 'list', items: [] });
  });

  it('stops with pickle.invalid when the operation budget runs out', () => {
    const out = python(`
import pickle, sys
shared = list(range(2000))
class S:
    def __reduce__(self):
        return (set, (shared,))
sys.stdout.buffer.write(pickle.dumps([S() for _ in range(2000)], protocol=2))
`);
    const bounded = decodePickle(new Uint8Array(out), 'amplify.pkl', { maxOps: 1_000_000 });
    expect(bounded.kind).toBe('corrupt');
    expect(bounded.findings[0].code).toBe('pickle.invalid');
    expect(bounded.findings[0].message).toMatch(/operations/);
    const full = decodePickle(new Uint8Array(out), 'amplify.pkl');
    expect(full.kind).toBe('ok');
  });

  it('gives honest pickles a budget that grows with their size, so a big checkpoint is not called a bomb', () => {
    // The densest honest shapes: rows of small dicts (as a big checkpoint holds) and a list of
    // one-byte items, each within the per-byte part of the default budget alone.
    const out = python(`
import pickle, sys, datetime
rows = [{'i': i, 'at': datetime.datetime(2026, 1, 1) + datetime.timedelta(seconds=i), 'v': i / 7, 'ok': i % 3 == 0} for i in range(20000)]
sys.stdout.buffer.write(pickle.dumps([rows, [True] * 100000, [None] * 100000], protocol=5))
`);
    const r = decodePickle(new Uint8Array(out), 'rows.pkl', { maxOps: MAX_OPS_PER_BYTE * out.length });
    expect(r.kind).toBe('ok');
  });
});

describe('decodePickle strings and numbers', () => {
  it('decodes Python 2 byte strings as true latin-1, not windows-1252', () => {
    const out = python(`
import pickle, sys, json, base64
P = pickle
raw = bytes(range(0x7f, 0x100)) + b"quote ' and \\\\"
datas = [
  P.PROTO + b'\\x02' + P.SHORT_BINSTRING + bytes([len(raw)]) + raw + P.STOP,
  P.BINSTRING + len(raw).to_bytes(4, 'little') + raw + P.STOP,
  P.STRING + repr(raw)[1:].encode('ascii') + b'\\n' + P.STOP,
]
print(json.dumps([[base64.b64encode(d).decode(), pickle.loads(d, encoding='latin1')] for d in datas]))
`).toString();
    const cases = JSON.parse(out) as [string, string][];
    expect(cases.length).toBe(3);
    for (const [b64, expected] of cases) {
      const r = decodePickle(new Uint8Array(Buffer.from(b64, 'base64')), 'py2.pkl');
      if (r.kind !== 'ok' || r.value.kind !== 'str') throw new Error('expected a str');
      expect(r.value.value).toBe(expected);
      expect(r.value.value.charCodeAt(1)).toBe(0x80); // windows-1252 would give U+20AC
    }
  });

  it('reads protocol 0 INT lines the way CPython does, including the I01/I00 booleans', () => {
    const out = python(`
import pickle, json
lines = ['01', '00', '1', '0', ' 1', '-0', '007', '0x1F', '123456789012345678901234567890', '-42', '0o17', '1_000', '08', 'abc']
res = []
for line in lines:
    try:
        v = pickle.loads(b'I' + line.encode() + b'\\n.')
        res.append([line, type(v).__name__, str(v)])
    except Exception as e:
        res.append([line, 'error', type(e).__name__])
print(json.dumps(res))
`).toString();
    for (const [line, type, text] of JSON.parse(out) as [string, string, string][]) {
      const r = decodePickle(new Uint8Array(Buffer.from(`I${line}\n.`, 'latin1')), 'int.pkl');
      if (type === 'error') {
        expect(r.kind, line).toBe('corrupt');
        continue;
      }
      if (r.kind !== 'ok') throw new Error(`line ${line}: ${r.findings[0]?.message}`);
      if (type === 'bool') expect(r.value, line).toEqual({ kind: 'bool', value: text === 'True' });
      else expect(r.value, line).toEqual({ kind: 'int', text });
    }
  });

  it('decodes LONG1 and LONG4 two\u2019s-complement integers of every width exactly', () => {
    const out = python(`
import pickle, json, base64, random
random.seed(7)
values = [0, -1, 1, 255, -256, 2**64 + 1, -2**70, -2**63, 2**63]
values += [random.randrange(-2**(8*n), 2**(8*n)) for n in range(1, 300, 7)]
print(json.dumps([[base64.b64encode(pickle.dumps(v, protocol=2)).decode(), str(v)] for v in values]))
`).toString();
    for (const [b64, text] of JSON.parse(out) as [string, string][]) {
      const r = decodePickle(new Uint8Array(Buffer.from(b64, 'base64')), 'long.pkl');
      expect(r.kind === 'ok' ? r.value : r.findings).toEqual({ kind: 'int', text });
    }
  });
});
