/**
 * Which memo slots a pickle ever reads back (GET, BINGET, LONG_BINGET), found by walking its
 * opcodes once without building anything.
 *
 * Python's pickler memoizes nearly everything it writes (each datetime's state bytes, the argument
 * tuple around them, every string), but reads back only what is shared. A decoder that keeps every
 * memoized node alive until STOP holds millions of dead nodes for the whole decode, and the
 * garbage collector copies them over and over. Knowing the slots that are read, the machine keeps
 * only those; the others are counted (MEMOIZE numbers slots by count) and let go.
 *
 * The walk reads opcode arguments exactly as the machine does, so up to the first STOP (or the
 * first place the machine would stop: an unknown opcode, a negative or overlong length, a cut
 * file) it sees every GET the machine will execute.
 */
import { parsePythonIntBase10 } from './pickle-numbers';

/** Slots below this are kept in a bit set; a hand-made pickle's far-out slots in a set. */
const DENSE_LIMIT = 1 << 26;

/** A set of memo slot numbers. */
export class MemoSlots {
  private bits = new Uint32Array(64);
  private readonly far = new Set<number>();

  has(index: number): boolean {
    if (index >= 0 && index < DENSE_LIMIT) {
      const word = index >>> 5;
      return word < this.bits.length && (this.bits[word] & (1 << (index & 31))) !== 0;
    }
    return this.far.has(index);
  }

  /** Adds the slot; returns whether it was already there. */
  add(index: number): boolean {
    if (index >= 0 && index < DENSE_LIMIT) {
      const word = index >>> 5;
      if (word >= this.bits.length) {
        let size = this.bits.length * 2;
        while (size <= word) size *= 2;
        const grown = new Uint32Array(size);
        grown.set(this.bits);
        this.bits = grown;
      }
      const bit = 1 << (index & 31);
      const had = (this.bits[word] & bit) !== 0;
      this.bits[word] |= bit;
      return had;
    }
    if (this.far.has(index)) return true;
    this.far.add(index);
    return false;
  }
}

/** The memo index a protocol 0 GET/PUT line names, as the machine reads it; null when it is not an integer. */
export function memoIndexFromLine(line: string): number | null {
  const v = parsePythonIntBase10(line);
  if (v === null) return null;
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < -1n ? -1 : Number(v);
}

function latin1Line(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** Every memo slot a GET reads before the first STOP (or before the walk cannot go on). */
export function findMemoReads(bytes: Uint8Array): MemoSlots {
  const reads = new MemoSlots();
  const n = bytes.length;
  let pos = 0;
  while (pos < n) {
    const op = bytes[pos++];
    let skip: number;
    switch (op) {
      case 0x2e: // STOP
        return reads;
      // no argument
      case 0x97: case 0x98: case 0x4e: case 0x88: case 0x89: case 0x5d: case 0x29: case 0x7d: case 0x8f:
      case 0x61: case 0x65: case 0x6c: case 0x74: case 0x85: case 0x86: case 0x87: case 0x64: case 0x73:
      case 0x75: case 0x90: case 0x91: case 0x30: case 0x32: case 0x28: case 0x31: case 0x94: case 0x93:
      case 0x52: case 0x62: case 0x81: case 0x92: case 0x6f: case 0x51:
        skip = 0;
        break;
      // fixed-size arguments
      case 0x80: case 0x4b: case 0x82: case 0x71: // PROTO BININT1 EXT1 BINPUT
        skip = 1;
        break;
      case 0x4d: case 0x83: // BININT2 EXT2
        skip = 2;
        break;
      case 0x4a: case 0x84: case 0x72: // BININT EXT4 LONG_BINPUT
        skip = 4;
        break;
      case 0x95: case 0x47: // FRAME BINFLOAT
        skip = 8;
        break;
      case 0x68: // BINGET
        if (pos >= n) return reads;
        reads.add(bytes[pos]);
        skip = 1;
        break;
      case 0x6a: // LONG_BINGET
        if (pos + 4 > n) return reads;
        reads.add(u32(bytes, pos));
        skip = 4;
        break;
      // a one-byte length, then that many bytes: LONG1 SHORT_BINSTRING SHORT_BINBYTES SHORT_BINUNICODE
      case 0x8a: case 0x55: case 0x43: case 0x8c:
        if (pos >= n) return reads;
        skip = 1 + bytes[pos];
        break;
      // a signed four-byte length: LONG4 BINSTRING (negative is an error the machine stops at)
      case 0x8b: case 0x54: {
        if (pos + 4 > n) return reads;
        const len = u32(bytes, pos);
        if (len >= 0x80000000) return reads;
        skip = 4 + len;
        break;
      }
      // an unsigned four-byte length: BINBYTES BINUNICODE
      case 0x42: case 0x58:
        if (pos + 4 > n) return reads;
        skip = 4 + u32(bytes, pos);
        break;
      // an eight-byte length: BINBYTES8 BYTEARRAY8 BINUNICODE8
      case 0x8e: case 0x96: case 0x8d: {
        if (pos + 8 > n) return reads;
        const hi = u32(bytes, pos + 4);
        if (hi >= 0x200000) return reads;
        skip = 8 + hi * 0x100000000 + u32(bytes, pos);
        break;
      }
      case 0x67: { // GET: a decimal line
        const nl = bytes.indexOf(0x0a, pos);
        if (nl < 0) return reads;
        const index = memoIndexFromLine(latin1Line(bytes, pos, nl));
        if (index === null) return reads;
        reads.add(index);
        pos = nl + 1;
        continue;
      }
      // one line: INT LONG FLOAT STRING UNICODE PERSID PUT
      case 0x49: case 0x4c: case 0x46: case 0x53: case 0x56: case 0x50: case 0x70: {
        const nl = bytes.indexOf(0x0a, pos);
        if (nl < 0) return reads;
        pos = nl + 1;
        continue;
      }
      // two lines: GLOBAL INST
      case 0x63: case 0x69: {
        const first = bytes.indexOf(0x0a, pos);
        if (first < 0) return reads;
        const second = bytes.indexOf(0x0a, first + 1);
        if (second < 0) return reads;
        pos = second + 1;
        continue;
      }
      default: // not an opcode: the machine stops here
        return reads;
    }
    if (skip > n - pos) return reads;
    pos += skip;
  }
  return reads;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}
