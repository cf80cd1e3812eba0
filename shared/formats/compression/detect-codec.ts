/** Recognise a compression codec by the magic bytes at the start of a file. */
import type { Codec } from './types';

interface Magic {
  readonly codec: Codec;
  readonly bytes: readonly number[];
}

// Checked by content, never by extension: a `.json` that is really gzip must still open, and a
// `.gz` that is really plain JSON must not be reported as a broken gzip stream.
const MAGICS: readonly Magic[] = [
  { codec: 'gzip', bytes: [0x1f, 0x8b] },
  { codec: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { codec: 'bz2', bytes: [0x42, 0x5a, 0x68] },
  { codec: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { codec: 'lz4', bytes: [0x04, 0x22, 0x4d, 0x18] },
];

/** The codec whose magic bytes `head` starts with, or null for uncompressed content. */
export function detectCodec(head: Uint8Array): Codec | null {
  for (const magic of MAGICS) {
    if (head.length < magic.bytes.length) continue;
    if (magic.bytes.every((b, i) => head[i] === b)) {
      // `BZh` alone is plain ASCII; a real bzip2 header continues with the block size digit 1–9.
      if (magic.codec === 'bz2' && !(head.length > 3 && head[3] >= 0x31 && head[3] <= 0x39)) continue;
      return magic.codec;
    }
  }
  return null;
}
