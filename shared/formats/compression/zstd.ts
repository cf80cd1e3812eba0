/**
 * Zstandard, through fzstd.
 *
 * fzstd allocates the window a frame header asks for before decoding anything (a hostile header
 * can ask for 2 GiB), and it reports a cut-off stream only as "unexpected EOF". So we walk the
 * frame and block headers first, which is cheap: it finds the exact end of the data, any frame cut
 * short, any window larger than the output limit, and anything after the last frame. fzstd also
 * skips the content checksum, so each frame is decoded on its own and its XXH64 checked here.
 */
import { Decompress } from 'fzstd';
import type { CodecOutcome, TrailingBytes } from './codec-outcome';
import { trailingAfter } from './codec-outcome';
import type { OutputSink } from './output-sink';
import { OutputLimitExceeded } from './output-sink';
import { Xxh64 } from './xxh64';

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

/** One complete zstd frame: its bytes, and whether its last 4 bytes are a content checksum. */
interface Frame {
  readonly start: number;
  readonly end: number;
  readonly checksum: boolean;
}

/** What walking the frames found: the complete frames, then how the data ends. */
type FrameWalk = { readonly frames: Frame[] } & (
  | { readonly kind: 'ok'; readonly trailing?: TrailingBytes }
  | { readonly kind: 'problem'; readonly end: number; readonly outcome: CodecOutcome }
  | { readonly kind: 'window'; readonly window: number }
);

function walkFrames(input: Uint8Array, maxWindow: number): FrameWalk {
  const list: Frame[] = [];
  const cut = (end: number, where: string): FrameWalk => ({ frames: list, kind: 'problem', end, outcome: { kind: 'truncated', detail: `the data ends inside ${where}` } });
  let pos = 0;
  let frames = 0;
  while (pos < input.length) {
    if (pos + 4 > input.length) return frames ? { frames: list, kind: 'ok', trailing: trailingAfter(input, pos) } : cut(pos, 'the frame header');
    const magic = readU32(input, pos);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (pos + 8 > input.length) return cut(pos, 'a skippable frame');
      const next = pos + 8 + readU32(input, pos + 4);
      if (next > input.length) return cut(pos, 'a skippable frame');
      pos = next;
      continue;
    }
    if (magic !== ZSTD_MAGIC) {
      if (frames > 0) return { frames: list, kind: 'ok', trailing: trailingAfter(input, pos) };
      return { frames: list, kind: 'problem', end: pos, outcome: { kind: 'corrupt', detail: 'the zstd frame header is invalid' } };
    }
    const frameStart = pos;
    if (pos + 6 > input.length) return cut(frameStart, 'a frame header');
    const fhd = input[pos + 4];
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const hasChecksum = (fhd >> 2) & 1;
    const dictFlag = fhd & 3;
    if (fhd & 0x08) return { frames: list, kind: 'problem', end: frameStart, outcome: { kind: 'corrupt', detail: 'a reserved bit is set in a frame header' } };
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
      return { frames: list, kind: 'problem', end: frameStart, outcome: { kind: 'unsupported', detail: `the frame needs zstd dictionary ${dictId}, which is not stored in the file` } };
    }
    if (window > maxWindow || contentSize > maxWindow) return { frames: list, kind: 'window', window: Math.max(window, contentSize) };
    for (;;) {
      if (at + 3 > input.length) return cut(frameStart, 'a block header');
      const header = input[at] | (input[at + 1] << 8) | (input[at + 2] << 16);
      const last = header & 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) return { frames: list, kind: 'problem', end: frameStart, outcome: { kind: 'corrupt', detail: 'a block has the reserved type' } };
      at += 3 + (type === 1 ? 1 : size);
      if (at > input.length) return cut(frameStart, 'a block');
      if (last) break;
    }
    if (hasChecksum) {
      at += 4;
      if (at > input.length) return cut(frameStart, 'a frame checksum');
    }
    list.push({ start: frameStart, end: at, checksum: hasChecksum === 1 });
    pos = at;
    frames++;
  }
  return { frames: list, kind: 'ok' };
}

/** Decode a zstd file (one or more frames) into the sink, checking each frame's content checksum. */
export function decodeZstd(input: Uint8Array, sink: OutputSink, maxWindow: number): CodecOutcome {
  const walk = walkFrames(input, maxWindow);
  if (walk.kind === 'window') throw new OutputLimitExceeded('size', walk.window);
  try {
    // Frame by frame, because fzstd does not check the checksum and does not say where frames end.
    for (const frame of walk.frames) {
      const hash = frame.checksum ? new Xxh64() : null;
      const stream = new Decompress((chunk) => {
        hash?.update(chunk);
        sink.write(chunk);
      });
      const data = input.subarray(frame.start, frame.end);
      for (let at = 0; at < data.length; at += CHUNK) {
        const end = Math.min(data.length, at + CHUNK);
        stream.push(data.subarray(at, end), end === data.length);
      }
      if (hash && hash.digestLow32() !== readU32(input, frame.end - 4)) {
        return { kind: 'corrupt', detail: 'the content checksum does not match the decompressed data' };
      }
    }
    if (walk.kind === 'problem' && walk.outcome.kind === 'truncated') {
      // A cut frame is fed as far as it goes (never as final), so the finding can say how much came out.
      const stream = new Decompress((chunk) => sink.write(chunk));
      const rest = input.subarray(walk.end);
      for (let at = 0; at < rest.length; at += CHUNK) stream.push(rest.subarray(at, Math.min(rest.length, at + CHUNK)), false);
    }
  } catch (e) {
    if (e instanceof OutputLimitExceeded) throw e;
    return { kind: 'corrupt', detail: String((e as Error)?.message ?? e) };
  }
  if (walk.kind === 'problem') return walk.outcome;
  return walk.trailing ? { kind: 'ok', trailing: walk.trailing } : { kind: 'ok' };
}
