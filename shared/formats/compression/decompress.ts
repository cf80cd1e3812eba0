/** Decompress a checkpoint wrapped in gzip, xz, bzip2, zstd or an LZ4 frame. */
import type { Codec, DecompressOptions, DecompressResult } from './types';
import { detectCodec } from './detect-codec';

/** Decompress `bytes` (whose codec is found by magic); `file` is the name findings carry. */
export async function decompress(bytes: Uint8Array, file: string, options?: DecompressOptions): Promise<DecompressResult> {
  const codec: Codec | null = detectCodec(bytes.subarray(0, 16));
  void options;
  return {
    kind: 'failed',
    codec: codec ?? 'gzip',
    finding: { code: 'compression.unsupported', severity: 'error', message: `${file}: decompression is not wired yet.`, file },
  };
}
