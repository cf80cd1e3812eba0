/**
 * SHA-256 in plain TypeScript, so integrity checks (envelope checksums, generation hashes) run the
 * same in the renderer, in workers and in Node without `node:crypto`. The engine may hash large
 * files with `node:crypto` instead; both give the same hex.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const encoder = new TextEncoder();

/**
 * An incremental SHA-256: feed it bytes, or text (encoded as UTF-8, as Python's `str.encode()`
 * does), in as many pieces as convenient, then read the digest once. Text pieces should not split
 * a surrogate pair (each piece is encoded on its own, so half a pair becomes U+FFFD);
 * `pythonJsonDumpsTo` never does.
 */
export interface Sha256Hasher {
  update(data: Uint8Array | string): void;
  /** Hex digest of everything fed so far; the hasher takes no more input after this. */
  hex(): string;
}

/**
 * Makes hashers. Shared code takes one so the engine can pass `node:crypto` (fifteen times faster)
 * where the renderer and tests use the pure-TypeScript {@link createSha256}; both give the same hex.
 */
export type Sha256Factory = () => Sha256Hasher;

/** A pure-TypeScript incremental SHA-256 (a {@link Sha256Factory}). */
export const createSha256: Sha256Factory = () => new Sha256();

/**
 * Hex SHA-256 of bytes, or of a string encoded as UTF-8 (what Python's `str.encode()` gives; a
 * lone surrogate, which Python would refuse to encode, becomes U+FFFD here).
 */
export function sha256Hex(data: Uint8Array | string): string {
  const h = new Sha256();
  h.update(data);
  return h.hex();
}

class Sha256 implements Sha256Hasher {
  private readonly h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  private readonly w = new Int32Array(64);
  /** Bytes of a started block not yet compressed. */
  private readonly block = new Uint8Array(64);
  private blockLength = 0;
  /** Total bytes fed. */
  private length = 0;
  private done = false;

  update(data: Uint8Array | string): void {
    if (this.done) throw new Error('sha256: update after hex()');
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    const n = bytes.length;
    this.length += n;
    let p = 0;
    if (this.blockLength > 0) {
      const take = Math.min(64 - this.blockLength, n);
      this.block.set(bytes.subarray(0, take), this.blockLength);
      this.blockLength += take;
      p = take;
      if (this.blockLength < 64) return;
      compress(this.h, this.w, this.block, 0);
      this.blockLength = 0;
    }
    for (; p + 64 <= n; p += 64) compress(this.h, this.w, bytes, p);
    if (p < n) {
      this.block.set(bytes.subarray(p), 0);
      this.blockLength = n - p;
    }
  }

  hex(): string {
    if (this.done) throw new Error('sha256: hex() called twice');
    this.done = true;
    // Padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
    const n = this.length;
    const rest = this.blockLength;
    const tail = new Uint8Array(rest < 56 ? 64 : 128);
    tail.set(this.block.subarray(0, rest));
    tail[rest] = 0x80;
    const bitsHi = Math.floor(n / 0x20000000);
    const bitsLo = (n * 8) >>> 0;
    const end = tail.length;
    tail[end - 8] = bitsHi >>> 24;
    tail[end - 7] = bitsHi >>> 16;
    tail[end - 6] = bitsHi >>> 8;
    tail[end - 5] = bitsHi;
    tail[end - 4] = bitsLo >>> 24;
    tail[end - 3] = bitsLo >>> 16;
    tail[end - 2] = bitsLo >>> 8;
    tail[end - 1] = bitsLo;
    for (let off = 0; off < end; off += 64) compress(this.h, this.w, tail, off);
    let hex = '';
    for (let i = 0; i < 8; i++) hex += (this.h[i] >>> 0).toString(16).padStart(8, '0');
    return hex;
  }
}

function compress(h: Int32Array, w: Int32Array, p: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    w[i] = (p[j] << 24) | (p[j + 1] << 16) | (p[j + 2] << 8) | p[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let k = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (k + S1 + ch + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + k) | 0;
}
