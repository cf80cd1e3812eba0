import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJsonFloat } from './python-float';
import { seededRandom } from '../test-support/seeded-random';

/** Python's repr of each double, sent and compared bit for bit (python3 is the oracle). */
function pythonReprs(xs: readonly number[]): string[] {
  const bytes = new DataView(new ArrayBuffer(xs.length * 8));
  xs.forEach((x, i) => bytes.setFloat64(i * 8, x));
  const script = 'import struct, sys\ndata = sys.stdin.buffer.read()\nsys.stdout.write("\\n".join(map(repr, struct.unpack(">%dd" % (len(data) // 8), data))))';
  return execFileSync('python3', ['-c', script], { input: new Uint8Array(bytes.buffer), maxBuffer: 1 << 26 }).toString().split('\n');
}

/** The double next to `x` towards +∞ (`up`) or −∞, for x > 0. */
function neighbour(x: number, up: boolean): number {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, x);
  d.setBigUint64(0, d.getBigUint64(0) + (up ? 1n : -1n));
  return d.getFloat64(0);
}

describe('pythonFloatRepr', () => {
  it('matches CPython repr for edge cases and random doubles', () => {
    const samples = [0.1, 1e16, 1e15, 1234567890123456, 12345678901234567, 1e22, 1.5e-7, 0.0001, 0.00001, 1e-5, 123.0, -0.0, 0, 5e-324,
      1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 3.141592653589793, -2.5, 100, 1e-4, 9.999999999999999e15, 1e300, 123456.789e3];
    for (let i = 0; i < 300; i++) {
      const buf = new DataView(new ArrayBuffer(8));
      buf.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      buf.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      const x = buf.getFloat64(0);
      if (Number.isFinite(x)) samples.push(x);
      samples.push(Math.random() * 10 ** Math.floor(Math.random() * 40 - 20));
    }
    const script = 'import sys,struct\nfor line in sys.stdin:\n    print(repr(struct.unpack(">d", bytes.fromhex(line.strip()))[0]))';
    const hex = samples.map((x) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x); return Buffer.from(d.buffer).toString('hex'); }).join('\n');
    const expected = execFileSync('python3', ['-c', script], { input: hex }).toString().trim().split('\n');
    expect(samples.map(pythonFloatRepr)).toEqual(expected);
  });

  it('matches CPython repr on 120,000 seeded doubles around and inside the fast range (1e-4 ≤ |x| < 1e16)', () => {
    const next = seededRandom(20261122);
    const samples: number[] = [];
    // Both edges of the fast range and the doubles right next to them, both signs.
    for (const edge of [1e-4, 1e16, 1e-3, 1e15, 2 ** 53, 1, 0.5]) {
      for (const x of [edge, neighbour(edge, true), neighbour(edge, false), neighbour(neighbour(edge, false), false)]) samples.push(x, -x);
    }
    samples.push(9.999999999999999e-5, 1.0000000000000002e-4, 9999999999999998, 9999999999999999, 999999999999999.9, 4503599627370495.5, 0.1 + 0.2, 1 / 3, 2 / 3, 1e-7, 1e21);
    for (let i = 0; i < 30_000; i++) {
      // Random bit patterns: every exponent, subnormals included (the slow path's territory too).
      const d = new DataView(new ArrayBuffer(8));
      d.setUint32(0, (next() * 2 ** 32) >>> 0);
      d.setUint32(4, (next() * 2 ** 32) >>> 0);
      const bits = d.getFloat64(0);
      samples.push(Number.isFinite(bits) ? bits : next());
      // Uniform in a random decade from 1e-6 to 1e18: the fast range and past both of its ends.
      const sign = next() < 0.5 ? -1 : 1;
      samples.push(sign * next() * 10 ** Math.floor(next() * 24 - 6));
      // Whole numbers (Python adds `.0`), small and up to 2^60.
      samples.push(sign * Math.floor(next() * 2 ** Math.floor(next() * 61)));
      // Short decimals as people type them (0.25, 12.5, 1e-4 multiples).
      samples.push(Math.round(next() * 100_000) / 10 ** Math.floor(next() * 9));
    }
    expect(samples.length).toBeGreaterThanOrEqual(100_000);
    const expected = pythonReprs(samples);
    const got = samples.map(pythonFloatRepr);
    const wrong = samples.filter((_, i) => got[i] !== expected[i]).slice(0, 5).map((x) => `${x}: ${pythonFloatRepr(x)} vs ${expected[samples.indexOf(x)]}`);
    expect(wrong).toEqual([]);
    expect(got).toEqual(expected);
  });

  it('spells non-finite floats as json.dumps does', () => {
    expect([NaN, Infinity, -Infinity].map(pythonJsonFloat)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});
