/**
 * The shared path of every writing operation (rollback, quarantine, undo): re-check the
 * preconditions against the disk, then journal first, then run the journal. Refusals happen
 * before anything is created on disk, not even `.ckpt-doctor/`; once the journal exists, any
 * failure is settled on the spot (undone from the backups) or, if that fails too, left for
 * `recoverPending`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ownWritesOf, readHistory } from './audit-log';
import { errnoCode, fsyncDir, hashFile, mkdirDurable } from './durable-fs';
import { checkStateDir, refuse, resolveMember, type FamilyFolder, type MemberUse, type Refusal } from './folder-access';
import { createJournal, JOURNAL_FORMAT, journalProblem, processIdentity, readJournal, setJournalAside, type Journal } from './journal';
import { STATE_DIR_NAME } from './member-path';
import { describeRecentWrite, findRecentWrite } from './quiet-period';
import { asOperationError, diskStateOf, inspect, OperationError, runForward, settle, type TxContext } from './transaction';
import type { AuditEntry, AuditOp, ExecuteOptions, OperationResult } from './types';

/** Default quiet period: no write in the family for this long before a rollback runs. */
export const DEFAULT_QUIET_PERIOD_MS = 10_000;

/** One file the operation depends on, checked before anything is written. */
export interface OperationRead {
  readonly path: string;
  /** The bytes it must hold; null for a name that must not exist. */
  readonly sha256: string | null;
  readonly use: MemberUse;
  /** The path lies in `.ckpt-doctor/trash/` (a backup an undo restores from). */
  readonly inTrash?: boolean;
  /** Turn a refusal about this file into the words that fit the operation. */
  readonly onProblem?: (refusal: Refusal, changedBytes: boolean) => Refusal;
}

/** The journal contents an operation contributes. */
export type JournalBody = Pick<Journal, 'backups' | 'writes' | 'moves' | 'from' | 'to' | 'undoes'>;

/** Everything `runOperation` needs to know about one operation. */
export interface OperationSpec {
  readonly op: AuditOp;
  readonly family: string;
  readonly reads: readonly OperationRead[];
  /** Paths whose mtimes the quiet period looks at (besides the family's other names). */
  readonly quietPaths: readonly string[];
  readonly build: (journalId: string, backupDir: string) => JournalBody;
  /** The sentence for a notice once it is done. */
  readonly describe: (entry: AuditEntry, backupDirShown: string) => string;
}

/** Run one operation in a family's folder. The caller holds the folder's in-process lock. */
export async function runOperation(folder: FamilyFolder, spec: OperationSpec, options: ExecuteOptions): Promise<OperationResult> {
  const now = options.now ?? Date.now;
  const quietPeriodMs = options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS;

  const stateDirProblem = await checkStateDir(folder);
  if (stateDirProblem) return stateDirProblem;
  const pending = await readJournal(folder.dirReal);
  if (pending.kind === 'ok') {
    return refuse(
      'journal_pending',
      `An earlier ${pending.journal.op} of ${pending.journal.family} in ${folder.dir} is still running or was interrupted and is not settled yet. Checkpoint Doctor finishes or undoes an interrupted one on start; wait for it or restart Checkpoint Doctor, review the family again, then retry.`,
    );
  }
  if (pending.kind === 'unreadable') {
    return refuse('journal_unreadable', `${join(folder.dir, STATE_DIR_NAME, 'journal.json')} cannot be used: ${pending.reason}. Read it, put the files it names back by hand if needed, then move it away.`);
  }

  const resolved = new Map<string, string>();
  for (const read of spec.reads) {
    const result = await resolveMember(folder, read.path, read.use, read.inTrash === true);
    if (result.kind === 'refused') return read.onProblem ? read.onProblem(result, false) : result;
    resolved.set(read.path, result.abs);
  }

  const history = await readHistory(folder.dirReal);
  const recent = await findRecentWrite({
    dirReal: folder.dirReal,
    familyName: spec.family,
    paths: spec.quietPaths,
    quietPeriodMs,
    now: now(),
    own: ownWritesOf(history),
  });
  if (recent) return refuse('writer_active', describeRecentWrite(recent, folder.dir), recent.retryAfterMs);

  for (const read of spec.reads) {
    if (read.sha256 === null) continue;
    const actual = await hashFile(resolved.get(read.path) as string);
    if (actual !== read.sha256) {
      const refusal = refuse(
        'changed_since_review',
        `${read.path} changed since you reviewed it — review again. (It now has sha256 ${actual.slice(0, 12)}…, you reviewed ${read.sha256.slice(0, 12)}…; nothing was written.)`,
      );
      return read.onProblem ? read.onProblem(refusal, true) : refusal;
    }
  }

  let ctx: TxContext;
  try {
    const id = randomUUID();
    const backupDir = await makeTrashDir(folder, now(), spec.op);
    const journal: Journal = {
      format: JOURNAL_FORMAT,
      id,
      op: spec.op,
      family: spec.family,
      createdAt: new Date(now()).toISOString(),
      ...(await processIdentity()),
      backupDir,
      ...spec.build(id, backupDir),
    };
    const problem = journalProblem(journal);
    if (problem) {
      await rmdir(join(folder.dirReal, ...backupDir.split('/')));
      return refuse('bad_plan', `The operation cannot be journaled safely: ${problem}.`);
    }
    if (!(await createJournal(folder.dirReal, journal))) {
      await rmdir(join(folder.dirReal, ...backupDir.split('/')));
      return refuse('journal_pending', `Another operation started in ${folder.dir} a moment ago; wait for it to finish, review again, then retry.`);
    }
    ctx = { folder, journal, hooks: options.hooks, now, seen: new Map(), recovering: false };
  } catch (error) {
    const failure = asOperationError(error, STATE_DIR_NAME);
    return {
      kind: 'failed',
      code: failure.failure,
      message: `Could not prepare the ${spec.op} in ${folder.dir}: ${failure.message} Nothing of yours was changed.`,
      state: { generation: 'old', journalPending: false, backupDir: null, files: [] },
    };
  }
  await ctx.hooks?.afterStep?.('journal.written');

  try {
    const entry = await runForward(ctx);
    return okResult(ctx, spec, entry);
  } catch (error) {
    return settleAfterFailure(ctx, spec, error instanceof OperationError ? error : asOperationError(error, ctx.journal.backupDir));
  }
}

