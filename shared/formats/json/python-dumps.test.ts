import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pairsOf, type Value } from '../../model/value';
import { pythonRepr } from '../../render/python-repr';
import { parsePythonJson } from './parse-python-json';
import { PythonJsonDumpsError, compareCodePoints, pythonJsonDumps, pythonJsonDumpsTo, type PythonJsonDumpsOptions } from './python-dumps';

/** The option sets exercised, as Python keyword arguments and as ours. */
const OPTION_SETS: { py: string; ts: PythonJsonDumpsOptions }[] = [
  { py: '', ts: {} },
  { py: 'sort_keys=True', ts: { sortKeys: true } },
  { py: 'sort_keys=True, default=str', ts: { sortKeys: true, defaultStr: true } },
  { py: "separators=(',', ':')", ts: { separators: [',', ':'] } },
  { py: "sort_keys=True, separators=(',', ':'), default=str", ts: { sortKeys: true, separators: [',', ':'], defaultStr: true } },
  { py: 'indent=2', ts: { indent: 2 } },
  { py: 'indent=0, sort_keys=True', ts: { indent: 0, sortKeys: true } },
  { py: "indent=4, separators=(', ', ' = ')", ts: { indent: 4, separators: [', ', ' = '] } },
  { py: 'ensure_ascii=False', ts: { ensureAscii: false } },
  { py: 'ensure_ascii=False, sort_keys=True, indent=1', ts: { ensureAscii: false, sortKeys: true, indent: 1 } },
];

/**
 * Python's dumps of each object under every option set, each output JSON-escaped for transport
 * (outputs with ensure_ascii=False may hold lone surrogates, which UTF-8 cannot carry).
 */
