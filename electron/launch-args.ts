/**
 * Which folders a launch asks to open. Pure, so the rules are tested without Electron.
 *
 * argv looks like `[electron, '.', '/ckpts']` in development (`electron .`, `npm start -- /ckpts`;
 * tools may put switches before the app path) and `[checkpoint-doctor, '/ckpts']` when packaged. Chromium and the OS may add switches
 * (`--no-sandbox`, `--original-process-start-time=…`, macOS `-psn_…`): those are never folders.
 */
import path from 'node:path';

/** What a launch needs to know to read its argv. */
export interface LaunchContext {
  /** `app.isPackaged`: packaged apps have no app-path argument. */
  readonly packaged: boolean;
  /** Directory relative folder arguments are resolved against. */
  readonly cwd: string;
}

/** Absolute folder paths named on a command line, in the order given, without duplicates. */
export function foldersFromArgv(argv: readonly string[], context: LaunchContext): string[] {
  const folders: string[] = [];
  // In development the first non-switch argument is the app path (`electron [switches] . /ckpts`).
  let appPathPending = !context.packaged;
  let afterDoubleDash = false;
  for (const arg of argv.slice(1)) {
    if (!afterDoubleDash && arg === '--') {
      afterDoubleDash = true;
      continue;
    }
    if (!afterDoubleDash && arg.startsWith('-')) continue;
    if (arg.trim() === '') continue;
    if (appPathPending) {
      appPathPending = false;
      continue;
    }
    const absolute = path.resolve(context.cwd, arg);
    if (!folders.includes(absolute)) folders.push(absolute);
  }
  return folders;
}

/** The data a second launch hands to the running instance (`requestSingleInstanceLock`). */
export interface SecondInstanceData {
  readonly folders: readonly string[];
}

/** Reads the folders out of `second-instance` additional data, tolerating anything else. */
export function foldersFromInstanceData(data: unknown): string[] | null {
  if (typeof data !== 'object' || data === null || !('folders' in data)) return null;
  const folders = (data as { folders: unknown }).folders;
  if (!Array.isArray(folders) || !folders.every((f) => typeof f === 'string' && path.isAbsolute(f))) return null;
  return [...folders];
}
