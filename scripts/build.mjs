#!/usr/bin/env node
/**
 * `npm run build`: the Electron bundles (electron-vite: out/main, out/preload, out/renderer — no
 * Electron binary needed) and the CLI (scripts/build-cli.mjs: out/cli). Skips the work when every
 * output exists and is newer than every source; `--force` rebuilds anyway.
 *
 * Also a module: start.mjs and test.mjs import `ensureDependencies` and `build`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SOURCES = ['electron', 'shared', 'renderer', 'bin', 'scripts/build-cli.mjs', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json'];
const OUTPUTS = ['out/main/index.js', 'out/main/scan-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/cli/cli.js', 'out/cli/scan-worker.js'];
const STAMP = 'out/.build-stamp';

/** Run a command with inherited stdio; resolves with its exit code (signals count as failure). */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', ...options });
    child.on('error', (error) => {
      console.error(`Could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * The Electron executable if one is installed (node_modules/electron/dist, or
 * ELECTRON_OVERRIDE_DIST_PATH), else null. Never `require('electron')`: that starts a download.
 */
export function findElectron() {
  const exe = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(repoRoot, 'node_modules/electron/dist');
  const candidate = path.join(dist, exe);
  return existsSync(candidate) ? candidate : null;
}

/** Install dependencies with `npm ci` when node_modules is missing (a fresh clone). */
export async function ensureDependencies() {
  if (existsSync(path.join(repoRoot, 'node_modules', '.package-lock.json'))) return;
  console.log('node_modules is missing: installing dependencies with npm ci');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const code = await run(npm, ['ci', '--no-audit', '--no-fund'], { shell: process.platform === 'win32' });
  if (code !== 0) throw new Error(`npm ci failed (exit ${code})`);
}

function newestMtime(target) {
  const full = path.join(repoRoot, target);
  if (!existsSync(full)) return 0;
  const info = statSync(full);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

/** True when every output exists and the last successful build is newer than every source. */
export function isUpToDate() {
  const stamp = path.join(repoRoot, STAMP);
  if (!existsSync(stamp) || OUTPUTS.some((o) => !existsSync(path.join(repoRoot, o)))) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((s) => newestMtime(s) <= built);
}

/** Build everything unless up to date. Resolves true on success. */
export async function build({ force = false } = {}) {
  if (!force && isUpToDate()) {
    console.log('Build is up to date (out/ is newer than the sources).');
    return true;
  }
  const node = process.execPath;
  console.log('Building the Electron bundles (electron-vite)…');
  if ((await run(node, [path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])) !== 0) {
    console.error('electron-vite build failed.');
    return false;
  }
  const cliBuild = path.join(repoRoot, 'scripts/build-cli.mjs');
  if (!existsSync(cliBuild)) {
    console.error('scripts/build-cli.mjs is missing: the CLI (out/cli) cannot be built.');
    return false;
  }
  console.log('Building the CLI (out/cli)…');
  if ((await run(node, [cliBuild])) !== 0) {
    console.error('CLI build failed.');
    return false;
  }
  const missing = OUTPUTS.filter((o) => !existsSync(path.join(repoRoot, o)));
  if (missing.length > 0) {
    console.error(`The build finished but did not produce: ${missing.join(', ')}`);
    return false;
  }
  mkdirSync(path.join(repoRoot, 'out'), { recursive: true });
  writeFileSync(path.join(repoRoot, STAMP), `${new Date().toISOString()}\n`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await ensureDependencies();
    const ok = await build({ force: process.argv.includes('--force') });
    process.exit(ok ? 0 : 1);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
