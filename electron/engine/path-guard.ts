/**
 * The engine reads only under the folders a person added. Every path that comes from outside the
 * engine (the UI, a WebSocket client) is resolved — `..` collapsed, symbolic links followed — and
 * must land inside a root, else it is refused with `outside_roots`.
 */
import { promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { EngineError, describeSystemError, systemErrorCode } from './engine-error';

/** A root as added (`path`) and as it really is on disk (`real`, symlinks resolved). */
export interface RootRef {
  readonly path: string;
  readonly real: string;
}

/** True when `child` is `parent` or lies under it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  if (parent === child) return true;
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** True when `path` lies under one of `roots`' real paths. */
export function isInsideAnyRoot(roots: readonly RootRef[], realPath: string): boolean {
  return roots.some((r) => isInside(r.real, realPath));
}

/**
 * Resolve `candidate` and check it lies inside a root, lexically and after following symbolic
 * links. Returns the real path. Throws `outside_roots` or `not_found`.
 */
export async function resolveInsideRoots(roots: readonly RootRef[], candidate: string): Promise<string> {
  if (candidate.includes('\0')) throw new EngineError('bad_request', 'The path contains a NUL character, which no file name can hold.');
  const absolute = resolve(candidate);
  const lexicallyInside = roots.some((r) => isInside(r.path, absolute) || isInside(r.real, absolute));
  if (!lexicallyInside) throw outsideRoots(candidate);
  let real: string;
  try {
    real = await fs.realpath(absolute);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      throw new EngineError('not_found', `${candidate} is no longer on disk. It was probably rotated or deleted; the list refreshes on its own.`);
    }
    throw new EngineError('unreadable', `Could not open ${candidate} (${describeSystemError(error)}).`);
  }
  if (!isInsideAnyRoot(roots, real)) throw outsideRoots(candidate, real);
  return real;
}

function outsideRoots(candidate: string, real?: string): EngineError {
  const where = real && real !== resolve(candidate) ? ` (it leads to ${real})` : '';
  return new EngineError(
    'outside_roots',
    `Refused to read ${candidate}${where}: Checkpoint Doctor only reads inside the folders you added. Add the folder that holds it first.`,
  );
}
