/**
 * Run the real CLI from source in a child process, as a person or a CI script would: stdin is not
 * a terminal, colours off, settings in the test's own folder.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The CLI's entry, from source. */
export const CLI_SOURCE = fileURLToPath(new URL('../cli.ts', import.meta.url));
/** tsx for `--import`, named by its file: the tests run in temporary folders it does not resolve from. */
export const TSX_IMPORT = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What a CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `ckpt-doctor ...args` in `cwd`, with settings in `cwd/settings.json` and `env` added. */
export function runCli(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, CLI_SOURCE, ...args], {
      cwd,
      env: { ...process.env, CKPT_DOCTOR_SETTINGS: join(cwd, 'settings.json'), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
