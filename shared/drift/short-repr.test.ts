import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodePickle } from '../formats/pickle/decode-pickle';
import { listOf, int } from '../diff/value-builders';
import { shortRepr } from './short-repr';

describe('shortRepr', () => {
  it("matches Python's repr when nothing needs cutting", () => {
    const script = `
import pickle, sys, datetime, decimal
values = [
  {"a": [1, 2.5, -0.0, float("nan"), None, True], "q'uote": 'it"s', (1,): (), "s": {3}, "f": frozenset(), "e": set()},
  [b"\\x00'ab\\n", bytearray(b"x"), "tab\\tnew\\nline\\u00e9\\u200b", 10**30, 1e22, 1e-7],
  (datetime.date(2026, 5, 25), decimal.Decimal("1.10"), ((1, 2),)),
]
sys.stdout.write(repr(values))
sys.stdout.flush()
sys.stderr.buffer.write(pickle.dumps(values, protocol=4))
`;
    // stdout has the repr, stderr the pickle of the same values, so the two cannot mix.
    const child = spawnSync('python3', ['-c', script]);
    expect(child.status).toBe(0);
    const decoded = decodePickle(new Uint8Array(child.stderr), 'v.pkl');
    if (decoded.kind !== 'ok') throw new Error('decode');
    expect(shortRepr(decoded.value, Infinity)).toBe(child.stdout.toString('utf8'));
  });

  it('stays short and fast on huge values, and prints a cycle as Python does', () => {
    const big = listOf(Array.from({ length: 1_000_000 }, (_, i) => int(i)));
    const text = shortRepr(big, 40);
    expect(text.length).toBeLessThanOrEqual(41);
    expect(text.startsWith('[0, 1, 2, 3')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    const self = listOf([int(1)]);
    self.items.push(self);
    expect(shortRepr(self)).toBe('[1, [...]]');
  });
});
