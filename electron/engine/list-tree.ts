/**
 * Lists a root folder recursively for discovery: every directory's entries (with one level of
 * children for sub-directories, so `step-120/` can be a generation), grouped into families as it
 * goes so directories consumed as generations are not descended into.
 * Each directory is read (and each entry stat'ed) once per listing; `relistTree` applies a change
 * by reading again only the directories it touched.
 *
 * Bad trees never crash or hang the scan: depth is bounded, symbolic-link loops are detected by
 * real path, links leading outside the added folders are skipped, and unreadable sub-folders are
 * skipped. Each of those becomes a sentence in `problems`, shown on the root.
 */
import type { Dirent, Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
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
  readonly link: boolean;
}

type Resolved = { readonly entry: ResolvedEntry } | { readonly problem: string } | null;

/**
 * Resolve one directory entry to a regular file or a directory, following symbolic links that stay
 * inside the added folders. Sockets, FIFOs and devices are skipped: reading a FIFO would hang.
 */
async function resolveEntry(dirAbs: string, dirent: Dirent, roots: readonly RootRef[]): Promise<Resolved> {
  const abs = join(dirAbs, dirent.name);
  const link = dirent.isSymbolicLink();
  try {
    let real = abs;
    if (link) {
      try {
        real = await fs.realpath(abs);
      } catch (error) {
        return { problem: `Skipped ${abs}: it is a symbolic link that leads nowhere (${describeSystemError(error)}).` };
      }
      if (!isInsideAnyRoot(roots, real)) {
        return { problem: `Skipped ${abs}: it is a symbolic link to ${real}, outside the folders you added. Add that folder to check it.` };
      }
    }
    const stats = await fs.stat(abs);
    if (stats.isFile()) return { entry: { name: dirent.name, kind: 'file', abs, real, stats, link } };
    if (stats.isDirectory()) return { entry: { name: dirent.name, kind: 'dir', abs, real: link ? real : await fs.realpath(abs), stats, link } };
    return null;
  } catch (error) {
    // Vanished between readdir and stat: the watcher reports it and the next scan is correct.
    if (systemErrorCode(error) === 'ENOENT') return null;
    return { problem: `Skipped ${abs} (${describeSystemError(error)}).` };
  }
}

/** One directory read once: its resolved entries (null when it could not be read) and the problems met. */
interface DirRead {
  readonly entries: readonly ResolvedEntry[] | null;
  readonly problems: readonly string[];
}

/** Read and resolve a directory's entries; throws when the directory itself cannot be read. */
async function readEntries(dirAbs: string, roots: readonly RootRef[]): Promise<{ entries: ResolvedEntry[]; problems: string[] }> {
  const dirents = await fs.readdir(dirAbs, { withFileTypes: true });
  const wanted = dirents.filter((d) => !IGNORED_NAMES.has(d.name));
  const resolved = await mapBatched(wanted, (d) => resolveEntry(dirAbs, d, roots));
  const entries: ResolvedEntry[] = [];
  const problems: string[] = [];
  for (const r of resolved) {
    if (r === null) continue;
    if ('entry' in r) entries.push(r.entry);
    else problems.push(r.problem);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { entries, problems };
}

/** Read a sub-directory; a failure is recorded (entries null) instead of thrown. */
async function readSubdir(dirAbs: string, roots: readonly RootRef[]): Promise<DirRead> {
  try {
    return await readEntries(dirAbs, roots);
  } catch (error) {
    const problems = systemErrorCode(error) === 'ENOENT' ? [] : [`Skipped the folder ${dirAbs} (${describeSystemError(error)}). Fix its permissions to check it.`];
    return { entries: null, problems };
  }
}

function toInfo(entry: ResolvedEntry, children?: readonly DirEntryInfo[]): DirEntryInfo {
  const base = { name: entry.name, kind: entry.kind, size: entry.kind === 'file' ? entry.stats.size : 0, mtimeMs: entry.stats.mtimeMs };
  return children ? { ...base, children } : base;
}

/**
 * The children infos of one read, made once per read: a folder whose parent is listed again
 * (a file changed beside it) hands discovery the same arrays as before instead of new copies.
 */
const childInfos = new WeakMap<readonly ResolvedEntry[], readonly DirEntryInfo[]>();

function childInfosOf(children: readonly ResolvedEntry[]): readonly DirEntryInfo[] {
  let infos = childInfos.get(children);
  if (!infos) {
    infos = children.map((c) => toInfo(c));
    childInfos.set(children, infos);
  }
  return infos;
}

/** A directory's entries with one level of children for each sub-directory, from reads already made. */
function infosOf(entries: readonly ResolvedEntry[], reads: ReadonlyMap<string, DirRead>): { infos: DirEntryInfo[]; dirs: ResolvedEntry[] } {
  const infos: DirEntryInfo[] = [];
  const dirs: ResolvedEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'file') {
      infos.push(toInfo(e));
      continue;
    }
    const children = reads.get(e.abs)?.entries;
    if (!children) continue;
    infos.push(toInfo(e, childInfosOf(children)));
    dirs.push(e);
  }
  return { infos, dirs };
}

