/**
 * `ckpt-doctor rollback`, `undo` and `history`: the one writing action from a terminal, on the
 * same engine service the app uses.
 *
 * Invariants:
 * - Nothing is written before the person said yes: on a terminal they are asked (a risky target
 *   needs the family name typed); without a terminal the command refuses unless `--yes` was given,
 *   so a script can never roll back by accident (exit 2, nothing written).
 * - The plan is printed before the question: the files that go to the trash, the files written,
 *   the warnings. The engine re-checks every hash before writing.
 * - Exit codes: 0 done, 1 refused or failed (the message says why and when to retry), 2 usage.
 */
import { createInterface } from 'node:readline';
import { relative, resolve } from 'node:path';
import type { HistoryEntry, OperationOutcome, PlanView } from '../shared/api/rollback-contract';
import type { FamilySummary } from '../shared/model/workspace';
import { createEngine, type Engine } from './engine/engine';

/** Asks the person; injectable so tests can answer. */
export interface ConfirmService {
  /** False when there is no one to ask (stdin is not a terminal). */
  readonly interactive: boolean;
  /** Ask `question`; resolves with the line typed (trimmed). */
  ask(question: string): Promise<string>;
}

/** What the commands need from the CLI. */
export interface RollbackCommandContext {
  readonly stdout: (text: string) => Promise<void>;
  readonly stderr: (text: string) => void;
  readonly json: boolean;
  readonly yes: boolean;
  readonly settingsPath: string;
  readonly confirm: ConfirmService;
  /** Raise a usage error (exit 2). */
  readonly usageError: (message: string) => Error;
}

/** A confirmation service on the process's own terminal. */
export function terminalConfirm(): ConfirmService {
  return {
    interactive: process.stdin.isTTY === true,
    ask: (question) =>
      new Promise((done) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        rl.question(question, (answer) => {
          rl.close();
          done(answer.trim());
        });
        // Ctrl+D: no answer is a no.
        rl.once('close', () => done(''));
      }),
  };
}

const MAX_OPERATIONS_SHOWN = 20;

async function openEngine(ctx: RollbackCommandContext, folder: string): Promise<Engine> {
  const engine = await createEngine({ settingsPath: ctx.settingsPath, host: 'cli', watch: false, roots: [folder], recoverOnStart: false });
  await engine.whenIdle();
  const root = engine.getSnapshot().roots[0];
  if (!root || root.status === 'missing' || root.status === 'unreadable') {
    await engine.close();
    throw ctx.usageError(root?.error ?? `Could not scan ${folder}.`);
  }
  // A journal left by a crash is settled first, as the app does on start, and said out loud.
  for (const report of await engine.rollback.recoverUnder([folder])) ctx.stderr(`ckpt-doctor: ${report.message}\n`);
  return engine;
}

