/**
 * The few file-system moves the rollback protocol is built from, each durable before it returns:
 * file contents are fsynced before a rename publishes them, and the folder is fsynced after, so a
 * power cut cannot leave a name pointing at bytes that never reached the disk. None of these
 * ever truncates or deletes a file that is not ours.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

const CHUNK = 1 << 20;

/** Identity of a file's state, cheap to compare: the same inode, size and times means the same bytes in practice. */
export interface StatSignature {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** The signature of a stat result. */
export function signatureOf(stats: Stats): StatSignature {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

/** True when two signatures describe the same file state. */
export function sameSignature(a: StatSignature, b: StatSignature): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** The `code` of a Node system error, or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Hex sha256 of a file's bytes, streamed. */
export async function hashFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** What `hashIfPresent` returns for a folder, link or device: never equal to any sha256. */
export const NOT_A_REGULAR_FILE = 'not-a-regular-file';

/** Hex sha256 of a regular file, null when nothing is at `path`, `NOT_A_REGULAR_FILE` for anything else. */
export async function hashIfPresent(path: string): Promise<string | null> {
  try {
    const stats = await lstat(path);
    if (!stats.isFile()) return NOT_A_REGULAR_FILE;
    return await hashFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Flush a folder's entries to disk, so a rename or a new name inside it survives a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    // Windows cannot open a folder as a file; NTFS journals its metadata itself.
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = errnoCode(error);
    if (!(process.platform === 'win32' || code === 'EINVAL' || code === 'ENOTSUP')) throw error;
  } finally {
    await handle.close();
  }
}

/** Create `dir` and any missing parents, fsyncing each parent so the new folders survive a power cut. */
export async function mkdirDurable(dir: string): Promise<void> {
  const missing: string[] = [];
  let cursor = dir;
  for (;;) {
    try {
      const stats = await lstat(cursor);
      if (!stats.isDirectory()) {
        throw Object.assign(new Error(`${cursor} exists and is not a folder`), { code: 'ENOTDIR' });
      }
      break;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      missing.push(cursor);
      const parent = dirname(cursor);
      if (parent === cursor) break;
      cursor = parent;
    }
  }
  for (const path of missing.reverse()) {
    try {
      await mkdir(path);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    await fsyncDir(dirname(path));
  }
}

/** Result of copying a file into a new file. */
export interface CopyOutcome {
  /** sha256 of the bytes read from the source (and written). */
  readonly sha256: string;
  /** Source state when the copy started and when it ended; different means a writer was at work. */
  readonly sourceBefore: StatSignature;
  readonly sourceAfter: StatSignature;
}

/**
 * Copy `source` into a new file at `destination` (which must not exist), hashing what is read,
 * then fsync it. The caller decides whether the hash is the one it expected; the new file is
 * left in place either way (it is ours and the caller removes or publishes it).
 */
export async function copyIntoNewFile(source: string, destination: string, mode: number): Promise<CopyOutcome> {
  const input = await open(source, 'r');
  try {
    const sourceBefore = signatureOf(await input.stat());
    const output = await open(destination, 'wx', 0o600);
    const hash = createHash('sha256');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
        if (bytesRead === 0) break;
        hash.update(buffer.subarray(0, bytesRead));
        let written = 0;
        while (written < bytesRead) {
          const { bytesWritten } = await output.write(buffer, written, bytesRead - written, null);
          written += bytesWritten;
        }
      }
      // Give the copy the permission bits of the file it stands for (a 0600 checkpoint stays 0600).
      await output.chmod(mode & 0o7777).catch(() => undefined);
      await output.sync();
    } finally {
      await output.close();
    }
    const sourceAfter = signatureOf(await input.stat());
    return { sha256: hash.digest('hex'), sourceBefore, sourceAfter };
  } finally {
    await input.close();
  }
}

/** Write `text` to a new file at `path` (which must not exist) and fsync it. */
export async function writeNewFile(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Publish `temp` under `name` only if `name` does not exist yet (a hard link fails with EEXIST
 * instead of replacing), then drop the temp name. Returns false when `name` was taken.
 */
export async function linkExclusive(temp: string, name: string): Promise<boolean> {
  try {
    await link(temp, name);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  await unlinkIfPresent(temp);
  return true;
}

/** Atomically replace `name` with `temp` and make the rename durable. */
export async function renameDurable(temp: string, name: string): Promise<void> {
  await rename(temp, name);
  await fsyncDir(dirname(name));
}

/** Remove one of our own temp files if it is there. Never called on a user's file. */
export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

/** Append one line to `path` (created if missing) and fsync it; starts a fresh line if a torn one ends the file. */
export async function appendLineDurable(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a+', 0o644);
  let created = false;
  try {
    const { size } = await handle.stat();
    created = size === 0;
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.appendFile(`${prefix}${line}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) await fsyncDir(dirname(path));
}
