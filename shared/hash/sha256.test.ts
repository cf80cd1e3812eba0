import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createSha256, sha256Hex } from './sha256';

describe('sha256Hex', () => {
  it('matches hashlib on many sizes around the block and padding boundaries', () => {
    const sizes = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4095, 4096, 65537, 1 << 20];
    // Python makes the bytes (a deterministic pseudo-random stream) and their digests.
    const out = execFileSync('python3', ['-c', `
import hashlib, random, sys
random.seed(3)
for n in ${JSON.stringify(sizes)}:
    b = random.randbytes(n)
    sys.stdout.buffer.write(n.to_bytes(4, 'big') + b + hashlib.sha256(b).hexdigest().encode())
`], { maxBuffer: 1 << 26 });
    let p = 0;
    let count = 0;
    while (p < out.length) {
      const n = out.readUInt32BE(p);
      const data = out.subarray(p + 4, p + 4 + n);
      const expected = out.subarray(p + 4 + n, p + 4 + n + 64).toString();
      expect(sha256Hex(data), `size ${n}`).toBe(expected);
      p += 4 + n + 64;
      count++;
    }
    expect(count).toBe(sizes.length);
  });

  it('hashes strings as UTF-8, as str.encode() does', () => {
    const text = 'checkpoint — 引用 😀 {"a": 1}';
    const expected = execFileSync('python3', ['-c', 'import hashlib, sys\nprint(hashlib.sha256(sys.stdin.buffer.read().decode("utf-8").encode()).hexdigest())'], { input: text }).toString().trim();
    expect(sha256Hex(text)).toBe(expected);
    expect(sha256Hex(text)).toBe(sha256Hex(new TextEncoder().encode(text)));
  });

  it('gives the same digest fed in pieces of any size (createSha256)', () => {
    const out = execFileSync('python3', ['-c', `
import hashlib, random, sys
random.seed(4)
b = random.randbytes(300007)
sys.stdout.buffer.write(b + hashlib.sha256(b).hexdigest().encode())
`], { maxBuffer: 1 << 26 });
    const data = out.subarray(0, out.length - 64);
    const expected = out.subarray(out.length - 64).toString();
    const splits: number[][] = [[], [0, 0, 1], [63], [64], [65], [55, 1, 8], Array.from({ length: 40 }, (_, i) => (i * 7919) % 130)];
    for (const pieces of splits) {
      const h = createSha256();
      let p = 0;
      for (const size of pieces) {
        h.update(data.subarray(p, p + size));
        p += size;
      }
      h.update(data.subarray(p));
      expect(h.hex(), `pieces ${pieces.join(',')}`).toBe(expected);
    }
    expect(() => {
      const h = createSha256();
      h.hex();
      h.update('more');
    }).toThrow();
  });

  it('hashes text fed in pieces as the UTF-8 of the whole, pairs kept together', () => {
    const text = 'checkpoint — 引用 😀 {"a": 1} '.repeat(50);
    const pieces: string[] = [];
    // Cut anywhere except between the halves of a surrogate pair, as pythonJsonDumpsTo does.
    for (let p = 0; p < text.length; ) {
      let q = Math.min(text.length, p + 1 + ((p * 31) % 17));
      const c = text.charCodeAt(q - 1);
      if (c >= 0xd800 && c <= 0xdbff) q++;
      pieces.push(text.slice(p, q));
      p = q;
    }
    const h = createSha256();
    for (const piece of pieces) h.update(piece);
    expect(pieces.length).toBeGreaterThan(100);
    expect(h.hex()).toBe(sha256Hex(text));
  });
});
