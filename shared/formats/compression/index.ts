/** Compression: recognise a codec by magic bytes and decompress under memory limits. */
export { detectCodec } from './detect-codec';
export { decompress } from './decompress';
export type { Codec, DecompressOptions, DecompressResult } from './types';
