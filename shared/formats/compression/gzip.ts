/**
 * gzip, including multi-member files (`cat a.gz b.gz`, or appends with `gzip.open(…, 'ab')`).
 *
 * fflate inflates but checks neither the CRC-32 nor the length in each member's trailer, so a
 * stream cut inside its last 8 bytes, or damaged in a way deflate tolerates, would read as fine.
 * We track where each member starts and what it produced, and check every trailer ourselves.
 */
import { Gunzip } from 'fflate';
import type { CodecOutcome } from './codec-outcome';
import { trailingAfter } from './codec-outcome';
import { crc32 } from './crc32';
import type { OutputSink } from './output-sink';
import { OutputLimitExceeded } from './output-sink';

// Small pushes keep one deflate burst (at most ~1032:1) well under the output limits.
const CHUNK = 16 * 1024;

interface Member {
  /** Offset of the member's header in the compressed file. */
  readonly start: number;
  crc: number;
  size: number;
}

function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function trailerMatches(input: Uint8Array, at: number, m: Member): boolean {
  return at >= 0 && at + 8 <= input.length && readU32(input, at) === m.crc && readU32(input, at + 4) === (m.size >>> 0);
}

/** Decode a gzip file into the sink. */
export function decodeGzip(input: Uint8Array, sink: OutputSink): CodecOutcome {
  const members: Member[] = [{ start: 0, crc: 0, size: 0 }];
  let failure: { code: number; message: string } | null = null;
  const stream = new Gunzip((chunk) => {
    const m = members[members.length - 1];
    m.crc = crc32(chunk, m.crc);
    m.size += chunk.length;
    sink.write(chunk);
  });
  stream.onmember = (offset: number) => {
    members.push({ start: offset, crc: 0, size: 0 });
  };
  try {
    for (let at = 0; at < input.length; at += CHUNK) {
      const end = Math.min(input.length, at + CHUNK);
      stream.push(input.subarray(at, end), end === input.length);
    }
  } catch (e) {
    if (e instanceof OutputLimitExceeded) throw e;
    const err = e as { code?: number; message?: string };
    failure = { code: typeof err.code === 'number' ? err.code : -1, message: String(err.message ?? e) };
  }

  for (let i = 0; i + 1 < members.length; i++) {
    if (!trailerMatches(input, members[i + 1].start - 8, members[i])) {
      return { kind: 'corrupt', detail: `member ${i + 1} of ${members.length} fails its CRC-32/length check` };
    }
  }

  // The last member's trailer is normally the last 8 bytes; when something follows it (zero
  // padding, the tail of an older, longer file), look for where it really is.
  const last = members[members.length - 1];
  const lastIsOnlyHeader = members.length > 1 && last.size === 0 && failure !== null;
  if (lastIsOnlyHeader) members.pop();
  const m = members[members.length - 1];
  if (trailerMatches(input, input.length - 8, m)) return { kind: 'ok' };
  for (let at = input.length - 9; at >= m.start + 10; at--) {
    if (trailerMatches(input, at, m)) return { kind: 'ok', trailing: trailingAfter(input, at + 8) };
  }

  if (failure) {
    if (failure.code === 0) return { kind: 'truncated', detail: 'the deflate data ends before its final block' };
    if (failure.code === 6 && sink.total === 0) return { kind: 'corrupt', detail: 'the gzip header is invalid' };
    return { kind: 'corrupt', detail: failure.message };
  }
  // Deflate finished but no trailer matches. The length field survives damage to the data, so a
  // matching length with a wrong CRC is damage; otherwise the file ends inside (or before) the trailer.
  if (input.length >= 8 && readU32(input, input.length - 4) === (m.size >>> 0)) {
    return { kind: 'corrupt', detail: 'the CRC-32 in the trailer does not match the data' };
  }
  return { kind: 'truncated', detail: 'the 8-byte CRC-32/length trailer is missing or cut short' };
}
