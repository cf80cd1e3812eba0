/**
 * Zstandard, through fzstd.
 *
 * fzstd allocates the window a frame header asks for before decoding anything (a hostile header
 * can ask for 2 GiB), and it reports a cut-off stream only as "unexpected EOF". So we walk the
 * frame and block headers first, which is cheap: it finds the exact end of the data, any frame cut
 * short, any window larger than the output limit, and anything after the last frame.
 */
import { Decompress } from 'fzstd';
import type { CodecOutcome, TrailingBytes } from './codec-outcome';
import { trailingAfter } from './codec-outcome';
import type { OutputSink } from './output-sink';
import { OutputLimitExceeded } from './output-sink';

const CHUNK = 64 * 1024;
const ZSTD_MAGIC = 0xfd2fb528;

function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function readUInt(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = n - 1; k >= 0; k--) v = v * 256 + b[i + k];
  return v;
}

/** What walking the frames found. */
type FrameWalk =
  | { readonly kind: 'ok'; readonly end: number; readonly trailing?: TrailingBytes }
  | { readonly kind: 'problem'; readonly end: number; readonly outcome: CodecOutcome }
  | { readonly kind: 'window'; readonly window: number };

function walkFrames(input: Uint8Array, maxWindow: number): FrameWalk {
  const cut = (end: number, where: string): FrameWalk => ({ kind: 'problem', end, outcome: { kind: 'truncated', detail: `the data ends inside ${where}` } });
  let pos = 0;
  let frames = 0;
  while (pos < input.length) {
    if (pos + 4 > input.length) return frames ? { kind: 'ok', end: pos, trailing: trailingAfter(input, pos) } : cut(pos, 'the frame header');
    const magic = readU32(input, pos);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (pos + 8 > input.length) return cut(pos, 'a skippable frame');
      const next = pos + 8 + readU32(input, pos + 4);
      if (next > input.length) return cut(pos, 'a skippable frame');
      pos = next;
      continue;
    }
    if (magic !== ZSTD_MAGIC) {
      if (frames > 0) return { kind: 'ok', end: pos, trailing: trailingAfter(input, pos) };
      return { kind: 'problem', end: pos, outcome: { kind: 'corrupt', detail: 'the zstd frame header is invalid' } };
    }
    const frameStart = pos;
    if (pos + 6 > input.length) return cut(frameStart, 'a frame header');
    const fhd = input[pos + 4];
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const hasChecksum = (fhd >> 2) & 1;
    const dictFlag = fhd & 3;
    if (fhd & 0x08) return { kind: 'problem', end: frameStart, outcome: { kind: 'corrupt', detail: 'a reserved bit is set in a frame header' } };
    const dictBytes = [0, 1, 2, 4][dictFlag];
    const fcsBytes = [singleSegment, 2, 4, 8][fcsFlag];
    let at = pos + 5;
    let window = 0;
    if (!singleSegment) {
      const wd = input[at++];
      const base = 2 ** (10 + (wd >> 3));
      window = base + (base / 8) * (wd & 7);
    }
    if (at + dictBytes + fcsBytes > input.length) return cut(frameStart, 'a frame header');
    const dictId = readUInt(input, at, dictBytes);
    at += dictBytes;
    let contentSize = fcsBytes ? readUInt(input, at, fcsBytes) : 0;
    if (fcsBytes === 2) contentSize += 256;
    at += fcsBytes;
    if (singleSegment) window = contentSize;
    if (dictId !== 0) {
      return { kind: 'problem', end: frameStart, outcome: { kind: 'unsupported', detail: `the frame needs zstd dictionary ${dictId}, which is not stored in the file` } };
    }
    if (window > maxWindow || contentSize > maxWindow) return { kind: 'window', window: Math.max(window, contentSize) };
    for (;;) {
      if (at + 3 > input.length) return cut(frameStart, 'a block header');
      const header = input[at] | (input[at + 1] << 8) | (input[at + 2] << 16);
      const last = header & 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) return { kind: 'problem', end: frameStart, outcome: { kind: 'corrupt', detail: 'a block has the reserved type' } };
      at += 3 + (type === 1 ? 1 : size);
      if (at > input.length) return cut(frameStart, 'a block');
      if (last) break;
    }
    if (hasChecksum) {
      at += 4;
      if (at > input.length) return cut(frameStart, 'a frame checksum');
    }
    pos = at;
    frames++;
  }
  return { kind: 'ok', end: pos };
}

/** Decode a zstd file (one or more frames) into the sink. */
export function decodeZstd(input: Uint8Array, sink: OutputSink, maxWindow: number): CodecOutcome {
  const walk = walkFrames(input, maxWindow);
  if (walk.kind === 'window') throw new OutputLimitExceeded('size', walk.window);
  const stream = new Decompress((chunk) => sink.write(chunk));
  // A cut frame is fed as far as it goes, so the finding can say how much came out before the cut.
  const cutShort = walk.kind === 'problem' && walk.outcome.kind === 'truncated';
  const data = cutShort ? input : input.subarray(0, walk.end);
  try {
    for (let at = 0; at < data.length; at += CHUNK) {
      const end = Math.min(data.length, at + CHUNK);
      // When the walk found a cut, never tell fzstd the data is final: we only want the output it
      // can produce from what is there.
      stream.push(data.subarray(at, end), walk.kind === 'ok' && end === data.length);
    }
  } catch (e) {
    if (e instanceof OutputLimitExceeded) throw e;
    return { kind: 'corrupt', detail: String((e as Error)?.message ?? e) };
  }
  if (walk.kind === 'problem') return walk.outcome;
  return walk.trailing ? { kind: 'ok', trailing: walk.trailing } : { kind: 'ok' };
}