/** A problem sentence of the listing, or a reference to the problems of one directory read (in order). */
type ProblemToken = { readonly text: string } | { readonly read: string };

/**
 * What a listing keeps so a later change can be applied without listing the whole root again
 * (`relistTree`). Opaque to callers.
 */
export interface TreeState {
  readonly root: RootRef;
  /** Every directory read, by absolute path: the listed ones and their direct sub-directories. */
  readonly reads: ReadonlyMap<string, DirRead>;
  readonly dirs: readonly ListedDir[];
  readonly tokens: readonly ProblemToken[];
  /** A symbolic link was met: a change under its target would not be seen under its path, so changes rescan everything. */
  readonly links: boolean;
}

function problemsOf(tokens: readonly ProblemToken[], reads: ReadonlyMap<string, DirRead>): string[] {
  return tokens.flatMap((t) => ('text' in t ? [t.text] : [...(reads.get(t.read)?.problems ?? [])]));
}

/** Outcome of listing a root, with the state `relistTree` needs. */
export type TreeListingWithState = Exclude<TreeListing, { kind: 'ok' }> | (Extract<TreeListing, { kind: 'ok' }> & { readonly state: TreeState });

/** List `root` recursively and group each directory's entries into families. */
export async function listTree(root: RootRef, options: ListTreeOptions): Promise<TreeListingWithState> {
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

  const tokens: ProblemToken[] = [];
  const dirs: ListedDir[] = [];
  const reads = new Map<string, DirRead>();
  const visited = new Set<string>();
  let links = false;

  // Each directory is read once: as a sub-directory of its parent (for the one level of children
  // discovery needs), and that read is reused when the directory is listed itself.
  const walk = async (abs: string, real: string, rel: string, depth: number, ancestors: readonly string[]): Promise<void> => {
    if (visited.has(real)) {
      if (ancestors.includes(real)) tokens.push({ text: `Skipped ${abs}: it is a symbolic link back to a folder above it (a loop).` });
      return;
    }
    visited.add(real);
    const own = reads.get(abs);
    const entries = own?.entries;
    if (!entries) return;
    if (entries.some((e) => e.link)) links = true;
    const subdirs = entries.filter((e) => e.kind === 'dir');
    const subReads = await mapBatched(subdirs, (d) => readSubdir(d.abs, options.roots));
    subdirs.forEach((d, i) => {
      reads.set(d.abs, subReads[i]);
      tokens.push({ read: d.abs });
    });
    const { infos, dirs: listed } = infosOf(entries, reads);
    const discovery = options.discover(infos);
    dirs.push({ abs, rel, entries: infos, discovery });
    const consumed = new Set(discovery.consumedDirs);
    const next = listed.filter((d) => !consumed.has(d.name));
    if (next.length > 0 && depth >= maxDepth) {
      tokens.push({ text: `Stopped looking below ${abs}: folders nested more than ${maxDepth} levels deep are not scanned. Add a deeper folder directly to check it.` });
      return;
    }
    for (const d of next) await walk(d.abs, d.real, rel === '' ? d.name : `${rel}/${d.name}`, depth + 1, [...ancestors, real]);
  };

  try {
    reads.set(root.path, await readEntries(root.path, options.roots));
    tokens.push({ read: root.path });
    await walk(root.path, root.real, '', 0, []);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') {
      return { kind: 'missing', message: `${root.path} does not exist any more. Restore it, or remove it from the list.` };
    }
    return { kind: 'unreadable', message: `Cannot list ${root.path} (${describeSystemError(error)}). Fix its permissions, then rescan.` };
  }
  return { kind: 'ok', dirs, problems: problemsOf(tokens, reads), state: { root, reads, dirs, tokens, links } };
}

