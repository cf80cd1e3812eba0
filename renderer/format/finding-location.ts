/** Where a finding points, in words: `byte 81,920 · line 3, col 17` or `/phase_outputs`. */
import type { Finding } from '../../shared/model/finding';
import { formatCount } from './bytes';

/** The position part of a finding, or null when it has none. */
export function formatFindingLocation(finding: Finding): string | null {
  const parts: string[] = [];
  if (finding.offset !== undefined) parts.push(`byte ${formatCount(finding.offset)}`);
  if (finding.line !== undefined) parts.push(finding.column !== undefined ? `line ${finding.line}, col ${finding.column}` : `line ${finding.line}`);
  if (finding.pointer !== undefined) parts.push(finding.pointer === '' ? '(whole value)' : finding.pointer);
  return parts.length ? parts.join(' · ') : null;
}
