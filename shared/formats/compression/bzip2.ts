/**
 * bzip2, through seek-bzip (multi-stream, block and stream CRCs checked).
 *
 * seek-bzip reads past the end of its input as zeros and then fails with a vague "Data error", so
 * we hand it an input that counts every read past the end: a failure after such a read is a cut-off
 * stream, not damage. Past-the-end reads return EOF (-1) a few times, so a complete stream followed
 * by one to three stray bytes still ends cleanly, and then stop the decoder outright.
 *
 * `eof()` never says yes: seek-bzip asks it before every block as well as after a stream's CRC, so
 * a yes would let an input cut right after a block (its end-of-stream marker and CRC missing) end
 * as if complete. Instead the decoder always looks for a next stream header; a refused header
 * after the first one means the previous stream ended with a verified CRC.
 */
import type SeekBzip from 'seek-bzip';
import type { CodecOutcome } from './codec-outcome';
import { trailingAfter } from './codec-outcome';
import type { OutputSink } from './output-sink';
import { OutputLimitExceeded } from './output-sink';

type Bunzip = typeof SeekBzip;

const FLUSH = 64 * 1024;

class InputExhausted extends Error {}

const TRUNCATED: CodecOutcome = { kind: 'truncated', detail: 'the stream ends before its end-of-stream marker' };

async function loadBzip(): Promise<Bunzip> {
  const mod = (await import('seek-bzip')) as unknown as { default?: Bunzip } & Partial<Bunzip>;
  const bunzip = (mod.default ?? mod) as Bunzip;
  if (typeof bunzip.decode !== 'function') throw new Error('seek-bzip has no decode function');
  return bunzip;
}

/** Decode a bzip2 file into the sink. */
export async function decodeBzip2(input: Uint8Array, sink: OutputSink): Promise<CodecOutcome> {
  let bunzip: Bunzip;
  try {
    bunzip = await loadBzip();
  } catch (e) {
    return { kind: 'unsupported', detail: `the bzip2 decoder could not be loaded (${(e as Error).message})` };
  }
  let pos = 0;
  // Where the last complete stream ended: seek-bzip asks `eof()` right after each stream's CRC.
  let lastStreamEnd = 0;
  let overrun = 0;
  // Stream headers read so far: only `_start_bunzip` uses `read`, and only after a verified CRC.
  let headerReads = 0;
  const source = {
    readByte(): number {
      if (pos >= input.length) {
        if (++overrun > 16) throw new InputExhausted();
        return -1;
      }
      return input[pos++];
    },
    // Used only for the 4-byte stream header: a short read here is "no further stream", not a cut.
    read(buffer: Uint8Array, offset: number, length: number): number {
      headerReads++;
      const n = Math.min(length, input.length - pos);
      if (n <= 0) return -1;
      buffer.set(input.subarray(pos, pos + n), offset);
      pos += n;
      return n;
    },
    seek(p: number): void {
      pos = p;
    },
    eof(): boolean {
      lastStreamEnd = pos;
      return false;
    },
  };
  const pending = new Uint8Array(FLUSH);
  let filled = 0;
  const target = {
    writeByte(byte: number): void {
      pending[filled++] = byte;
      if (filled === FLUSH) {
        sink.write(pending);
        filled = 0;
      }
    },
  };
  try {
    bunzip.decode(source, target, true);
    sink.write(pending.subarray(0, filled));
    return overrun > 0 ? TRUNCATED : { kind: 'ok' };
  } catch (e) {
    if (e instanceof OutputLimitExceeded) throw e;
    sink.write(pending.subarray(0, filled));
    const message = String((e as Error)?.message ?? e);
    const notBzip = /Not bzip data/.test(message);
    // A refused header after the first: a stream completed and what follows is not another one.
    if (notBzip && headerReads > 1 && /bad magic|level out of range/.test(message)) return { kind: 'ok', trailing: trailingAfter(input, lastStreamEnd) };
    if (e instanceof InputExhausted || overrun > 0) return TRUNCATED;
    if (notBzip) return { kind: 'corrupt', detail: headerReads > 1 || sink.total > 0 ? 'a bzip2 block header is invalid' : 'the bzip2 header is invalid' };
    return { kind: 'corrupt', detail: message };
  }
}