/** Outcome of `relistTree`: the new listing and the absolute paths of the listed directories whose entries were listed again. */
export interface Relisting {
  readonly dirs: readonly ListedDir[];
  readonly problems: readonly string[];
  readonly state: TreeState;
  readonly changed: ReadonlySet<string>;
}

function sameDirs(a: readonly ResolvedEntry[], b: readonly ResolvedEntry[]): boolean {
  const key = (list: readonly ResolvedEntry[]) =>
    list
      .filter((e) => e.kind === 'dir')
      .map((e) => `${e.name}\u0000${e.real}`)
      .join('\u0001');
  return key(a) === key(b);
}

/**
 * Apply changes inside the directories `changedDirs` (absolute paths) to a previous listing: read
 * only those directories again, and list again only the listed directories that hold them or are
 * them (a file inside `step-120/` changes the listing of `step-120/`'s parent). Everything else is
 * reused. Returns null when the change is not one it can apply exactly — a directory appeared,
 * vanished or changed what it holds in sub-directories, a generation directory became a plain one
 * or back, a read failed, symbolic links are involved — so the caller lists the whole root instead.
 */
export async function relistTree(prev: TreeState, changedDirs: readonly string[], options: ListTreeOptions): Promise<Relisting | null> {
  if (prev.links) return null;
  const listedAt = new Map(prev.dirs.map((d, i) => [d.abs, i] as const));
  const affected = new Set<string>();
  for (const dir of changedDirs) {
    const old = prev.reads.get(dir);
    if (!old?.entries) return null;
    const parent = dirname(dir);
    const inListed = listedAt.has(dir);
    const parentListed = dir !== prev.root.path && listedAt.has(parent) && prev.reads.get(parent)?.entries?.some((e) => e.kind === 'dir' && e.abs === dir);
    if (!inListed && !parentListed) return null;
    if (inListed) affected.add(dir);
    if (parentListed) affected.add(parent);
  }
  const reads = new Map(prev.reads);
  const unique = [...new Set(changedDirs)];
  let fresh: { entries: ResolvedEntry[]; problems: string[] }[];
  try {
    fresh = await mapBatched(unique, (dir) => readEntries(dir, options.roots));
  } catch {
    return null;
  }
  for (let i = 0; i < unique.length; i++) {
    const before = prev.reads.get(unique[i])?.entries ?? [];
    if (fresh[i].entries.some((e) => e.link) || !sameDirs(before, fresh[i].entries)) return null;
    reads.set(unique[i], fresh[i]);
  }
  // A folder's own mtime moves with its entries: refresh it in its parent's read as well (unless
  // the parent was read again anyway), as a full listing would show it.
  const reread = new Set(unique);
  for (const dir of unique) {
    const parent = dirname(dir);
    const parentRead = reads.get(parent);
    if (dir === prev.root.path || reread.has(parent) || !parentRead?.entries) continue;
    const at = parentRead.entries.findIndex((e) => e.kind === 'dir' && e.abs === dir);
    if (at < 0) continue;
    let stats: Stats;
    try {
      stats = await fs.stat(dir);
    } catch {
      return null;
    }
    if (!stats.isDirectory()) return null;
    const entries = [...parentRead.entries];
    entries[at] = { ...entries[at], stats };
    reads.set(parent, { entries, problems: parentRead.problems });
  }
  const dirs = [...prev.dirs];
  for (const abs of affected) {
    const i = listedAt.get(abs)!;
    const old = prev.dirs[i];
    const { infos } = infosOf(reads.get(abs)!.entries!, reads);
    const discovery = options.discover(infos);
    const consumed = (d: DiscoveryResult) => [...d.consumedDirs].sort().join('\u0000');
    if (consumed(discovery) !== consumed(old.discovery)) return null;
    dirs[i] = { abs: old.abs, rel: old.rel, entries: infos, discovery };
  }
  return { dirs, problems: problemsOf(prev.tokens, reads), state: { ...prev, reads, dirs }, changed: affected };
}