function pythonOutputs(objectsExpr: string): string[][] {
  const script = `
import json, sys, datetime, decimal, pathlib, collections
from decimal import Decimal
from pathlib import PosixPath
nan, inf = float('nan'), float('inf')
objs = ${objectsExpr}
res = []
for o in objs:
    row = []
    for kw in ${JSON.stringify(OPTION_SETS.map((o) => o.py))}:
        try:
            row.append(eval('json.dumps(o%s)' % (', ' + kw if kw else '')))
        except (TypeError, ValueError) as e:
            row.append('!' + type(e).__name__ + ': ' + str(e))
    res.append(row)
sys.stdout.write(json.dumps(res))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { maxBuffer: 1 << 28 }).toString());
}

function ours(v: Value, o: PythonJsonDumpsOptions): string {
  try {
    return pythonJsonDumps(v, o);
  } catch (e) {
    if (e instanceof PythonJsonDumpsError) return `!${e.pythonType}: ${e.message}`;
    throw e;
  }
}

describe('pythonJsonDumps', () => {
  it('reproduces json.dumps for random documents under every option set', () => {
    // Python writes the documents; we parse them back and dump them again.
    const script = `
import json, random, struct, sys
random.seed(11)
alphabet = ['a', 'b', 'Z', '0', ' ', '"', '\\\\', '/', '\\n', '\\r', '\\t', '\\b', '\\f', '\\x00', '\\x1f', '\\x7f', '\\x80', 'é', 'ß', '€', '中', '\\ue000', '\\uffff', '😀', '🎉', '\\U0010FFFF', '\\ud800', '\\udfff', '\\u2028']
def rstr():
    return ''.join(random.choice(alphabet) for _ in range(random.randint(0, 8)))
def rnum():
    k = random.randint(0, 5)
    if k == 0: return random.randint(-2**70, 2**70)
    if k == 1: return random.randint(-5, 5)
    if k == 2: return struct.unpack('>d', random.getrandbits(64).to_bytes(8, 'big'))[0]
    if k == 3: return random.choice([0.0, -0.0, 1e22, 1e16, 1e-7, 1.5e-07, 1e-5, 5e-324, 0.1, 123.0, float('nan'), float('inf'), float('-inf')])
    return random.uniform(-1e6, 1e6)
def rval(d=0):
    k = random.randint(0, 8 if d < 4 else 4)
    if k == 0: return random.choice([None, True, False])
    if k in (1, 2): return rnum()
    if k in (3, 4): return rstr()
    if k in (5, 6): return [rval(d + 1) for _ in range(random.randint(0, 4))]
    return {rstr(): rval(d + 1) for _ in range(random.randint(0, 6))}
docs = [json.dumps(rval()) for _ in range(80)]
sys.stdout.write(json.dumps(docs))
`;
    const docs: string[] = JSON.parse(execFileSync('python3', ['-c', script]).toString());
    const expected = pythonOutputs(`[json.loads(d) for d in ${JSON.stringify(docs)}]`);
    let compared = 0;
    docs.forEach((doc, i) => {
      const parsed = parsePythonJson(new TextEncoder().encode(doc), 'r.json');
      if (parsed.kind !== 'ok') throw new Error(`fixture ${i} did not parse`);
      OPTION_SETS.forEach((o, j) => {
        expect(ours(parsed.value, o.ts), `doc ${i} with ${o.py || 'defaults'}`).toBe(expected[i][j]);
        compared++;
      });
    });
    expect(compared).toBe(80 * OPTION_SETS.length);
  });

  it('orders keys by code point, not by UTF-16 unit', () => {
    const keys = ['\uffff', '😀', '\ue000', 'a', '\ud800', '\ud800\uffff', '\ud83d', '\u{10ffff}', '', 'Z', '\uff5e'];
    const sorted = JSON.parse(execFileSync('python3', ['-c', `import json, sys\nsys.stdout.write(json.dumps(sorted(json.loads(sys.stdin.read()))))`], { input: JSON.stringify(keys) }).toString());
    expect(keys.slice().sort(compareCodePoints)).toEqual(sorted);
    expect(keys.slice().sort()).not.toEqual(sorted);
  });

  it('converts tuples, non-str keys and default=str nodes as Python does', () => {
    const int = (text: string): Value => ({ kind: 'int', text });
    const str = (value: string): Value => ({ kind: 'str', value });
    const float = (value: number): Value => ({ kind: 'float', text: String(value) });
    const values: Value[] = [
      { kind: 'tuple', items: [int('1'), { kind: 'tuple', items: [str('x')] }, { kind: 'tuple', items: [] }] },
      { kind: 'dict', pairs: pairsOf([
        { key: int('10'), value: str('ten') },
        { key: int('-3'), value: str('minus three') },
        { key: float(2.5), value: str('float') },
        { key: { kind: 'bool', value: true }, value: str('true is 1') },
        { key: int('18446744073709551617'), value: str('big') },
        { key: float(-Infinity), value: str('-inf') },
        { key: float(1e22), value: str('1e22') },
      ]) },
      { kind: 'dict', pairs: pairsOf([{ key: { kind: 'null' }, value: int('1') }]) },
      { kind: 'dict', pairs: pairsOf([{ key: { kind: 'null' }, value: int('1') }, { key: str('a'), value: int('2') }]) },
      { kind: 'dict', pairs: pairsOf([{ key: int('1'), value: int('1') }, { key: str('a'), value: int('2') }]) },
      { kind: 'dict', pairs: pairsOf([{ key: { kind: 'tuple', items: [int('1'), int('2')] }, value: int('1') }]) },
      { kind: 'dict', cls: 'collections.OrderedDict', pairs: pairsOf([{ key: str('b'), value: int('1') }, { key: str('a'), value: int('2') }]) },
      { kind: 'list', items: [
        { kind: 'typed', type: 'datetime.datetime', repr: 'datetime.datetime(2026, 5, 25, 0, 0)', str: '2026-05-25 00:00:00' },
        { kind: 'typed', type: 'decimal.Decimal', repr: "Decimal('1.10')", str: '1.10' },
        { kind: 'typed', type: 'pathlib.PosixPath', repr: "PosixPath('/tmp/out é')", str: '/tmp/out é' },
        { kind: 'bytes', value: new Uint8Array([0x66, 0x27, 0x00, 0xff, 0x5c, 0x0a]) },
        { kind: 'bytes', value: new Uint8Array([0x61, 0x22, 0x27]), mutable: true },
        { kind: 'set', items: [int('1'), int('2'), int('3')] },
        { kind: 'set', items: [], frozen: true },
        { kind: 'set', items: [{ kind: 'tuple', items: [int('1'), str("it's")] }], frozen: true },
      ] },
      { kind: 'typed', type: 'datetime.date', repr: 'datetime.date(2026, 1, 30)', str: '2026-01-30' },
    ];
    // The same objects on the Python side: eval of their repr builds them.
    const expected = pythonOutputs(`[${values.map((v) => pythonRepr(v).replace(/^OrderedDict\(/, 'collections.OrderedDict(')).map((r) => `eval(${JSON.stringify(r)})`).join(', ')}]`);
    values.forEach((v, i) => {
      OPTION_SETS.forEach((o, j) => {
        const got = ours(v, o.ts);
        const want = expected[i][j];
        // Where Python raises, the same exception class (the wording of sort errors depends on
        // which pair timsort happened to compare first).
        if (want.startsWith('!')) expect(got.split(':')[0], `value ${i} with ${o.py}`).toBe(want.split(':')[0]);
        else expect(got, `value ${i} (${pythonRepr(v)}) with ${o.py || 'defaults'}`).toBe(want);
      });
    });
  });

  it('raises where Python raises: circular references', () => {
    const loop: Value = { kind: 'list', items: [] };
    (loop as { items: Value[] }).items.push(loop);
    const expected = pythonOutputs('[(lambda l: (l.append(l), l)[1])([])]')[0][0];
    expect(ours(loop, {})).toBe(expected);
    // Shared but not circular is fine, as in Python.
    const shared: Value = { kind: 'list', items: [{ kind: 'int', text: '1' }] };
    expect(pythonJsonDumps({ kind: 'list', items: [shared, shared] })).toBe('[[1], [1]]');
  });

  it('writes dicts that share a key sequence alike, and tells apart ones that only look alike', () => {
    const doc = JSON.stringify([
      { b: 1, a: 2 }, { a: 3, b: 4 }, { b: 5, a: 6 }, { b: 7, c: 8 }, { b: { b: 1, a: 2 }, a: [{ a: 0, b: 9 }, { b: 1, a: 2 }] },
      { '10': 1, '9': 2 }, { '9': 1, '10': 2 }, { 'é': 1, e: 2 }, { e: 1, 'é': 2 }, { '😀': 1, '\ue000': 2 }, {},
    ]);
    const expected = pythonOutputs(`[json.loads(${JSON.stringify(doc)})]`)[0];
    const parsed = parsePythonJson(new TextEncoder().encode(doc), 'shapes.json');
    if (parsed.kind !== 'ok') throw new Error('fixture did not parse');
    OPTION_SETS.forEach((o, j) => expect(ours(parsed.value, o.ts), o.py || 'defaults').toBe(expected[j]));
  });

  it('raises at the first entry Python cannot write, whether its key or its value', () => {
    const date: Value = { kind: 'typed', type: 'datetime.date', repr: 'datetime.date(2026, 1, 1)', str: '2026-01-01' };
    const pair: Value = { kind: 'tuple', items: [{ kind: 'int', text: '1' }, { kind: 'int', text: '2' }] };
    const values: Value[] = [
      { kind: 'dict', pairs: pairsOf([{ key: { kind: 'str', value: 'a' }, value: date }, { key: pair, value: { kind: 'int', text: '1' } }]) },
      { kind: 'dict', pairs: pairsOf([{ key: pair, value: date }, { key: { kind: 'str', value: 'a' }, value: date }]) },
    ];
    const expected = pythonOutputs("[{'a': datetime.date(2026, 1, 1), (1, 2): 1}, {(1, 2): datetime.date(2026, 1, 1), 'a': datetime.date(2026, 1, 1)}]");
    values.forEach((v, i) => OPTION_SETS.forEach((o, j) => expect(ours(v, o.ts), `value ${i} with ${o.py || 'defaults'}`).toBe(expected[i][j])));
  });

  it('streams exactly the same text in chunks that never split a surrogate pair (pythonJsonDumpsTo)', () => {
    const str = (value: string): Value => ({ kind: 'str', value });
    const astral = '😀a\ud800b🎉\udfffé';
    const value: Value = {
      kind: 'dict',
      pairs: pairsOf([
        { key: str('😀'), value: { kind: 'list', items: Array.from({ length: 50 }, (_, i) => str(astral.slice(i % astral.length))) } },
        { key: str('n'), value: { kind: 'float', text: '0.1' } },
        { key: str('end\ud83d'), value: str('\ud83d') },
      ]),
    };
    for (const o of OPTION_SETS) {
      const whole = pythonJsonDumps(value, o.ts);
      for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
        const chunks: string[] = [];
        pythonJsonDumpsTo(value, o.ts, (c) => void chunks.push(c), size);
        expect(chunks.join(''), `${o.py} in chunks of ${size}`).toBe(whole);
        if (size === 1 << 16) expect(chunks).toHaveLength(1);
        for (let k = 0; k + 1 < chunks.length; k++) {
          const last = chunks[k].charCodeAt(chunks[k].length - 1);
          const first = chunks[k + 1].charCodeAt(0);
          expect(last >= 0xd800 && last <= 0xdbff && first >= 0xdc00 && first <= 0xdfff, `pair split after chunk ${k} (${o.py}, ${size})`).toBe(false);
        }
        // Only what is needed is held back: a chunk is never empty.
        expect(chunks.every((c) => c.length > 0)).toBe(true);
      }
    }
  });
});
