/**
 * Drift as findings, so that the scan, the CLI and the UI list it beside the integrity checks:
 * `drift.dropped` and `drift.lossy` are warnings (a resume gets less than was saved), `drift.coerced`
 * is info (the loader gets another type back). Drift never makes a generation unhealthy on its
 * own: the file still loads.
 */
import type { Finding, FindingCode, Severity } from '../model/finding';
import type { DriftEntry, DriftReport } from './types';

/** At most this many per-pointer findings; a summary finding covers the rest. */
export const MAX_DRIFT_FINDINGS = 200;

const CODE: Record<DriftEntry['verdict'], FindingCode> = { dropped: 'drift.dropped', lossy: 'drift.lossy', coerced: 'drift.coerced' };
const SEVERITY: Record<DriftEntry['verdict'], Severity> = { dropped: 'warning', lossy: 'warning', coerced: 'info' };
const SOURCE: Record<DriftReport['source'], string> = {
  pickle: 'compared with the pickle of the same state',
  manifest: 'compared with the save-time type manifest',
  inferred: 'inferred from the JSON alone',
};

/** One finding per non-lossless pointer (most severe first, up to a cap) plus one summary. */
export function driftFindings(report: DriftReport, file: string, max = MAX_DRIFT_FINDINGS): Finding[] {
  const { counts } = report;
  const flagged = counts.dropped + counts.lossy + counts.coerced;
  if (flagged === 0) return [];
  const rank = { dropped: 0, lossy: 1, coerced: 2 };
  // Stable sort: severity first, document order within a severity.
  const ordered = report.entries.map((e, i) => ({ e, i })).sort((a, b) => rank[a.e.verdict] - rank[b.e.verdict] || a.i - b.i);
  const out: Finding[] = [];
  const loader = report.loader === 'js' ? 'JSON.parse' : 'json.load';
  for (const { e } of ordered.slice(0, max)) {
    const where = e.pointer === '' ? 'the root' : e.pointer;
    const inferred = report.source === 'inferred' ? ' (inferred)' : '';
    out.push({
      code: CODE[e.verdict],
      severity: SEVERITY[e.verdict],
      message: `${where}: ${e.pre.type} ${clip(e.pre.value)} → ${e.post.type}${e.post.value ? ` ${clip(e.post.value)}` : ''} after ${loader}${inferred}. ${e.note}`,
      file,
      pointer: e.pointer,
    });
  }
  const worst = counts.dropped > 0 ? 'dropped' : counts.lossy > 0 ? 'lossy' : 'coerced';
  const unlisted = flagged - Math.min(max, report.entries.length);
  const parts = [
    counts.dropped ? `${counts.dropped} dropped` : '',
    counts.lossy ? `${counts.lossy} lossy` : '',
    counts.coerced ? `${counts.coerced} coerced` : '',
    `${counts.lossless} lossless`,
  ].filter(Boolean);
  out.push({
    code: CODE[worst],
    severity: SEVERITY[worst],
    message: `Type drift after ${loader}, ${SOURCE[report.source]}: ${parts.join(', ')}.${unlisted > 0 ? ` ${unlisted} more not listed.` : ''}${
      worst === 'coerced' ? ' Every value comes back, some as another type.' : ' A resume from this file gets less than the program saved.'
    }`,
    file,
  });
  return out;
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
