/**
 * Decompress a checkpoint wrapped in gzip, xz, bzip2, zstd or an LZ4 frame.
 *
 * Invariants: never throws on bad input; a stream that cannot be decompressed is an error finding
 * that says why (cut off, damaged, unsupported, too large), never "no checkpoint"; output is bounded
 * by `maxOutputBytes` and the ratio limit while it is produced, not after.
 */
import type { Finding } from '../../model/finding';
import { formatByteCount } from './byte-count';
import { decodeBzip2 } from './bzip2';
import type { CodecOutcome } from './codec-outcome';
import { detectCodec } from './detect-codec';
import { decodeGzip } from './gzip';
import { decodeLz4 } from './lz4-frame';
import { OutputLimitExceeded, OutputSink, resolveLimits } from './output-sink';
import type { Codec, DecompressOptions, DecompressResult } from './types';
import { decodeXz } from './xz';
import { decodeZstd } from './zstd';

interface CodecInfo {
  readonly label: string;
  /** "a gzip stream", "an xz stream". */
  readonly article: 'a' | 'an';
  /** How a person can decompress it by hand, keeping the original. */
  readonly command: string;
}

const CODECS: Readonly<Record<Codec, CodecInfo>> = {
  gzip: { label: 'gzip', article: 'a', command: 'gzip -dkc' },
  xz: { label: 'xz', article: 'an', command: 'xz -dkc' },
  bz2: { label: 'bzip2', article: 'a', command: 'bzip2 -dkc' },
  zstd: { label: 'zstd', article: 'a', command: 'zstd -dc' },
  lz4: { label: 'LZ4', article: 'an', command: 'lz4 -dc' },
};

async function runDecoder(codec: Codec, input: Uint8Array, sink: OutputSink, maxWindow: number): Promise<CodecOutcome> {
  switch (codec) {
    case 'gzip':
      return decodeGzip(input, sink);
    case 'xz':
      return decodeXz(input, sink);
    case 'bz2':
      return decodeBzip2(input, sink);
    case 'zstd':
      return decodeZstd(input, sink, maxWindow);
    case 'lz4':
      return decodeLz4(input, sink);
  }
}

/** Decompress `bytes` (whose codec is found by magic); `file` is the name findings carry. */
export async function decompress(bytes: Uint8Array, file: string, options?: DecompressOptions): Promise<DecompressResult> {
  const codec = detectCodec(bytes.subarray(0, 8));
  if (codec === null) {
    return {
      kind: 'failed',
      codec: 'gzip',
      finding: {
        code: 'compression.unsupported',
        severity: 'error',
        message: `${file} does not start with the magic bytes of a supported compression format (gzip, xz, bzip2, zstd, LZ4 frame).`,
        file,
      },
    };
  }
  const info = CODECS[codec];
  const limits = resolveLimits(options);
  const sink = new OutputSink(bytes.length, limits);
  const compressed = formatByteCount(bytes.length);
  let outcome: CodecOutcome;
  try {
    outcome = await runDecoder(codec, bytes, sink, limits.maxOutputBytes);
  } catch (e) {
    if (e instanceof OutputLimitExceeded) {
      const why =
        e.reason === 'size'
          ? `more than the ${formatByteCount(limits.maxOutputBytes)} limit`
          : `more than ${limits.maxRatio} times its compressed size of ${compressed}`;
      return {
        kind: 'failed',
        codec,
        finding: {
          code: 'compression.too_large',
          severity: 'error',
          message:
            `${file} would decompress to ${why}, so decompression was stopped. It is either a decompression bomb or a ` +
            `checkpoint larger than the limit: raise the limit only if you trust this file.`,
          file,
        },
      };
    }
    // A decoder bug or an environment without the codec must still end as a finding.
    outcome = { kind: 'unsupported', detail: String((e as Error)?.message ?? e) };
  }

  const produced = sink.total;
  switch (outcome.kind) {
    case 'ok': {
      const findings: Finding[] = [];
      const t = outcome.trailing;
      if (t) {
        findings.push({
          code: 'compression.trailing_data',
          severity: 'warning',
          message: t.zeros
            ? `${file} has ${formatByteCount(t.length)} of zeros after the end of its ${info.label} data (from byte ${t.offset}). ` +
              `The compressed checkpoint itself is complete; the file was padded or pre-allocated.`
            : `${file} has ${formatByteCount(t.length)} of unrelated data after the end of its ${info.label} data (from byte ${t.offset}). ` +
              `The compressed checkpoint itself is complete and was read; the file was probably overwritten in place without being truncated.`,
          file,
        });
      }
      return { kind: 'ok', codec, bytes: sink.bytes(), findings };
    }
    case 'truncated':
      return {
        kind: 'failed',
        codec,
        partial: sink.bytes(),
        finding: {
          code: 'compression.truncated',
          severity: 'error',
          offset: produced,
          message:
            `${file} is ${info.article} ${info.label} stream cut off before its end (${outcome.detail}): ${formatByteCount(produced)} ` +
            `decompressed from its ${compressed} before the data ran out. The write was interrupted; fall back to an older generation.`,
          file,
        },
      };
    case 'corrupt':
      return {
        kind: 'failed',
        codec,
        partial: sink.bytes(),
        finding: {
          code: 'compression.corrupt',
          severity: 'error',
          offset: produced,
          message:
            `${file} is a damaged ${info.label} stream: ${outcome.detail} (after ${formatByteCount(produced)} decompressed). ` +
            `The file was altered or partly overwritten; fall back to an older generation.`,
          file,
        },
      };
    case 'unsupported':
      return {
        kind: 'failed',
        codec,
        finding: {
          code: 'compression.unsupported',
          severity: 'error',
          message:
            `${file} is ${info.label}-compressed but could not be decompressed here: ${outcome.detail}. The checkpoint itself may be ` +
            `fine: decompress a copy by hand (\`${info.command} ${file} > copy\`) and inspect that.`,
          file,
        },
      };
  }
}
