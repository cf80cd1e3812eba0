import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonFloatRepr, pythonJsonFloat } from './python-float';

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
  it('spells non-finite floats as json.dumps does', () => {
    expect([NaN, Infinity, -Infinity].map(pythonJsonFloat)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});
