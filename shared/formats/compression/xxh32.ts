/** xxHash32, as used for LZ4 frame header, block and content checksums. */

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) | 0;
}

function round(acc: number, input: number): number {
  acc = (acc + Math.imul(input, P2)) | 0;
  return Math.imul(rotl(acc, 13), P1);
}

/** Incremental xxHash32, for content checksums over many blocks without keeping them. */
export class Xxh32 {
  private v1: number;
  private v2: number;
  private v3: number;
  private v4: number;
  private readonly buffer = new Uint8Array(16);
  private buffered = 0;
  private length = 0;

  constructor(private readonly seed = 0) {
    this.v1 = (seed + P1 + P2) | 0;
    this.v2 = (seed + P2) | 0;
    this.v3 = seed | 0;
    this.v4 = (seed - P1) | 0;
  }

  private stripe(b: Uint8Array, i: number): void {
    this.v1 = round(this.v1, readU32(b, i));
    this.v2 = round(this.v2, readU32(b, i + 4));
    this.v3 = round(this.v3, readU32(b, i + 8));
    this.v4 = round(this.v4, readU32(b, i + 12));
  }

  /** Add bytes. */
  update(bytes: Uint8Array): this {
    this.length += bytes.length;
    let i = 0;
    if (this.buffered > 0) {
      const take = Math.min(16 - this.buffered, bytes.length);
      this.buffer.set(bytes.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < 16) return this;
      this.stripe(this.buffer, 0);
      this.buffered = 0;
    }
    for (; i + 16 <= bytes.length; i += 16) this.stripe(bytes, i);
    if (i < bytes.length) {
      this.buffer.set(bytes.subarray(i), 0);
      this.buffered = bytes.length - i;
    }
    return this;
  }

  /** The hash of everything added, as an unsigned 32-bit number. */
  digest(): number {
    let h =
      this.length >= 16
        ? (rotl(this.v1, 1) + rotl(this.v2, 7) + rotl(this.v3, 12) + rotl(this.v4, 18)) | 0
        : (this.seed + P5) | 0;
    h = (h + this.length) | 0;
    let i = 0;
    const b = this.buffer;
    for (; i + 4 <= this.buffered; i += 4) {
      h = (h + Math.imul(readU32(b, i), P3)) | 0;
      h = Math.imul(rotl(h, 17), P4);
    }
    for (; i < this.buffered; i++) {
      h = (h + Math.imul(b[i], P5)) | 0;
      h = Math.imul(rotl(h, 11), P1);
    }
    h ^= h >>> 15;
    h = Math.imul(h, P2);
    h ^= h >>> 13;
    h = Math.imul(h, P3);
    h ^= h >>> 16;
    return h >>> 0;
  }
}

/** xxHash32 of `bytes` with `seed` (LZ4 uses seed 0). */
export function xxh32(bytes: Uint8Array, seed = 0): number {
  return new Xxh32(seed).update(bytes).digest();
}
