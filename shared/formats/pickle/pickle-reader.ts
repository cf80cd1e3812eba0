/** The pickle format reader: recognises a pickle, decodes it safely and adds the safety findings. */
import type { DecodeResult, FormatReader, Probe } from '../types';
import { decodePickle } from './decode-pickle';
import { pickleSafetyFindings } from './safety';

const PICKLE_EXTENSION = /\.(pkl|pickle|pck)$/i;

/** Decode a pickle and judge the globals it reaches; never throws, never runs anything. */
export function decodePickleFile(bytes: Uint8Array, file: string): DecodeResult {
  const result = decodePickle(bytes, file);
  const safety = pickleSafetyFindings(result.globals, file);
  const findings = [...result.findings, ...safety];
  // An unsafe global leaves the value complete: `ok` says the bytes decoded, the error finding
  // says the generation must not be loaded.
  if (result.kind === 'ok') return { kind: 'ok', value: result.value, findings };
  return result.partial ? { kind: 'corrupt', findings, partial: result.partial } : { kind: 'corrupt', findings };
}

/**
 * Python pickles: protocols 2–5 start with PROTO (0x80 and the protocol number); protocols 0–1
 * have no magic, so the extension decides for them.
 */
export const pickleReader: FormatReader = {
  id: 'pickle',
  match(probe: Probe): boolean {
    const h = probe.head;
    if (h.length >= 2 && h[0] === 0x80 && h[1] >= 2 && h[1] <= 5) return true;
    return PICKLE_EXTENSION.test(probe.name);
  },
  decode: decodePickleFile,
};
