/** Group one directory's entries into checkpoint families and generations, by name alone. */
import type { DirEntryInfo, DiscoveryResult } from './types';

/** Group the entries of one directory into families (ring buffers, numbered series, triples, …). */
export function discoverFamilies(entries: readonly DirEntryInfo[]): DiscoveryResult {
  return { families: [], consumedDirs: [], ignored: entries.map((e) => e.name) };
}
