/** The format readers, in the order they are tried. Adding a format is one new file and one line here. */
import { jsonReader } from './json/json-reader';
import { pickleReader } from './pickle/pickle-reader';
import type { FormatReader, Probe } from './types';

/** Every reader, most specific first. */
export const READERS: readonly FormatReader[] = [pickleReader, jsonReader];

/**
 * The reader for a file, or null when no format fits. Content is asked first (a name-blind probe),
 * then the name: a `.pkl` that holds JSON is read as JSON, and a `.json` full of garbage still goes
 * to the JSON reader, which says precisely where it stops being JSON.
 */
export function detectReader(probe: Probe): FormatReader | null {
  const blind: Probe = { name: '', head: probe.head };
  return READERS.find((r) => r.match(blind)) ?? READERS.find((r) => r.match(probe)) ?? null;
}
