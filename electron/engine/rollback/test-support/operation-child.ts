/**
 * Runs `run-rollback-child.ts` in a real child process for the crash tests. The entry is bundled
 * once with esbuild so each of the many runs starts in a fraction of the time `tsx` needs; it is
 * the same module code either way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { ChildRequest } from '../run-rollback-child';

/** Absolute path of the child entry's TypeScript source. */
export const childEntry = fileURLToPath(new URL('../run-rollback-child.ts', import.meta.url));

/** Bundle the child entry into a temp folder; returns the bundle's path. */
export async function bundleChild(): Promise<string> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'ckpt-child-')), 'run-rollback-child.mjs');
  await build({ entryPoints: [childEntry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'silent' });
  return outfile;
}

/** A running child and what it said. */
export interface OperationChild {
  readonly process: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line (said so far or later) matching `test`; rejects when the child ends first or after `timeoutMs`. */
  waitFor(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGKILL the child and wait until it is gone (reaped, so its pid is free). */
  kill(): Promise<void>;
  /** Resolves when the child has exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the child with a request; `command` is `[node, ...args]` before the request argument. */
export function startOperationChild(command: readonly string[], request: ChildRequest): OperationChild {
  const [bin, ...args] = command;
  const child = spawn(bin, [...args, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    let index: number;
    while ((index = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, index));
      buffered = buffered.slice(index + 1);
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      // Let the last stdout chunk arrive before waiters give up.
      setImmediate(() => {
        resolve({ code, signal });
        for (const wake of waiters) wake();
      });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    process: child,
    lines,
    exited,
    waitFor(test, timeoutMs = 15_000) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = lines.find(test);
          if (found !== undefined) finish(() => resolve(found));
          else if (done) finish(() => reject(new Error(`child ended without the expected line; said:\n${lines.join('\n')}\n${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`child did not say the expected line in time; said:\n${lines.join('\n')}\n${stderr}`))), timeoutMs);
        const finish = (settleNow: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settleNow();
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
}
