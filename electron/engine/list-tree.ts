/**
 * Lists a root folder recursively for discovery: every directory's entries (with one level of
 * children for sub-directories, so `step-120/` can be a generation), grouped into families as it
 * goes so directories consumed as generations are not descended into.
 *
 * Bad trees never crash or hang the scan: depth is bounded, symbolic-link loops are detected by
 * real path, links leading outside the added folders are skipped, and unreadable sub-folders are
 * skipped. Each of those becomes a sentence in `problems`, shown on the root.
 */
import type { Dirent, Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DirEntryInfo, DiscoveryResult } from '../../shared/discovery/types';
import { describeSystemError, systemErrorCode } from './engine-error';
import { isInsideAnyRoot, type RootRef } from './path-guard';

/** Names never scanned: the app's own journal/trash folder and folders that are never checkpoints. */
export const IGNORED_NAMES: ReadonlySet<string> = new Set(['.ckpt-doctor', 'node_modules', '.git']);

/** How deep below a root folders are scanned. */
export const DEFAULT_MAX_DEPTH = 8;

/** One listed directory and its families. */
export interface ListedDir {
  /** Absolute path, under the root as the person added it. */
  readonly abs: string;
  /** Path relative to the root (`''` for the root itself), with `/` separators. */
  readonly rel: string;
  readonly entries: readonly DirEntryInfo[];
  readonly discovery: DiscoveryResult;
}

/** Outcome of listing a root. */
export type TreeListing =
  | { readonly kind: 'ok'; readonly dirs: readonly ListedDir[]; readonly problems: readonly string[] }
  | { readonly kind: 'missing' | 'unreadable' | 'not_a_directory'; readonly message: string };

/** Options of `listTree`. */
export interface ListTreeOptions {
  /** Groups one directory's entries into families (`discoverFamilies`). */
  readonly discover: (entries: readonly DirEntryInfo[]) => DiscoveryResult;
  /** Every root, so symbolic links into another added folder are followed. */
  readonly roots: readonly RootRef[];
  readonly maxDepth?: number;
}

const STAT_BATCH = 64;

/** Map `items` through `fn` at most `STAT_BATCH` at a time, keeping order. */
async function mapBatched<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += STAT_BATCH) {
    out.push(...(await Promise.all(items.slice(i, i + STAT_BATCH).map(fn))));
  }
  return out;
}

interface ResolvedEntry {
  readonly name: string;
  readonly kind: 'file' | 'dir';
  readonly abs: string;
  readonly real: string;
  readonly stats: Stats;
}

/**
 * Resolve one directory entry to a regular file or a directory, following symbolic links that stay
 * inside the added folders. Sockets, FIFOs and devices are skipped: reading a FIFO would hang.
 */
async function resolveEntry(dirAbs: string, dirent: Dirent, roots: readonly RootRef[], problems: string[]): Promise<ResolvedEntry | null> {
  const abs = join(dirAbs, dirent.name);
  try {
    let real = abs;
    if (dirent.isSymbolicLink()) {
      try {
        real = await fs.realpath(abs);
      } catch (error) {
        problems.push(`Skipped ${abs}: it is a symbolic link that leads nowhere (${describeSystemError(error)}).`);
        return null;
      }
      if (!isInsideAnyRoot(roots, real)) {
        problems.push(`Skipped ${abs}: it is a symbolic link to ${real}, outside the folders you added. Add that folder to check it.`);
        return null;
      }
    }
    const stats = await fs.stat(abs);
    if (stats.isFile()) return { name: dirent.name, kind: 'file', abs, real, stats };
    if (stats.isDirectory()) return { name: dirent.name, kind: 'dir', abs, real: dirent.isSymbolicLink() ? real : await fs.realpath(abs), stats };
    return null;
  } catch (error) {
    // Vanished between readdir and stat: the watcher reports it and the next scan is correct.
    if (systemErrorCode(error) === 'ENOENT') return null;
    problems.push(`Skipped ${abs} (${describeSystemError(error)}).`);
    return null;
  }
}

