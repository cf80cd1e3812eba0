/**
 * A child-process entry that performs one operation and reports every step boundary on stdout,
 * so the crash tests can SIGKILL a real process at a known point (or at a random moment) and
 * then check what is on disk.
 *
 *   node --import tsx electron/engine/rollback/run-rollback-child.ts '<request as JSON>'
 *
 * Protocol, one line each: `ready` just before the operation starts, `step <name>` after each
 * boundary, `paused <name>` when it stops at `pauseAt` (it then waits to be killed), and
 * `result <json>` at the end. It exits on its own after `lifetimeMs` so a forgotten child cannot
 * linger.
 */
import { writeSync } from 'node:fs';
import { executeRollback } from './execute-rollback';
import { recoverPending } from './recover-pending';
import { undoLast } from './undo';
import type { OperationPlan, StepHooks } from './types';

/** What the parent asks the child to do. */
export interface ChildRequest {
  readonly mode: 'execute' | 'undo' | 'recover';
  /** For `execute`: the plan (rollback or quarantine). */
  readonly plan?: OperationPlan;
  /** For `undo` and `recover`: the family's folder. */
  readonly dir?: string;
  readonly roots: readonly string[];
  readonly quietPeriodMs?: number;
  /** Stop after this step and wait to be killed. */
  readonly pauseAt?: string;
  /** Give up after this long in any case (default 20 s). */
  readonly lifetimeMs?: number;
}

function say(line: string): void {
  // Synchronous, so the parent has the line before the next system call of the operation.
  writeSync(1, `${line}\n`);
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as ChildRequest;
  const lifetimeMs = request.lifetimeMs ?? 20_000;
  const deadline = setTimeout(() => {
    say('expired');
    process.exit(3);
  }, lifetimeMs);
  const hooks: StepHooks = {
    afterStep: async (step) => {
      say(`step ${step}`);
      if (step === request.pauseAt) {
        say(`paused ${step}`);
        // Hold here until the parent kills us (the deadline timer keeps the process alive).
        await new Promise<never>(() => undefined);
      }
    },
  };
  say('ready');
  let result: unknown;
  if (request.mode === 'execute' && request.plan) {
    result = await executeRollback(request.plan, { roots: request.roots, quietPeriodMs: request.quietPeriodMs ?? 0, hooks });
  } else if (request.mode === 'undo' && request.dir) {
    result = await undoLast(request.dir, { roots: request.roots, quietPeriodMs: request.quietPeriodMs ?? 0, hooks });
  } else if (request.mode === 'recover' && request.dir) {
    result = await recoverPending(request.dir, { roots: request.roots, hooks });
  } else {
    result = { kind: 'refused', code: 'bad_plan', message: 'The child got an incomplete request.' };
  }
  say(`result ${JSON.stringify(result)}`);
  clearTimeout(deadline);
}

main().catch((error: unknown) => {
  say(`error ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(2);
});
