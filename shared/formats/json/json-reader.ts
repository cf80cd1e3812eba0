/**
 * The JSON format reader: Python-dialect JSON recognised by extension or by its first
 * non-blank byte, decoded by {@link parsePythonJson}.
 */
import type { FormatReader, Probe } from '../types';
import { parsePythonJson } from './parse-python-json';

/** Reader for Python-dialect JSON files. */
export const jsonReader: FormatReader = {
  id: 'json',
  match(probe: Probe): boolean {
    if (/\.json$/i.test(probe.name)) return true;
    const head = probe.head;
    let i = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
    return i < head.length && (head[i] === 0x7b || head[i] === 0x5b);
  },
  decode(bytes: Uint8Array, file: string) {
    return parsePythonJson(bytes, file);
  },
};
