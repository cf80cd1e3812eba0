/** Sizes as a person reads them, the same in the engine's verdicts and the renderer's tables. */

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** `512 B`, `12.4 KB`, `3.1 MB` (powers of 1024, one decimal below 100). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}
