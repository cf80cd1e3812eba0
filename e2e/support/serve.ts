/**
 * Starts the real serve mode (`node out/cli/cli.js serve <folders…> --port 0`) with its own
 * settings file, and reads the one URL line it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './paths';

/** A running `ckpt-doctor serve`. */
export interface ServeHandle {
  /** The URL it printed, token included. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly pid: number;
  /** Stop it (SIGTERM, then SIGKILL if it hangs) and remove its settings. */
  stop(): Promise<void>;
}

const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)$/;

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Start serve mode on `folders`. Rejects with the server's stderr if it does not print its URL. */
export async function startServe(folders: readonly string[]): Promise<ServeHandle> {
  const settingsDir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-e2e-settings-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'out/cli/cli.js'), 'serve', ...folders, '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, CKPT_DOCTOR_SETTINGS: path.join(settingsDir, 'settings.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 60 s. stderr:\n${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL. stderr:\n${stderr}`));
    });
  });
  const match = URL_LINE.exec(url);
  if (!match) {
    child.kill('SIGTERM');
    throw new Error(`serve printed ${JSON.stringify(url)}, not one line http://127.0.0.1:PORT/?token=TOKEN`);
  }
  const port = Number(match[1]);
  return {
    url,
    origin: `http://127.0.0.1:${port}`,
    port,
    token: match[2],
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
      rmSync(settingsDir, { recursive: true, force: true });
    },
  };
}
