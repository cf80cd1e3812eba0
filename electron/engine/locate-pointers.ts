/**
 * Text locations for pointers that may not exist on one side: a key added in the newer value has
 * no place in the older text, so the nearest parent that does stands in for it (the diff editor
 * then shows the spot where the key would be).
 */
import type { TextLocation } from '../../shared/api/contract';

/** `pointer` and each of its parents, nearest first, ending with the root `''`. */
export function selfAndAncestors(pointer: string): string[] {
  const out = [pointer];
  // `~1` escapes a `/` inside a token, so every raw `/` separates tokens.
  for (let cut = pointer.lastIndexOf('/'); cut >= 0; cut = pointer.lastIndexOf('/', cut - 1)) {
    out.push(pointer.slice(0, cut));
    if (cut === 0) break;
  }
  return out;
}

/** Every pointer whose location may be needed for `pointers`. */
export function pointersToLocate(pointers: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const p of pointers) for (const q of selfAndAncestors(p)) all.add(q);
  return [...all];
}

/** Where `pointer` (or its nearest located parent) starts, from `renderCanonical` locations. */
export function nearestLocation(locations: Readonly<Record<string, TextLocation>>, pointer: string): TextLocation | undefined {
  for (const p of selfAndAncestors(pointer)) {
    const at = locations[`pointer:${p}`];
    if (at) return at;
  }
  return undefined;
}