function okResult(ctx: TxContext, spec: OperationSpec, entry: AuditEntry): OperationResult {
  const backupDirAbs = join(ctx.folder.dirReal, ...entry.backupDir.split('/'));
  return { kind: 'ok', op: entry.op, backupDir: backupDirAbs, auditEntry: entry, message: spec.describe(entry, entry.backupDir) };
}

/** After a failure mid-way: undo what took effect, from the backups, so the family is whole again. */
async function settleAfterFailure(ctx: TxContext, spec: OperationSpec, failure: OperationError): Promise<OperationResult> {
  const backupDirAbs = join(ctx.folder.dirReal, ...ctx.journal.backupDir.split('/'));
  try {
    const settlement = await settle(ctx, 'backward');
    if (settlement.kind === 'completed') return okResult(ctx, spec, settlement.entry);
    if (settlement.kind === 'reverted') {
      const state = diskStateOf(ctx, await inspect(ctx), false);
      return {
        kind: 'failed',
        code: failure.failure,
        message: `${failure.message} Every file was put back as it was${state.backupDir ? `; the copies taken are in ${ctx.journal.backupDir}` : ''}.`,
        state,
      };
    }
    if (settlement.kind === 'set_aside') {
      const state = diskStateOf(ctx, await inspect(ctx), false);
      const kept = await setJournalAside(ctx.folder.dirReal, ctx.journal);
      return {
        kind: 'failed',
        code: 'changed_during_operation',
        message: `${failure.message} ${settlement.foreign.join(', ')} now hold${settlement.foreign.length === 1 ? 's' : ''} bytes written by another program, so Checkpoint Doctor left every file as it is. The bytes from before are in ${ctx.journal.backupDir}; the journal is kept as ${kept}.`,
        state,
      };
    }
    return {
      kind: 'failed',
      code: failure.failure,
      message: `${failure.message} The operation could not be finished or undone (${settlement.reason}); the journal was kept and Checkpoint Doctor will try again when it next starts.`,
      state: diskStateOf(ctx, settlement.inspection, true),
    };
  } catch (settleError) {
    let state;
    try {
      state = diskStateOf(ctx, await inspect(ctx), true);
    } catch {
      state = { generation: 'mixed' as const, journalPending: true, backupDir: backupDirAbs, files: [] };
    }
    return {
      kind: 'failed',
      code: failure.failure,
      message: `${failure.message} Putting the files back failed too (${asOperationError(settleError, ctx.journal.backupDir).message}); the journal was kept and Checkpoint Doctor will finish or undo the operation when it next starts. The bytes from before are in ${ctx.journal.backupDir}.`,
      state,
    };
  }
}

/** Create `.ckpt-doctor/trash/<timestamp>-<op>/`, unique, and return it relative to the family's folder. */
async function makeTrashDir(folder: FamilyFolder, now: number, op: AuditOp): Promise<string> {
  const trashAbs = join(folder.dirReal, STATE_DIR_NAME, 'trash');
  await mkdirDurable(trashAbs);
  // No colons: the name must be valid on every file system a checkpoint folder may live on.
  const stamp = new Date(now).toISOString().replace(/:/g, '-').replace('.', '-');
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? `${stamp}-${op}` : `${stamp}-${op}-${n}`;
    try {
      await mkdir(join(trashAbs, name));
      await fsyncDir(trashAbs);
      return `${STATE_DIR_NAME}/trash/${name}`;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
}
