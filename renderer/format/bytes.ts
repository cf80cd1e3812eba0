/** Sizes and counts as a person reads them. */

export { formatBytes } from '../../shared/text/format-bytes';

/** `81,920` — byte offsets with digit grouping, so they can be read aloud and compared. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
