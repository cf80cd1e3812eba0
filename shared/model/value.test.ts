import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/seeded-random';
import { floatValue } from './value';

/** The bits of Python's float(text) for each text (python3 is the oracle), as 16 hex digits. */
function pythonBits(texts: readonly string[]): string[] {
  const script = 'import struct, sys\nfor t in sys.stdin.read().split("\\n"): print(struct.pack(">d", float(t)).hex())';
  return execFileSync('python3', ['-c', script], { input: texts.join('\n'), maxBuffer: 1 << 26 }).toString().trim().split('\n');
}

function bits(x: number): string {
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, x);
  return d.getBigUint64(0).toString(16).padStart(16, '0');
}

describe('floatValue', () => {
  it('reads every spelling a JSON file or a pickle repr gives a float to the double Python reads', () => {
    const rand = seededRandom(7);
    const texts = [
      '0.0', '-0.0', '1E5', '1.0e-7', '2.50', '1e400', '-1e400', '5e-324', '2e-324', '1.7976931348623157e+308',
      '123456789012345678901234567890.5', '0.30000000000000004', '0.1000000000000000055511151231257827', '9007199254740993.0',
      'inf', '-inf', 'Infinity', '-Infinity',
    ];
    for (let i = 0; i < 3000; i++) {
      const mantissa = `${Math.floor(rand() * 1e9)}${Math.floor(rand() * 1e9)}`.replace(/^0+(?=\d)/, '');
      const cut = 1 + Math.floor(rand() * (mantissa.length - 1));
      const exp = Math.floor(rand() * 80) - 40;
      texts.push(`${rand() < 0.5 ? '-' : ''}${mantissa.slice(0, cut)}.${mantissa.slice(cut)}${rand() < 0.5 ? `e${exp}` : ''}`);
    }
    const want = pythonBits(texts);
    const got = texts.map((t) => bits(floatValue({ kind: 'float', text: t })));
    const wrong = texts.filter((_, i) => got[i] !== want[i]);
    expect(wrong).toEqual([]);
  });

  it('reads NaN as JSON and nan as repr spell it', () => {
    expect(floatValue({ kind: 'float', text: 'NaN' })).toBeNaN();
    expect(floatValue({ kind: 'float', text: 'nan' })).toBeNaN();
  });
});
