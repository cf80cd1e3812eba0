/**
 * Watches one root folder with chokidar and calls back, debounced, when anything in it changes.
 * `awaitWriteFinish` holds back add/change events until a file's size stops moving, so a
 * checkpoint being written is judged once it is complete rather than on every chunk.
 */
import { dirname, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { DEFAULT_MAX_DEPTH, IGNORED_NAMES } from './list-tree';

/** A running watcher. */
export interface RootWatcher {
  close(): Promise<void>;
}

/** Options of `watchRoot`. */
export interface WatchRootOptions {
  /**
   * Called (debounced) after changes settle, with the directories whose entries changed, or null
   * when the whole root must be listed again (a directory appeared or vanished, too many changes).
   */
  readonly onChange: (change: RootChange | null) => void;
  /** Called when the watcher itself fails (e.g. too many watched folders). */
  readonly onError: (message: string) => void;
  readonly debounceMs?: number;
  readonly maxDepth?: number;
}

/** Directories (absolute) in which files were added, changed or removed. */
export interface RootChange {
  readonly dirs: readonly string[];
}

/** Above this many changed directories in one batch, list the whole root. */
const MAX_CHANGED_DIRS = 64;

/** True when a path goes through a folder the scan ignores (`.ckpt-doctor`, `.git`, `node_modules`). */
export function isIgnoredPath(path: string): boolean {
  return path.split(sep).some((segment) => IGNORED_NAMES.has(segment));
}

/** Start watching `root`. */
export function watchRoot(root: string, options: WatchRootOptions): RootWatcher {
  const debounceMs = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    persistent: true,
    // Symbolic links are listed by the scan (which guards loops and escapes); following them here
    // could loop or watch outside the added folders.
    followSymlinks: false,
    depth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    ignorePermissionErrors: true,
    ignored: (path: string) => path !== root && isIgnoredPath(path.startsWith(root) ? path.slice(root.length) : path),
    awaitWriteFinish: { stabilityThreshold: 120, pollInterval: 30 },
  });
  let dirs = new Set<string>();
  let full = false;
  watcher.on('all', (event: string, path: string) => {
    if (closed) return;
    if ((event === 'add' || event === 'change' || event === 'unlink') && typeof path === 'string' && path !== root) dirs.add(dirname(path));
    else full = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      const change = full || dirs.size === 0 || dirs.size > MAX_CHANGED_DIRS ? null : { dirs: [...dirs] };
      dirs = new Set();
      full = false;
      if (!closed) options.onChange(change);
    }, debounceMs);
  });
  watcher.on('error', (error: unknown) => {
    if (closed) return;
    const code = typeof error === 'object' && error && 'code' in error ? String((error as { code: unknown }).code) : '';
    const message =
      code === 'ENOSPC' || code === 'EMFILE'
        ? `Cannot watch ${root} for changes: the system limit on watched files was reached (${code}). Checks still run on Rescan; raise fs.inotify.max_user_watches to get live updates.`
        : `Watching ${root} for changes failed (${error instanceof Error ? error.message : String(error)}). Use Rescan to refresh.`;
    options.onError(message);
  });
  return {
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
