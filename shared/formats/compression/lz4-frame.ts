/**
 * LZ4 frame format (`lz4` CLI, `lz4.frame` in Python), decoded here rather than with lz4js: lz4js
 * reads a cut-off frame as shorter, wrong data without a word, never checks a checksum and misplaces
 * block checksums. Every length is bounds-checked and every checksum the frame carries is verified.
 */
import type { CodecOutcome } from './codec-outcome';
import { trailingAfter } from './codec-outcome';
import type { OutputSink } from './output-sink';
import { Xxh32, xxh32 } from './xxh32';

const LZ4_MAGIC = 0x184d2204;
const HISTORY = 64 * 1024;
const BLOCK_SIZES: Readonly<Record<number, number>> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

class FrameError extends Error {
  constructor(readonly outcome: CodecOutcome) {
    super(outcome.kind);
  }
}

const cut = (where: string): FrameError => new FrameError({ kind: 'truncated', detail: `the data ends inside ${where}` });
const bad = (detail: string): FrameError => new FrameError({ kind: 'corrupt', detail });

/**
 * Decode one LZ4 block from `src[s, sEnd)` into `dst` at `d`; matches may reach back to `floor`.
 * Returns the new end of output in `dst`.
 */
function decodeBlock(src: Uint8Array, s: number, sEnd: number, dst: Uint8Array, d: number, floor: number): number {
  for (;;) {
    if (s >= sEnd) throw bad('a block ends in the middle of a sequence');
    const token = src[s++];
    let literals = token >> 4;
    if (literals === 15) {
      for (;;) {
        if (s >= sEnd) throw bad('a literal length runs past its block');
        const b = src[s++];
        literals += b;
        if (b !== 255) break;
      }
    }
    if (s + literals > sEnd || d + literals > dst.length) throw bad('a literal run runs past its block');
    dst.set(src.subarray(s, s + literals), d);
    s += literals;
    d += literals;
    if (s === sEnd) return d;
    if (s + 2 > sEnd) throw bad('a match offset runs past its block');
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    if (offset === 0 || d - offset < floor) throw bad('a match refers to data before the start of the stream');
    let length = token & 15;
    if (length === 15) {
      for (;;) {
        if (s >= sEnd) throw bad('a match length runs past its block');
        const b = src[s++];
        length += b;
        if (b !== 255) break;
      }
    }
    length += 4;
    if (d + length > dst.length) throw bad('a block decodes to more than its declared maximum size');
    // Byte by byte: a match may overlap the bytes it is producing.
    for (let i = d - offset, end = d + length; d < end; ) dst[d++] = dst[i++];
  }
}

/** Decode one frame starting at `pos`; returns the offset after it. */
function decodeFrame(input: Uint8Array, pos: number, sink: OutputSink): number {
  if (pos + 7 > input.length) throw cut('the frame header');
  const flg = input[pos + 4];
  const bd = input[pos + 5];
  if (flg >> 6 !== 1) throw new FrameError({ kind: 'unsupported', detail: `LZ4 frame version ${flg >> 6} is not supported` });
  if (flg & 0x02 || bd & 0x8f) throw bad('reserved bits are set in the frame header');
  const independent = (flg >> 5) & 1;
  const blockChecksum = (flg >> 4) & 1;
  const hasContentSize = (flg >> 3) & 1;
  const contentChecksum = (flg >> 2) & 1;
  const hasDictId = flg & 1;
  const blockMax = BLOCK_SIZES[(bd >> 4) & 7];
  if (!blockMax) throw bad('the block size code in the frame header is invalid');
  let at = pos + 6 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
  if (at + 1 > input.length) throw cut('the frame header');
  if (hasDictId) throw new FrameError({ kind: 'unsupported', detail: 'the frame needs an external LZ4 dictionary' });
  const headerCheck = (xxh32(input.subarray(pos + 4, at)) >>> 8) & 0xff;
  if (headerCheck !== input[at]) throw bad('the frame header checksum does not match');
  at += 1;

  const window = new Uint8Array(HISTORY + blockMax);
  let kept = 0;
  const contentHash = contentChecksum ? new Xxh32() : null;
  for (;;) {
    if (at + 4 > input.length) throw cut('a block header');
    const word = readU32(input, at);
    at += 4;
    if (word === 0) break;
    const stored = (word & 0x80000000) !== 0;
    const size = word & 0x7fffffff;
    if (size > blockMax) throw bad('a block is larger than the frame allows');
    if (at + size + (blockChecksum ? 4 : 0) > input.length) throw cut('a block');
    const data = input.subarray(at, at + size);
    if (blockChecksum && xxh32(data) !== readU32(input, at + size)) throw bad('a block checksum does not match');
    let end: number;
    if (stored) {
      window.set(data, kept);
      end = kept + size;
    } else {
      end = decodeBlock(input, at, at + size, window, kept, independent ? kept : 0);
    }
    const produced = window.subarray(kept, end);
    contentHash?.update(produced);
    sink.write(produced);
    at += size + (blockChecksum ? 4 : 0);
    // Keep the last 64 KiB as the history linked blocks may refer to.
    const keep = Math.min(HISTORY, end);
    window.copyWithin(0, end - keep, end);
    kept = keep;
  }
  if (contentHash) {
    if (at + 4 > input.length) throw cut('the content checksum');
    if (contentHash.digest() !== readU32(input, at)) throw bad('the content checksum does not match');
    at += 4;
  }
  return at;
}

/** Decode an LZ4 frame file (one or more frames, skippable frames allowed) into the sink. */
export function decodeLz4(input: Uint8Array, sink: OutputSink): CodecOutcome {
  let pos = 0;
  let frames = 0;
  try {
    while (pos < input.length) {
      const magic = pos + 4 <= input.length ? readU32(input, pos) : -1;
      if (magic === LZ4_MAGIC) {
        pos = decodeFrame(input, pos, sink);
        frames++;
      } else if (magic !== -1 && (magic & 0xfffffff0) === 0x184d2a50) {
        if (pos + 8 > input.length) throw cut('a skippable frame');
        pos += 8 + readU32(input, pos + 4);
        if (pos > input.length) throw cut('a skippable frame');
      } else if (frames > 0) {
        return { kind: 'ok', trailing: trailingAfter(input, pos) };
      } else {
        throw bad('the LZ4 frame header is invalid');
      }
    }
    return { kind: 'ok' };
  } catch (e) {
    if (e instanceof FrameError) return e.outcome;
    throw e;
  }
}
