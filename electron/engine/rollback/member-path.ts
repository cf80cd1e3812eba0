/**
 * Rules for the relative paths that plans, journals and audit entries carry. They come from the
 * renderer (untrusted) or from files on disk (which anything can edit), so every one is checked
 * before it is joined to a folder: no absolute paths, no `..`, nothing inside our own
 * `.ckpt-doctor` folder.
 */

/** Name of the folder the module keeps its journal, trash and audit log in, inside a family's folder. */
export const STATE_DIR_NAME = '.ckpt-doctor';

/** Why `path` cannot name a family member, or null when it can. */
export function memberPathProblem(path: unknown): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'is empty';
  if (path.length > 4096) return 'is longer than any file name a checkpoint uses';
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) {
    return "is absolute; paths in a plan are relative to the family's folder";
  }
  // One separator only, so a name means the same file on every platform and in every check.
  if (path.includes('\\')) return 'contains a backslash; use / between folder and file names';
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return 'climbs out of the family\'s folder with ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'has an empty or "." segment';
  if (segments[0] === STATE_DIR_NAME) return "points into Checkpoint Doctor's own folder";
  return null;
}

/** Like `memberPathProblem`, but for paths that must lie inside `.ckpt-doctor/trash/`. */
export function trashPathProblem(path: unknown): string | null {
  if (typeof path !== 'string') return 'is not a path';
  const prefix = `${STATE_DIR_NAME}/trash/`;
  if (!path.startsWith(prefix)) return `is not inside ${prefix}`;
  return memberPathProblem(path.slice(prefix.length));
}

/**
 * Default family rule: the first path segment starts with the family name (`agent.json`,
 * `agent.1.json` for `agent`; `step-120/model.pkl` for `step`). The engine can pass a rule
 * backed by discovery instead.
 */
export function defaultFamilyMemberTest(path: string, familyName: string): boolean {
  if (familyName.length === 0) return false;
  const first = path.split('/')[0] ?? '';
  return first.startsWith(familyName);
}

/** True for a lowercase hex sha256. */
export function isSha256(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}
