/**
 * xxHash64, for zstd content checksums (the low 32 bits of XXH64 with seed 0).
 *
 * 64-bit words are pairs of unsigned 32-bit halves and every operation writes its result into the
 * two module registers `RH`/`RL`: BigInt, or an object per operation, is several times slower on
 * checkpoint-sized data.
 */

const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;
const P1B0 = P1L & 0xffff, P1B1 = P1L >>> 16;
const P2B0 = P2L & 0xffff, P2B1 = P2L >>> 16;

let RH = 0;
let RL = 0;

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  RL = lo >>> 0;
  RH = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

function mul(ah: number, al: number, bh: number, bl: number): void {
  // Low halves multiplied exactly through 16-bit limbs; the cross terms only touch the high half.
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  RL = low >>> 0;
  const high = a1 * b1 + Math.floor(mid / 65536) + (low >= 4294967296 ? 1 : 0);
  RH = (high + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** Rotate left by 0 < r < 32. */
function rotl(h: number, l: number, r: number): void {
  RH = ((h << r) | (l >>> (32 - r))) >>> 0;
  RL = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** acc = rotl(acc + input * P2, 31) * P1 */
function round(ah: number, al: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(ah, al, RH, RL);
  rotl(RH, RL, 31);
  mul(RH, RL, P1H, P1L);
}

function readLo(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Incremental xxHash64 with seed 0. */
export class Xxh64 {
  // v1..v4 as hi/lo pairs: seed + P1 + P2, seed + P2, seed, seed - P1.
  private readonly v = new Uint32Array(8);
  private readonly buffer = new Uint8Array(32);
  private buffered = 0;
  private length = 0;

  constructor() {
    add(P1H, P1L, P2H, P2L);
    this.v[0] = RH;
    this.v[1] = RL;
    this.v[2] = P2H;
    this.v[3] = P2L;
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    this.v[6] = RH;
    this.v[7] = RL;
  }

  private stripe(b: Uint8Array, i: number): void {
    const v = this.v;
    for (let lane = 0; lane < 8; lane += 2) {
      const at = i + lane * 4;
      // round(), inlined: this loop is where the time goes.
      const il = (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
      const ih = (b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16) | (b[at + 7] << 24)) >>> 0;
      // input * P2
      let a0 = il & 0xffff, a1 = il >>> 16;
      let mid = a0 * P2B1 + a1 * P2B0;
      let low = a0 * P2B0 + (mid % 65536) * 65536;
      let pl = low >>> 0;
      let ph = (a1 * P2B1 + Math.floor(mid / 65536) + (low >= 4294967296 ? 1 : 0) + Math.imul(ih, P2L) + Math.imul(il, P2H)) >>> 0;
      // + acc
      const sum = v[lane + 1] + pl;
      pl = sum >>> 0;
      ph = (v[lane] + ph + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      // rotl 31
      const rh = ((ph << 31) | (pl >>> 1)) >>> 0;
      const rl = ((pl << 31) | (ph >>> 1)) >>> 0;
      // * P1
      a0 = rl & 0xffff;
      a1 = rl >>> 16;
      mid = a0 * P1B1 + a1 * P1B0;
      low = a0 * P1B0 + (mid % 65536) * 65536;
      v[lane + 1] = low >>> 0;
      v[lane] = (a1 * P1B1 + Math.floor(mid / 65536) + (low >= 4294967296 ? 1 : 0) + Math.imul(rh, P1L) + Math.imul(rl, P1H)) >>> 0;
    }
  }

  /** Add bytes. */
  update(bytes: Uint8Array): this {
    this.length += bytes.length;
    let i = 0;
    if (this.buffered > 0) {
      const take = Math.min(32 - this.buffered, bytes.length);
      this.buffer.set(bytes.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < 32) return this;
      this.stripe(this.buffer, 0);
      this.buffered = 0;
    }
    for (; i + 32 <= bytes.length; i += 32) this.stripe(bytes, i);
    if (i < bytes.length) {
      this.buffer.set(bytes.subarray(i), 0);
      this.buffered = bytes.length - i;
    }
    return this;
  }

  /** The hash as 16 lower-case hex digits. */
  digestHex(): string {
    this.digest();
    return RH.toString(16).padStart(8, '0') + RL.toString(16).padStart(8, '0');
  }

  /** The low 32 bits of the hash (what a zstd frame stores). */
  digestLow32(): number {
    this.digest();
    return RL;
  }

  /** Leaves the hash in RH/RL. */
  private digest(): void {
    const v = this.v;
    let hh: number;
    let hl: number;
    if (this.length >= 32) {
      rotl(v[0], v[1], 1);
      let sh = RH, sl = RL;
      rotl(v[2], v[3], 7);
      add(sh, sl, RH, RL);
      sh = RH;
      sl = RL;
      rotl(v[4], v[5], 12);
      add(sh, sl, RH, RL);
      sh = RH;
      sl = RL;
      rotl(v[6], v[7], 18);
      add(sh, sl, RH, RL);
      hh = RH;
      hl = RL;
      for (let lane = 0; lane < 4; lane++) {
        round(0, 0, v[lane * 2], v[lane * 2 + 1]);
        mul((hh ^ RH) >>> 0, (hl ^ RL) >>> 0, P1H, P1L);
        add(RH, RL, P4H, P4L);
        hh = RH;
        hl = RL;
      }
    } else {
      hh = P5H;
      hl = P5L;
    }
    // Lengths past 2^32 need the high half too.
    add(hh, hl, Math.floor(this.length / 0x100000000) >>> 0, this.length >>> 0);
    hh = RH;
    hl = RL;
    const b = this.buffer;
    let i = 0;
    for (; i + 8 <= this.buffered; i += 8) {
      round(0, 0, readLo(b, i + 4), readLo(b, i));
      rotl((hh ^ RH) >>> 0, (hl ^ RL) >>> 0, 27);
      mul(RH, RL, P1H, P1L);
      add(RH, RL, P4H, P4L);
      hh = RH;
      hl = RL;
    }
    if (i + 4 <= this.buffered) {
      mul(0, readLo(b, i), P1H, P1L);
      rotl((hh ^ RH) >>> 0, (hl ^ RL) >>> 0, 23);
      mul(RH, RL, P2H, P2L);
      add(RH, RL, P3H, P3L);
      hh = RH;
      hl = RL;
      i += 4;
    }
    for (; i < this.buffered; i++) {
      mul(0, b[i], P5H, P5L);
      rotl((hh ^ RH) >>> 0, (hl ^ RL) >>> 0, 11);
      mul(RH, RL, P1H, P1L);
      hh = RH;
      hl = RL;
    }
    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    hl = (hl ^ (hh >>> 1)) >>> 0;
    mul(hh, hl, P2H, P2L);
    hh = RH;
    hl = (RL ^ ((RL >>> 29) | (RH << 3))) >>> 0;
    hh = (hh ^ (hh >>> 29)) >>> 0;
    mul(hh, hl, P3H, P3L);
    hh = RH;
    hl = (RL ^ RH) >>> 0;
    RH = hh;
    RL = hl;
  }
}