function describePlan(plan: PlanView): string {
  const lines: string[] = [];
  lines.push(`Family ${plan.familyName} in ${plan.dir}`);
  if (plan.kind === 'rollback') {
    lines.push(`  current  ${plan.current.label}  (${plan.current.health}${plan.current.schemaVersion ? `, schema ${plan.current.schemaVersion}` : ''})`);
    lines.push(`  target   ${plan.target.label}  (${plan.target.health}${plan.target.schemaVersion ? `, schema ${plan.target.schemaVersion}` : ''})`);
    if (plan.diff.kind === 'summary') {
      lines.push(`  changes  ${plan.diff.added} added, ${plan.diff.removed} removed, ${plan.diff.changed} changed, ${plan.diff.typeChanged} type-changed`);
    } else lines.push(`  changes  ${plan.diff.reason}`);
  } else {
    lines.push(`  generation  ${plan.generation.label}  (${plan.generation.health})`);
  }
  lines.push('', plan.summary, '', 'File operations, in order:');
  for (const op of plan.operations.slice(0, MAX_OPERATIONS_SHOWN)) {
    switch (op.kind) {
      case 'backup':
        lines.push(`  copy to trash  ${op.path}  →  ${op.backupPath}`);
        break;
      case 'replace':
        lines.push(`  write          ${op.to}  ←  ${op.from}${op.toSha256Before === null ? '  (new file)' : ''}`);
        break;
      case 'move':
        lines.push(`  move to trash  ${op.path}  →  ${op.trashPath}`);
        break;
      case 'keep':
        lines.push(`  leave as is    ${op.path}`);
        break;
    }
  }
  if (plan.operations.length > MAX_OPERATIONS_SHOWN) lines.push(`  … and ${plan.operations.length - MAX_OPERATIONS_SHOWN} more`);
  if (plan.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of plan.warnings) lines.push(`  ! ${w.message}`);
  }
  if (plan.blockers.length > 0) {
    lines.push('', 'Cannot run:');
    for (const b of plan.blockers) lines.push(`  ✗ ${b.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Ask for consent; null when confirmed, else the exit code (2: nobody to ask, 1: declined). */
async function consent(ctx: RollbackCommandContext, question: string, risky: boolean, familyName: string): Promise<{ code: number } | { typedName: string }> {
  if (ctx.yes) return { typedName: familyName };
  if (!ctx.confirm.interactive) {
    ctx.stderr('ckpt-doctor: not asking without a terminal, and nothing was written. Pass --yes to confirm non-interactively.\n');
    return { code: 2 };
  }
  if (risky) {
    const typed = await ctx.confirm.ask(`${question}\nThis target is risky (see the warnings). Type the family name ${familyName} to confirm, or press Enter to cancel: `);
    if (typed !== familyName) {
      ctx.stderr(typed === '' ? 'Cancelled; nothing was written.\n' : `"${typed}" is not ${familyName}; cancelled, nothing was written.\n`);
      return { code: 1 };
    }
    return { typedName: typed };
  }
  const answer = await ctx.confirm.ask(`${question} [y/N] `);
  if (!/^y(es)?$/i.test(answer)) {
    ctx.stderr('Cancelled; nothing was written.\n');
    return { code: 1 };
  }
  return { typedName: '' };
}

async function report(ctx: RollbackCommandContext, outcome: OperationOutcome, extra: Record<string, unknown>): Promise<number> {
  if (ctx.json) await ctx.stdout(`${JSON.stringify({ ...extra, outcome }, null, 2)}\n`);
  if (outcome.kind === 'ok') {
    if (!ctx.json) {
      await ctx.stdout(
        `${outcome.message}\nBackup: ${outcome.backupDir}\nUndo:   ckpt-doctor undo ${outcome.undo.dir}${outcome.op === 'undo' ? '   (undoes this undo)' : ''}\n`,
      );
    }
    return 0;
  }
  const retry = outcome.kind === 'refused' && outcome.retryAfterMs !== undefined ? ` Retry in ${Math.ceil(outcome.retryAfterMs / 1000)} s.` : '';
  ctx.stderr(`ckpt-doctor: ${outcome.kind === 'refused' ? 'refused' : 'failed'} (${outcome.code}): ${outcome.message}${retry && !outcome.message.includes('Retry in') ? retry : ''}\n`);
  if (outcome.kind === 'failed' && outcome.backupDir) ctx.stderr(`Copies of what was replaced: ${outcome.backupDir}\n`);
  return 1;
}

function memberOf(family: FamilySummary, rel: string) {
  return family.generations.find((g) => g.members.some((m) => m.path === rel)) ?? null;
}

/** `ckpt-doctor rollback <current> --to <generation> [--yes] [--json]`. */
export async function rollbackCommand(positional: readonly string[], to: string | undefined, ctx: RollbackCommandContext): Promise<number> {
  if (positional.length !== 1 || to === undefined) throw ctx.usageError('rollback takes the current checkpoint file and --to <file of the generation to make current>.');
  const currentAbs = resolve(positional[0]);
  const targetAbs = resolve(to);
  const folder = resolve(currentAbs, '..');
  const engine = await openEngine(ctx, folder);
  try {
    const families = engine.getSnapshot().roots.flatMap((r) => r.families);
    const family = families.find((f) => memberOf(f, relative(f.dir, currentAbs)) !== null);
    if (!family) throw ctx.usageError(`${positional[0]} is not a file of any checkpoint family Checkpoint Doctor found in ${folder}.`);
    const current = memberOf(family, relative(family.dir, currentAbs))!;
    if (current.id !== family.currentId) {
      const actual = family.generations.find((g) => g.id === family.currentId);
      throw ctx.usageError(`${positional[0]} is not the current generation of ${family.name}${actual ? ` (the current one is ${actual.label})` : ''}.`);
    }
    const target = memberOf(family, relative(family.dir, targetAbs));
    if (!target) throw ctx.usageError(`${to} is not a generation of ${family.name}; pick one of: ${family.generations.map((g) => g.label).join(', ')}.`);
    if (target.id === current.id) throw ctx.usageError(`${to} is already the current generation of ${family.name}.`);

    const plan = await engine.rollback.planRollback(family.id, target.id);
    if (!ctx.json) await ctx.stdout(describePlan(plan));
    if (plan.blockers.length > 0) return await report(ctx, { kind: 'refused', code: plan.blockers[0].code, message: plan.blockers[0].message }, { plan });
    const answer = await consent(ctx, `Roll back ${family.name} to ${target.label}?`, plan.risky, family.name);
    if ('code' in answer) {
      if (ctx.json) await ctx.stdout(`${JSON.stringify({ plan, outcome: null }, null, 2)}\n`);
      return answer.code;
    }
    const outcome = await engine.rollback.executeRollback({ token: plan.token, confirmation: { typedName: answer.typedName } });
    return await report(ctx, outcome, { plan });
  } finally {
    await engine.close();
  }
}

function describeEntry(e: HistoryEntry): string {
  const files = e.files.map((f) => `${f.path} ${short(f.before)} → ${short(f.after)}`).join(', ');
  return `${e.when}  ${e.op.padEnd(10)} ${e.family}: ${files}${e.undoes ? `  (undoes ${e.undoes})` : ''}${e.recovered ? '  (finished after a crash)' : ''}\n    backup ${e.backupDir}`;
}

function short(sha: string | null): string {
  return sha === null ? '(none)' : sha.slice(0, 12);
}

/** `ckpt-doctor undo <folder> [--yes] [--json]`: undo the last operation recorded in a family's folder. */
export async function undoCommand(positional: readonly string[], ctx: RollbackCommandContext): Promise<number> {
  if (positional.length !== 1) throw ctx.usageError("undo takes one folder: the checkpoint family's folder.");
  const folder = resolve(positional[0]);
  const engine = await openEngine(ctx, folder);
  try {
    const history = await engine.rollback.getHistory(folder);
    const last = history.find((e) => e.dir === folder);
    if (!last) return await report(ctx, { kind: 'refused', code: 'nothing_to_undo', message: `No rollback, undo or quarantine is recorded in ${folder}, so there is nothing to undo.` }, {});
    if (!ctx.json) await ctx.stdout(`Last operation in ${folder}:\n  ${describeEntry(last)}\n`);
    const answer = await consent(ctx, `Undo the ${last.op} of ${last.family} from ${last.when}?`, false, last.family);
    if ('code' in answer) return answer.code;
    const outcome = await engine.rollback.undoLast(folder, last.id);
    return await report(ctx, outcome, { undid: last.id });
  } finally {
    await engine.close();
  }
}

/** `ckpt-doctor history <folder> [--json]`: every rollback, undo and quarantine recorded there. */
export async function historyCommand(positional: readonly string[], ctx: RollbackCommandContext): Promise<number> {
  if (positional.length !== 1) throw ctx.usageError('history takes one folder.');
  const folder = resolve(positional[0]);
  const engine = await createEngine({ settingsPath: ctx.settingsPath, host: 'cli', watch: false, roots: [folder], recoverOnStart: false });
  try {
    await engine.whenIdle();
    const history = await engine.rollback.getHistory(folder);
    if (ctx.json) await ctx.stdout(`${JSON.stringify({ entries: history }, null, 2)}\n`);
    else await ctx.stdout(history.length === 0 ? `Nothing recorded in ${folder}.\n` : `${history.map(describeEntry).join('\n')}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
