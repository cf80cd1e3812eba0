/** A folder's whole content as data (to prove a refused operation wrote nothing), and ageing it. */
import { createHash } from 'node:crypto';
import { lstat, lutimes, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Relative path → `file:<sha256>`, `dir` or `link:<target>`, for everything under `dir`. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const stats = await lstat(join(dir, path));
      if (stats.isSymbolicLink()) out[path] = `link:${await readlink(join(dir, path))}`;
      else if (stats.isDirectory()) {
        out[path] = 'dir';
        await walk(path);
      } else out[path] = `file:${createHash('sha256').update(await readFile(join(dir, path))).digest('hex')}`;
    }
  };
  await walk('');
  return out;
}

/** Give `dir` and everything in it an mtime `seconds` in the past, as if the job had stopped long ago. */
export async function ageTree(dir: string, seconds = 3600): Promise<void> {
  const when = new Date(Date.now() - seconds * 1000);
  const walk = async (path: string) => {
    const stats = await lstat(path);
    if (stats.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name));
    await lutimes(path, when, when);
  };
  await walk(dir);
}
