import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pairsOf, type Value } from '../model/value';
import { pythonBytesRepr, pythonRepr, pythonStr, pythonStrRepr } from './python-repr';

function py(script: string, input?: string): string {
  return execFileSync('python3', ['-c', script], { input, maxBuffer: 1 << 26 }).toString('utf-8');
}

const int = (text: string): Value => ({ kind: 'int', text });
const str = (value: string): Value => ({ kind: 'str', value });

describe('python repr and str', () => {
  it('quotes and escapes str as CPython does', () => {
    // Every BMP code point class that matters, plus astral and lone surrogates (JSON carries them).
    const samples: string[] = JSON.parse(
      py(`
import json, random, sys
random.seed(4)
pool = [chr(c) for c in list(range(0, 0x100)) + [0x2028, 0x2029, 0x200b, 0xfeff, 0x00ad, 0x0378, 0xe000, 0xfffe, 0x3000, 0x1f600, 0x10ffff, 0xe0001, 0xd800, 0xdfff, 0x4e2d]]
out = ["'", '"', "'\\"", "it's", 'say "hi"']
for _ in range(300):
    out.append(''.join(random.choice(pool) for _ in range(random.randint(0, 6))))
sys.stdout.write(json.dumps(out))
`),
    );
    const expected: string[] = JSON.parse(py('import json, sys\nsys.stdout.write(json.dumps([repr(s) for s in json.loads(sys.stdin.read())]))', JSON.stringify(samples)));
    expect(samples.map(pythonStrRepr)).toEqual(expected);
  });

  it('writes bytes as b\'...\' with lowercase \\x escapes', () => {
    const hexes: string[] = JSON.parse(py(`import json, random\nrandom.seed(2)\nprint(json.dumps([random.randbytes(random.randint(0, 20)).hex() for _ in range(200)] + [b"'".hex(), b'"\\''.hex(), bytes(range(256)).hex()]))`));
    const expected: string[] = JSON.parse(py('import json, sys\nprint(json.dumps([repr(bytes.fromhex(h)) for h in json.loads(sys.stdin.read())]))', JSON.stringify(hexes)));
    expect(hexes.map((h) => pythonBytesRepr(Buffer.from(h, 'hex')))).toEqual(expected);
  });

  it('writes containers, sets and exceptions as Python does', () => {
    const cases: [Value, string][] = [
      [{ kind: 'tuple', items: [int('1')] }, '(1,)'],
      [{ kind: 'tuple', items: [] }, '()'],
      [{ kind: 'set', items: [] }, 'set()'],
      [{ kind: 'set', items: [int('1'), int('2')] }, '{1, 2}'],
      [{ kind: 'set', items: [int('3')], frozen: true }, 'frozenset({3})'],
      [{ kind: 'set', items: [], frozen: true }, 'frozenset()'],
      [{ kind: 'bytes', value: new Uint8Array([97]), mutable: true }, "bytearray(b'a')"],
      [{ kind: 'dict', pairs: pairsOf([{ key: { kind: 'tuple', items: [int('1'), str('a')] }, value: { kind: 'null' } }, { key: { kind: 'float', text: '0.5' }, value: { kind: 'bool', value: false } }]) }, "{(1, 'a'): None, 0.5: False}"],
      [{ kind: 'list', items: [{ kind: 'float', text: '1e22' }, { kind: 'float', text: 'NaN' }, { kind: 'float', text: '-Infinity' }] }, '[1e+22, nan, -inf]'],
      [{ kind: 'object', cls: 'builtins.RuntimeError', args: [str('boom'), int('2')] }, "RuntimeError('boom', 2)"],
    ];
    const expected = py(
      "import sys\nfor x in [(1,), (), set(), {1, 2}, frozenset({3}), frozenset(), bytearray(b'a'), {(1, 'a'): None, 0.5: False}, [1e22, float('nan'), float('-inf')], RuntimeError('boom', 2)]:\n    print(repr(x))",
    ).trimEnd().split('\n');
    expect(cases.map(([v]) => pythonRepr(v))).toEqual(expected);
    expect(cases.map(([, r]) => r)).toEqual(expected);
  });

  it('gives str() of exceptions and typed values, and marks cycles as Python does', () => {
    const expected = py("print(str(RuntimeError('boom')))\nprint(str(ValueError()))\nprint(str(KeyError('a', 1)))\nl = [1]\nl.append(l)\nprint(repr(l))").split('\n');
    expect(pythonStr({ kind: 'object', cls: 'builtins.RuntimeError', args: [str('boom')] })).toBe(expected[0]);
    expect(pythonStr({ kind: 'object', cls: 'builtins.ValueError' })).toBe(expected[1]);
    expect(pythonStr({ kind: 'object', cls: 'builtins.KeyError', args: [str('a'), int('1')] })).toBe(expected[2]);
    const loop: Value = { kind: 'list', items: [int('1')] };
    (loop as { items: Value[] }).items.push(loop);
    expect(pythonRepr(loop)).toBe(expected[3]);
    expect(pythonStr({ kind: 'typed', type: 'datetime.date', repr: 'datetime.date(2026, 1, 30)', str: '2026-01-30' })).toBe('2026-01-30');
  });
});
