/**
 * Test fixtures made by the real producer: python3 writes the checkpoint families (JSON envelopes,
 * pickles, the three-file set) and the concurrent writer, through `checkpoints.py`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('./checkpoints.py', import.meta.url));
const run = promisify(execFile);

/** Relative path → sha256 of what python wrote. */
export type Written = Record<string, string>;

async function python(args: readonly string[]): Promise<Written> {
  const { stdout } = await run('python3', [script, ...args], { timeout: 30_000 });
  return JSON.parse(stdout) as Written;
}

/** A ring-buffer family `name.json`, `name.1.json`, … (current first); the current one cut short when `brokenCurrent`. */
export function makeRing(dir: string, name: string, count: number, brokenCurrent = false): Promise<Written> {
  return python(['ring', dir, name, String(count), ...(brokenCurrent ? ['--broken-current'] : [])]);
}

/** A family of three-file sets `name.pkl/.state.json/.meta.json`, `name.1.*`, … (current first). */
export function makeTriple(dir: string, name: string, count: number): Promise<Written> {
  return python(['triple', dir, name, String(count)]);
}

/** Rewrite one file atomically with other bytes, optionally keeping its old mtime (so only the hash tells). */
export function rewriteFile(path: string, keepMtime: boolean): Promise<Written> {
  return python(['rewrite', path, ...(keepMtime ? ['--keep-mtime'] : [])]);
}

/** Start a python process that rewrites `path` atomically in a loop until `stopFile` exists. */
export function startWriter(path: string, stopFile: string): ChildProcess {
  return spawn('python3', [script, 'writer', path, stopFile], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** sha256 of a file's bytes. */
export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}
