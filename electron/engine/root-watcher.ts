/**
 * Watches one root folder with chokidar and calls back, debounced, when anything in it changes.
 * `awaitWriteFinish` holds back add/change events until a file has stopped changing (no event and
 * no size change) for `WRITE_SETTLE_MS`, polled every `WRITE_POLL_MS`, so a checkpoint being
 * written is judged once it is complete rather than on every chunk. The window is short because it
 * is paid on every write: `json.dump` and `pickle.dump` write a file out in buffered chunks well
 * under a millisecond apart, and the atomic pattern (write a temporary file, rename it into
 * place) shows the final name only once it is complete. A writer that stalls longer than the
 * window mid-file is judged on what it wrote so far, and judged again when it writes more.
 */
import { dirname, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { DEFAULT_MAX_DEPTH, IGNORED_NAMES } from './list-tree';

/** A running watcher. */
export interface RootWatcher {
  /** Resolves once the initial walk is done: changes made after it are reported. */
  readonly ready: Promise<void>;
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
  /** Quiet time after the last event before calling back (default `DEFAULT_DEBOUNCE_MS`). */
  readonly debounceMs?: number;
  readonly maxDepth?: number;
}

/**
 * A file counts as written once it has not changed for this long. Long enough to bridge the gaps
 * of a writer streaming a file out in chunks; short enough not to dominate the write → verdict time.
 */
export const WRITE_SETTLE_MS = 50;
/** How often a file that is still settling is stat'ed. */
export const WRITE_POLL_MS = 10;
/** Default quiet time after the last event: coalesces the events of one save (temp file, rename, sidecars). */
export const DEFAULT_DEBOUNCE_MS = 25;
/** However busy the folder, call back at least this often while events keep coming (in debounce periods). */
const MAX_WAIT_PERIODS = 8;

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
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let timer: NodeJS.Timeout | null = null;
  /** When the first event of the batch not yet reported arrived. */
  let batchStart = 0;
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
    awaitWriteFinish: { stabilityThreshold: WRITE_SETTLE_MS, pollInterval: WRITE_POLL_MS },
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  let dirs = new Set<string>();
  let full = false;
  const flush = (): void => {
    timer = null;
    const change = full || dirs.size === 0 || dirs.size > MAX_CHANGED_DIRS ? null : { dirs: [...dirs] };
    dirs = new Set();
    full = false;
    if (!closed) options.onChange(change);
  };
  watcher.on('all', (event: string, path: string) => {
    if (closed) return;
    if ((event === 'add' || event === 'change' || event === 'unlink') && typeof path === 'string' && path !== root) dirs.add(dirname(path));
    else full = true;
    // Trailing debounce, but a steady stream of events (a copy of thousands of files) still gets
    // a rescan every few periods instead of none until it stops.
    const now = Date.now();
    if (timer) clearTimeout(timer);
    else batchStart = now;
    const wait = Math.min(debounceMs, Math.max(0, batchStart + debounceMs * MAX_WAIT_PERIODS - now));
    timer = setTimeout(flush, wait);
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
    ready,
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