async function readEntries(dirAbs: string, roots: readonly RootRef[], problems: string[]): Promise<ResolvedEntry[]> {
  const dirents = await fs.readdir(dirAbs, { withFileTypes: true });
  const wanted = dirents.filter((d) => !IGNORED_NAMES.has(d.name));
  const resolved = await mapBatched(wanted, (d) => resolveEntry(dirAbs, d, roots, problems));
  return resolved.filter((r): r is ResolvedEntry => r !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toInfo(entry: ResolvedEntry, children?: readonly DirEntryInfo[]): DirEntryInfo {
  const base = { name: entry.name, kind: entry.kind, size: entry.kind === 'file' ? entry.stats.size : 0, mtimeMs: entry.stats.mtimeMs };
  return children ? { ...base, children } : base;
}

/** Entries of a directory with one level of children for each sub-directory. */
async function listOneLevel(dirAbs: string, roots: readonly RootRef[], problems: string[]): Promise<{ infos: DirEntryInfo[]; dirs: ResolvedEntry[] }> {
  const entries = await readEntries(dirAbs, roots, problems);
  const dirs = entries.filter((e) => e.kind === 'dir');
  const childLists = await mapBatched(dirs, async (d) => {
    try {
      return (await readEntries(d.abs, roots, problems)).map((c) => toInfo(c));
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT') problems.push(`Skipped the folder ${d.abs} (${describeSystemError(error)}). Fix its permissions to check it.`);
      return null;
    }
  });
  const byName = new Map(dirs.map((d, i) => [d.name, childLists[i]] as const));
  const infos = entries.flatMap((e) => {
    if (e.kind === 'file') return [toInfo(e)];
    const children = byName.get(e.name);
    return children ? [toInfo(e, children)] : [];
  });
  return { infos, dirs: dirs.filter((d) => byName.get(d.name)) };
}

/** List `root` recursively and group each directory's entries into families. */
export async function listTree(root: RootRef, options: ListTreeOptions): Promise<TreeListing> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  try {
    const stats = await fs.stat(root.path);
    if (!stats.isDirectory()) return { kind: 'not_a_directory', message: `${root.path} is a file, not a folder. Add the folder that holds your checkpoints.` };
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return { kind: 'missing', message: `${root.path} does not exist any more. Restore it, or remove it from the list.` };
    }
    return { kind: 'unreadable', message: `Cannot open ${root.path} (${describeSystemError(error)}). Fix its permissions, then rescan.` };
  }

  const problems: string[] = [];
  const dirs: ListedDir[] = [];
  const visited = new Set<string>();

  const walk = async (abs: string, real: string, rel: string, depth: number, ancestors: readonly string[]): Promise<void> => {
    if (visited.has(real)) {
      if (ancestors.includes(real)) {
        problems.push(`Skipped ${abs}: it is a symbolic link back to a folder above it (a loop).`);
      }
      return;
    }
    visited.add(real);
    const { infos, dirs: subdirs } = await listOneLevel(abs, options.roots, problems);
    const discovery = options.discover(infos);
    dirs.push({ abs, rel, entries: infos, discovery });
    const consumed = new Set(discovery.consumedDirs);
    const next = subdirs.filter((d) => !consumed.has(d.name));
    if (next.length > 0 && depth >= maxDepth) {
      problems.push(`Stopped looking below ${abs}: folders nested more than ${maxDepth} levels deep are not scanned. Add a deeper folder directly to check it.`);
      return;
    }
    for (const d of next) {
      try {
        await walk(d.abs, d.real, rel === '' ? d.name : `${rel}/${d.name}`, depth + 1, [...ancestors, real]);
      } catch (error) {
        if (systemErrorCode(error) !== 'ENOENT') problems.push(`Skipped the folder ${d.abs} (${describeSystemError(error)}). Fix its permissions to check it.`);
      }
    }
  };

  try {
    await walk(root.path, root.real, '', 0, []);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return { kind: 'missing', message: `${root.path} does not exist any more. Restore it, or remove it from the list.` };
    }
    return { kind: 'unreadable', message: `Cannot list ${root.path} (${describeSystemError(error)}). Fix its permissions, then rescan.` };
  }
  return { kind: 'ok', dirs, problems };
}
