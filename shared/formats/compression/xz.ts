/**
 * xz (LZMA2), through xz-decompress (xz-embedded compiled to WebAssembly, driven as a web stream).
 *
 * xz-embedded decodes one stream and stops, so concatenated streams (`cat a.xz b.xz`) would lose
 * everything after the first, and bytes after the end would go unnoticed. We find each stream's
 * footer ourselves, decode the streams one by one, and report what follows the last.
 */
import type { CodecOutcome } from './codec-outcome';
import { trailingAfter } from './codec-outcome';
import { crc32 } from './crc32';
import type { OutputSink } from './output-sink';
import { OutputLimitExceeded } from './output-sink';

interface XzModule {
  readonly XzReadableStream: new (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
}

const CHUNK = 64 * 1024;

// xz-embedded's return codes, as surfaced in the library's error text.
const XZ_ERRORS: Readonly<Record<number, CodecOutcome>> = {
  2: { kind: 'unsupported', detail: 'the integrity check type is not supported' },
  3: { kind: 'unsupported', detail: 'the decoder ran out of memory' },
  4: { kind: 'unsupported', detail: 'the dictionary is larger than the decoder allows' },
  5: { kind: 'corrupt', detail: 'the xz headers are invalid' },
  6: { kind: 'unsupported', detail: 'the stream uses filters or options the decoder does not support' },
  7: { kind: 'corrupt', detail: 'the compressed data or its integrity check is damaged' },
  8: { kind: 'truncated', detail: 'the stream ends before its end marker' },
};

async function loadXz(): Promise<XzModule> {
  const mod = (await import('xz-decompress')) as unknown as Partial<XzModule> & { default?: Partial<XzModule> };
  const ctor = mod.XzReadableStream ?? mod.default?.XzReadableStream;
  if (!ctor) throw new Error('xz-decompress has no XzReadableStream export');
  return { XzReadableStream: ctor };
}

function readU32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

function startsWithMagic(input: Uint8Array, at: number): boolean {
  return XZ_MAGIC.every((b, i) => input[at + i] === b);
}

/**
 * End offset of the stream that starts at `start`, or null when no valid footer follows it (the
 * stream is cut off or its footer is damaged; the decoder then says which).
 * Streams are multiples of 4 bytes and end with a 12-byte footer: CRC-32 of the next 6 bytes,
 * Backward Size, the header's flags again, and `YZ`. The CRC makes a false match negligible.
 */
function streamEnd(input: Uint8Array, start: number): number | null {
  const flags0 = input[start + 6];
  const flags1 = input[start + 7];
  for (let end = start + 24; end <= input.length; end += 4) {
    if (input[end - 2] !== 0x59 || input[end - 1] !== 0x5a) continue;
    if (input[end - 4] !== flags0 || input[end - 3] !== flags1) continue;
    if (crc32(input.subarray(end - 8, end - 2)) === readU32(input, end - 12)) return end;
  }
  return null;
}

async function decodeStream(xz: XzModule, input: Uint8Array, sink: OutputSink): Promise<CodecOutcome> {
  let offset = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= input.length) {
        controller.close();
        return;
      }
      const end = Math.min(input.length, offset + CHUNK);
      controller.enqueue(input.slice(offset, end));
      offset = end;
    },
  });
  const reader = new xz.XzReadableStream(source).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { kind: 'ok' };
      try {
        sink.write(value);
      } catch (e) {
        // Cancelling releases the library's global decoder lock; without it the next xz file waits forever.
        await reader.cancel().catch(() => undefined);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof OutputLimitExceeded) throw e;
    const message = String((e as Error)?.message ?? e);
    const code = /error code (\d+)/.exec(message);
    const known = code ? XZ_ERRORS[Number(code[1])] : undefined;
    return known ?? { kind: 'corrupt', detail: message };
  }
}

/** Decode an xz file (one or more concatenated streams) into the sink. */
export async function decodeXz(input: Uint8Array, sink: OutputSink): Promise<CodecOutcome> {
  let xz: XzModule;
  try {
    xz = await loadXz();
  } catch (e) {
    return { kind: 'unsupported', detail: `the xz decoder could not be loaded (${(e as Error).message})` };
  }
  let start = 0;
  for (;;) {
    const end = streamEnd(input, start);
    const outcome = await decodeStream(xz, input.subarray(start, end ?? input.length), sink);
    if (outcome.kind !== 'ok') return outcome;
    if (end === null) return { kind: 'corrupt', detail: 'the stream footer is missing or damaged' };
    // Stream padding (zero bytes in multiples of four) may separate or follow streams.
    let next = end;
    while (next + 4 <= input.length && readU32(input, next) === 0) next += 4;
    if (next >= input.length) return { kind: 'ok' };
    if (!startsWithMagic(input, next)) return { kind: 'ok', trailing: trailingAfter(input, end) };
    start = next;
  }
}
