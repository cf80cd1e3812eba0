/**
 * The quiet period: a rollback runs only when nothing in the family has been written for a while,
 * because a job that is still saving would overwrite the rolled-back file a second later, or worse,
 * rotate it away mid-operation. "Written" means the mtime of any family member, of any file that
 * looks like a temp file of an atomic write (whatever its name), and of the folders themselves
 * (a rename-based writer changes the folder even when it leaves file mtimes alone). Our own
 * writes, recorded in the audit log, do not count.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { OwnWrites } from './audit-log';
import { errnoCode } from './durable-fs';
import { isOurTempName } from './journal';
import { STATE_DIR_NAME } from './member-path';

/** The newest write that falls inside the quiet period. */
export interface RecentWrite {
  /** Relative path of what was written (`''` for the family's folder itself). */
  readonly path: string;
  readonly ageMs: number;
  readonly retryAfterMs: number;
}

/** True for names atomic writers and editors use for files being written. */
export function looksLikeTempFile(name: string): boolean {
  return (
    /\.(tmp|temp|part|partial|swp|crdownload|download)$/i.test(name) ||
    /\.tmp[.\-_]/i.test(name) ||
    /^tmp/i.test(name) ||
    name.endsWith('~') ||
    name.startsWith('.#')
  );
}

/** Inputs of `findRecentWrite`. */
export interface QuietCheck {
  readonly dirReal: string;
  readonly familyName: string;
  /** Members the operation reads or writes (relative), whatever their names. */
  readonly paths: readonly string[];
  readonly quietPeriodMs: number;
  readonly now: number;
  readonly own: OwnWrites;
}

/** The newest write in the family younger than the quiet period, or null when the family is quiet. */
export async function findRecentWrite(check: QuietCheck): Promise<RecentWrite | null> {
  if (check.quietPeriodMs <= 0) return null;
  const candidates = new Set<string>();
  const folders = new Set<string>(['']);
  for (const path of check.paths) {
    candidates.add(path);
    const dir = posix.dirname(path);
    if (dir !== '.') folders.add(dir);
  }
  for (const folder of folders) {
    let names: string[];
    try {
      names = await readdir(join(check.dirReal, folder));
    } catch {
      continue;
    }
    for (const name of names) {
      if (folder === '' && name === STATE_DIR_NAME) continue;
      if (isOurTempName(name)) continue;
      // In a generation's own sub-folder every file is a member; at the top only the family's names and temp files are.
      if (folder !== '' || name.startsWith(check.familyName) || looksLikeTempFile(name)) {
        candidates.add(folder === '' ? name : `${folder}/${name}`);
      }
    }
  }
  const seen: { path: string; mtimeMs: number; own: ReadonlySet<number> | undefined }[] = [];
  for (const path of candidates) {
    try {
      const stats = await lstat(join(check.dirReal, ...path.split('/')));
      seen.push({ path, mtimeMs: stats.mtimeMs, own: check.own.files.get(path) });
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
  for (const folder of folders) {
    try {
      const stats = await lstat(join(check.dirReal, ...folder.split('/').filter(Boolean)));
      seen.push({ path: folder, mtimeMs: stats.mtimeMs, own: check.own.dirs.get(folder) });
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
  const recent = seen.filter((item) => !item.own?.has(item.mtimeMs) && check.now - item.mtimeMs < check.quietPeriodMs);
  if (recent.length === 0) return null;
  const newestMtime = Math.max(...recent.map((item) => item.mtimeMs));
  // Name a file when one was written: "agent.json was written" helps more than "the folder changed".
  const files = recent.filter((item) => !folders.has(item.path));
  const named = (files.length > 0 ? files : recent).reduce((a, b) => (b.mtimeMs > a.mtimeMs ? b : a));
  // A clock that runs behind the file system's (a network mount) gives a negative age: treat it as "just now".
  const ageMs = Math.max(0, check.now - newestMtime);
  return { path: named.path, ageMs, retryAfterMs: Math.max(1, Math.ceil(check.quietPeriodMs - ageMs)) };
}

/** The refusal message for a recent write. */
export function describeRecentWrite(write: RecentWrite, dirShown: string): string {
  const ago = formatSeconds(write.ageMs);
  const retry = formatSeconds(write.retryAfterMs, true);
  const what = write.path === '' ? `something in ${dirShown} changed` : `${write.path} was written`;
  return `A writer was active ${ago} ago (${what}); retry after ${retry}. A job that is still saving would overwrite the rollback with its next checkpoint: stop it first.`;
}

function formatSeconds(ms: number, roundUp = false): string {
  const seconds = ms / 1000;
  if (seconds < 10) {
    const value = roundUp ? Math.ceil(seconds * 10) / 10 : Math.round(seconds * 10) / 10;
    return `${value} s`;
  }
  return `${roundUp ? Math.ceil(seconds) : Math.round(seconds)} s`;
}
