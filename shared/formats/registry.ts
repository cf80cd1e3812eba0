/** The format readers, in the order they are tried. Adding a format is one new file and one line here. */
import type { FormatReader, Probe } from './types';

/** Every reader, most specific first. */
export const READERS: readonly FormatReader[] = [];

/** The first reader whose `match` accepts the probe, or null when no format fits. */
export function detectReader(probe: Probe): FormatReader | null {
  for (const reader of READERS) {
    if (reader.match(probe)) return reader;
  }
  return null;
}
