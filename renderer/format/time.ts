/** Times in file lists: relative to now for scanning the list, absolute on hover for the record. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 days ago`, then the date. */
export function relativeTime(ms: number, now: number): string {
  const diff = now - ms;
  if (diff < -MINUTE) return 'in the future';
  if (diff < 5_000) return 'just now';
  if (diff < MINUTE) return `${Math.floor(diff / 1000)} s ago`;
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  if (diff < 14 * DAY) {
    const days = Math.floor(diff / DAY);
    return days === 1 ? 'yesterday' : `${days} days ago`;
  }
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** `2026-05-25 03:14:07.123` in local time: exact, sortable, and unambiguous at 3 a.m. */
export function absoluteTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
