#!/usr/bin/env node
/**
 * `npm start [-- <folder>]`: install if needed, build, then open Checkpoint Doctor on the folder.
 * With no folder it opens a scratch copy of the committed demo/ workspace in the OS temp dir
 * (rollbacks there never touch the repository). It runs the Electron app when the Electron binary
 * is available; otherwise it says so in one line and serves the same UI to the browser
 * (`ckpt-doctor serve`). Ctrl+C stops whichever runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build, ensureDependencies, findElectron, repoRoot } from './build.mjs';

const DEMO_DIR = path.join(repoRoot, 'demo');
const MTIMES_FILE = '.demo-mtimes.json';

/**
 * Copy demo/ into `<scratch>/demo`, restoring the generator's mtimes (git does not keep them).
 * The settings file goes beside it, outside the watched folder.
 */
function copyDemoWorkspace() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-doctor-'));
  const target = path.join(scratch, 'demo');
  cpSync(DEMO_DIR, target, { recursive: true, filter: (src) => path.basename(src) !== MTIMES_FILE });
  const mtimes = JSON.parse(readFileSync(path.join(DEMO_DIR, MTIMES_FILE), 'utf8'));
  for (const [relative, seconds] of Object.entries(mtimes)) {
    const file = path.join(target, relative);
    if (existsSync(file)) utimesSync(file, seconds, seconds);
  }
  return { scratch, folder: target, settings: path.join(scratch, 'settings.json') };
}

/**
 * On a machine with internet, Electron 42+ fetches its binary on first use: try once. Offline it
 * fails at once, so the progress line only appears when a download is really under way.
 */
function tryDownloadElectron() {
  const installer = path.join(repoRoot, 'node_modules/electron/install.js');
  if (process.env.CI || process.env.ELECTRON_OVERRIDE_DIST_PATH || !existsSync(installer)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installer], { cwd: repoRoot, stdio: 'ignore' });
    const progress = setTimeout(() => console.log('Downloading the Electron binary (first run)…'), 2000);
    const limit = setTimeout(() => child.kill('SIGTERM'), 300_000);
    child.on('error', () => {});
    child.on('close', () => {
      clearTimeout(progress);
      clearTimeout(limit);
      resolve(findElectron());
    });
  });
}

function canOpenBrowser() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return false;
  return spawnSync('sh', ['-c', 'command -v xdg-open'], { stdio: 'ignore' }).status === 0;
}

/** Open the system browser; never fails, never waits. */
function openBrowser(url) {
  if (!canOpenBrowser()) return;
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No browser is not an error: the URL is printed.
  }
}

/** Run a child until it exits; Ctrl+C / SIGTERM are passed on so it can stop cleanly. */
function supervise(child) {
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(error.message);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : (code ?? 1));
    });
  });
}

function runElectron(electron, folder, baseEnv) {
  const env = { ...baseEnv };
  delete env.ELECTRON_RUN_AS_NODE;
  return supervise(spawn(electron, ['.', folder], { cwd: repoRoot, stdio: 'inherit', env }));
}

function runServe(folder, env) {
  const cli = path.join(repoRoot, 'out/cli/cli.js');
  const port = process.env.CKPT_DOCTOR_PORT ?? '0';
  const child = spawn(process.execPath, [cli, 'serve', folder, '--port', port], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env });
  let announced = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const url = !announced && /^https?:\/\/\S+$/.test(line.trim()) ? line.trim() : null;
    if (!url) {
      console.log(line);
      return;
    }
    announced = true;
    console.log(`Checkpoint Doctor is serving ${folder}`);
    console.log(url);
    console.log('Press Ctrl+C to stop.');
    openBrowser(url);
  });
  return supervise(child);
}

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
    console.error('usage: npm start [-- <folder>]');
    return 2;
  }
  const given = args[0] ? path.resolve(args[0]) : null;
  if (given && !(existsSync(given) && statSync(given).isDirectory())) {
    console.error(`Not a folder: ${given}`);
    return 2;
  }

  await ensureDependencies();
  if (!(await build())) return 1;

  let folder = given;
  let scratch = null;
  const env = { ...process.env };
  if (!folder) {
    const demo = copyDemoWorkspace();
    scratch = demo.scratch;
    folder = demo.folder;
    // Keep the demo out of the person's own settings and recent folders.
    env.CKPT_DOCTOR_SETTINGS = demo.settings;
    console.log(`Opening a scratch copy of the demo workspace: ${folder}`);
  }

  try {
    const electron = findElectron() ?? (await tryDownloadElectron());
    if (electron) return await runElectron(electron, folder, env);
    console.log("Electron isn't available on this machine (no binary in node_modules/electron/dist); falling back to serve mode in your browser.");
    return await runServe(folder, env);
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
