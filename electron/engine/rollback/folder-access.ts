/**
 * Confinement: the rollback module reads and writes only inside the folders the person added.
 * Every folder and file is resolved with realpath (symbolic links followed, `..` collapsed) and
 * must land inside a root; a name that will be replaced must itself be a regular file, because a
 * rename replaces a symbolic link, not the file it points to.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { errnoCode } from './durable-fs';
import { STATE_DIR_NAME, memberPathProblem } from './member-path';
import type { RefusalCode } from './types';

/** A refusal: nothing was written. */
export interface Refusal {
  readonly kind: 'refused';
  readonly code: RefusalCode;
  readonly message: string;
  readonly retryAfterMs?: number;
}

/** Build a refusal. */
export function refuse(code: RefusalCode, message: string, retryAfterMs?: number): Refusal {
  return retryAfterMs === undefined ? { kind: 'refused', code, message } : { kind: 'refused', code, message, retryAfterMs };
}

/** A family's folder, resolved and confined. */
export interface FamilyFolder {
  readonly dir: string;
  readonly dirReal: string;
  readonly rootReal: string;
}

/** True when `child` is `parent` or lies under it (both absolute and normalised). */
export function isInside(parent: string, child: string): boolean {
  if (parent === child) return true;
  const rel = relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Resolve a family's folder and check that it lies inside one of the roots. */
export async function resolveFamilyFolder(dir: string, roots: readonly string[]): Promise<{ kind: 'ok'; folder: FamilyFolder } | Refusal> {
  if (typeof dir !== 'string' || !isAbsolute(dir) || dir.includes('\0')) {
    return refuse('bad_path', `The family's folder ${JSON.stringify(dir)} is not an absolute path.`);
  }
  let dirReal: string;
  try {
    dirReal = await realpath(dir);
  } catch (error) {
    return refuse('missing_file', `The folder ${dir} cannot be opened (${errnoCode(error) ?? 'error'}); it may have been moved or unmounted.`);
  }
  const rootReals: string[] = [];
  for (const root of roots) {
    if (typeof root !== 'string' || !isAbsolute(root)) continue;
    try {
      rootReals.push(await realpath(root));
    } catch {
      // A root that vanished confines nothing.
    }
  }
  const rootReal = rootReals.find((r) => isInside(r, dirReal));
  if (rootReal === undefined) {
    const via = dirReal !== dir ? ` (it leads to ${dirReal})` : '';
    return refuse('outside_roots', `Refused to touch ${dir}${via}: Checkpoint Doctor only writes inside the folders you added. Add the folder that holds it first.`);
  }
  try {
    if (!(await stat(dirReal)).isDirectory()) return refuse('bad_path', `${dir} is not a folder.`);
  } catch (error) {
    return refuse('missing_file', `The folder ${dir} cannot be opened (${errnoCode(error) ?? 'error'}).`);
  }
  return { kind: 'ok', folder: { dir, dirReal, rootReal } };
}

/** Refuse when `.ckpt-doctor` or the files in it exist as something other than plain folders and files (a link could lead our writes outside the roots). */
export async function checkStateDir(folder: FamilyFolder): Promise<Refusal | null> {
  for (const sub of [STATE_DIR_NAME, `${STATE_DIR_NAME}/trash`]) {
    try {
      const stats = await lstat(join(folder.dirReal, sub));
      if (!stats.isDirectory()) {
        return refuse('bad_path', `${join(folder.dir, sub)} is not a plain folder (it is a file or a link). Move it away so Checkpoint Doctor can keep its journal and trash there.`);
      }
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') return refuse('bad_path', `${join(folder.dir, sub)} cannot be read (${errnoCode(error) ?? 'error'}).`);
    }
  }
  // The audit log is appended to: a link there would carry our writes wherever it points.
  for (const file of [`${STATE_DIR_NAME}/audit.jsonl`, `${STATE_DIR_NAME}/journal.json`]) {
    try {
      if (!(await lstat(join(folder.dirReal, file))).isFile()) {
        return refuse('bad_path', `${join(folder.dir, file)} is not a plain file (it is a link or a folder). Move it away; Checkpoint Doctor writes it itself.`);
      }
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') return refuse('bad_path', `${join(folder.dir, file)} cannot be read (${errnoCode(error) ?? 'error'}).`);
    }
  }
  return null;
}

/** How a member will be used. */
export type MemberUse =
  /** Only read (a target member, a backup to restore from): a link inside the roots is fine. */
  | 'read'
  /** Renamed over or moved away: must be a regular file, not a link. */
  | 'replace'
  /** Created: must not exist. */
  | 'absent';

/** Resolve a member path inside a family's folder for a given use; returns its absolute path. */
export async function resolveMember(folder: FamilyFolder, path: string, use: MemberUse, allowStateDir = false): Promise<{ kind: 'ok'; abs: string } | Refusal> {
  const problem = allowStateDir && path.startsWith(`${STATE_DIR_NAME}/`) ? memberPathProblem(path.slice(STATE_DIR_NAME.length + 1)) : memberPathProblem(path);
  if (problem) return refuse('bad_path', `The path ${JSON.stringify(path)} ${problem}.`);
  const abs = join(folder.dirReal, ...path.split('/'));
  const shown = join(folder.dir, ...path.split('/'));
  try {
    const parentReal = await realpath(dirname(abs));
    if (!isInside(folder.rootReal, parentReal)) {
      return refuse('outside_roots', `Refused: the folder of ${shown} leads to ${parentReal}, outside the folders you added.`);
    }
  } catch (error) {
    return refuse('missing_file', `The folder of ${shown} cannot be opened (${errnoCode(error) ?? 'error'}).`);
  }
  let stats;
  try {
    stats = await lstat(abs);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      if (use === 'absent') return { kind: 'ok', abs };
      return refuse('missing_file', `${shown} is no longer on disk: it was probably rotated or removed since you reviewed it. Review the family again.`);
    }
    return refuse('missing_file', `${shown} cannot be read (${errnoCode(error) ?? 'error'}).`);
  }
  if (use === 'absent') {
    return refuse('not_a_generation', `${shown} exists but was not part of the generation you reviewed; review the family again.`);
  }
  if (stats.isSymbolicLink()) {
    if (use === 'replace') {
      return refuse('not_a_regular_file', `${shown} is a symbolic link. A rollback replaces names by rename and would replace the link itself, so it refuses; point your job at the real file instead.`);
    }
    let real: string;
    try {
      real = await realpath(abs);
    } catch (error) {
      return refuse('missing_file', `${shown} is a symbolic link that leads nowhere (${errnoCode(error) ?? 'error'}).`);
    }
    if (!isInside(folder.rootReal, real)) {
      return refuse('outside_roots', `Refused: ${shown} is a link to ${real}, outside the folders you added.`);
    }
    stats = await stat(real);
  }
  if (!stats.isFile()) return refuse('not_a_regular_file', `${shown} is not a regular file.`);
  return { kind: 'ok', abs };
}

/**
 * Refuse when any of `paths` (relative to the family's folder) would lead outside the root through
 * a symbolic link; used for paths read from a journal, which anything could have edited.
 */
export async function confinePaths(folder: FamilyFolder, paths: readonly string[]): Promise<Refusal | null> {
  for (const path of paths) {
    let cursor = dirname(join(folder.dirReal, ...path.split('/')));
    for (;;) {
      try {
        const real = await realpath(cursor);
        if (!isInside(folder.rootReal, real)) {
          return refuse('outside_roots', `Refused: ${path} leads to ${real}, outside the folders you added.`);
        }
        break;
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') return refuse('missing_file', `The folder of ${path} cannot be opened (${errnoCode(error) ?? 'error'}).`);
        const parent = dirname(cursor);
        if (parent === cursor) break;
        cursor = parent;
      }
    }
  }
  return null;
}
