import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Xxh64 } from './xxh64';

const HAS_ZSTD = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v zstd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('Xxh64', () => {
  it.each([
    ['', 'ef46db3751d8e999'],
    ['a', 'd24ec4f1a98c6e5b'],
    ['abc', '44bc2cf5ad770999'],
  ])('hashes %j to the reference value', (text, hex) => {
    expect(new Xxh64().update(new TextEncoder().encode(text)).digestHex()).toBe(hex);
  });

  it.skipIf(!HAS_ZSTD)('agrees with the checksum zstd stores, for every tail length and chunking', () => {
    for (const n of [1, 7, 8, 31, 32, 33, 63, 64, 65, 1000, 70001]) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + 17) & 255);
      const frame = execFileSync('zstd', ['-q', '-c'], { input: data });
      const stored = frame.readUInt32LE(frame.length - 4);
      const h = new Xxh64();
      for (let i = 0; i < n; i += 13) h.update(data.subarray(i, Math.min(n, i + 13)));
      expect(h.digestLow32(), `length ${n}`).toBe(stored);
    }
  });
});
