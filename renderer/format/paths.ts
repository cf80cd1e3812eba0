/** Path display: the renderer gets paths from the engine as text and only shortens them. */

/** Last segment of a POSIX or Windows path (`/a/agent-runs/` → `agent-runs`). */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut < 0 ? trimmed || path : trimmed.slice(cut + 1);
}

/** `dir` relative to `root` when inside it (`runs/a`), `''` when equal, else `dir` unchanged. */
export function relativeTo(root: string, dir: string): string {
  const r = root.replace(/[\\/]+$/, '');
  if (dir === r) return '';
  if (dir.startsWith(r) && (dir[r.length] === '/' || dir[r.length] === '\\')) return dir.slice(r.length + 1);
  return dir;
}
