/** Where things are, for the end-to-end tests. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Debian's Chromium, or CHROMIUM_PATH. Playwright never downloads a browser here. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags for a headless Chromium in a container: no sandbox (no user namespaces), no GPU, no phoning home. */
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function electronExecutableName(): string {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * The Electron executable, when one is installed (node_modules/electron/dist or
 * ELECTRON_OVERRIDE_DIST_PATH). Never `require('electron')`: that would start a download.
 */
export function electronBinary(): string | null {
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(repoRoot, 'node_modules/electron/dist');
  const candidate = path.join(dist, electronExecutableName());
  return existsSync(candidate) ? candidate : null;
}
