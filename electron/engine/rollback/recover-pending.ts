/**
 * Recovery on start: a journal left in a family's folder means an operation was interrupted (the
 * process was killed, the machine lost power). Recovery finishes it when every backup is complete
 * and verified and every file still to be written can be (the person confirmed it), and otherwise
 * undoes it from the backups. Either way the family ends whole (all old or all new), the journal
 * is gone and the audit log records the operation only if it took effect.
 *
 * A file holding bytes the journal does not expect means a program wrote it after the
 * interruption; recovery then touches nothing, keeps the journal under another name and says so.
 * A journal whose owner is still running (the CLI in another terminal) is left alone.
 */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkStateDir, confinePaths, refuse, resolveFamilyFolder, type FamilyFolder } from './folder-access';
import { journalOwner, lockFolder } from './folder-lock';
import { readJournal, removeJournalTemps, setJournalAside, type Journal } from './journal';
import { STATE_DIR_NAME } from './member-path';
import { diskStateOf, inspect, settle, asOperationError, type TxContext } from './transaction';
import { list } from './execute-rollback';
import type { RecoveryOptions, RecoveryResult } from './types';

/** Settle an interrupted operation in a family's folder, if there is one. Never throws. */
export async function recoverPending(dir: string, options: RecoveryOptions = {}): Promise<RecoveryResult> {
  let folder: FamilyFolder;
  if (options.roots !== undefined) {
    const resolved = await resolveFamilyFolder(dir, options.roots);
    if (resolved.kind === 'refused') return resolved;
    folder = resolved.folder;
  } else {
    // Without roots the folder confines itself: the journal's paths are checked to stay inside it.
    const resolved = await resolveFamilyFolder(dir, [dir]);
    if (resolved.kind === 'refused') return resolved;
    folder = resolved.folder;
  }
  const release = lockFolder(folder.dirReal);
  if (!release) return refuse('operation_in_progress', `An operation is running in ${dir} right now; recovery waits for it to end.`);
  try {
    return await recoverLocked(folder, options);
  } finally {
    release();
  }
}

/**
 * Folders under `root` (itself included) that hold a pending journal, for the engine to pass to
 * `recoverPending` on start. Skips `.git`, `node_modules` and our own folders, and does not
 * follow symbolic links.
 */
export async function findPendingJournals(root: string, maxDepth = 8): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number) => {
    try {
      await access(join(dir, STATE_DIR_NAME, 'journal.json'));
      found.push(dir);
    } catch {
      // No journal here.
    }
    if (depth >= maxDepth) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === STATE_DIR_NAME || entry.name === '.git' || entry.name === 'node_modules') continue;
      await walk(join(dir, entry.name), depth + 1);
    }
  };
  await walk(root, 0);
  return found;
}

async function recoverLocked(folder: FamilyFolder, options: RecoveryOptions): Promise<RecoveryResult> {
  const stateDirProblem = await checkStateDir(folder);
  if (stateDirProblem) return stateDirProblem;
  const read = await readJournal(folder.dirReal);
  if (read.kind === 'none') {
    // A crash while the journal itself was being written leaves only its temp file, which is ours.
    try {
      await removeJournalTemps(folder.dirReal, await readdir(join(folder.dirReal, STATE_DIR_NAME)));
    } catch {
      // No `.ckpt-doctor` folder: nothing was ever started here.
    }
    return { kind: 'ok', action: 'nothing_pending', message: `No interrupted operation in ${folder.dir}.` };
  }
  if (read.kind === 'unreadable') {
    return refuse(
      'journal_unreadable',
      `${join(folder.dir, STATE_DIR_NAME, 'journal.json')} cannot be used: ${read.reason}. Checkpoint Doctor did not touch any file; read the journal, check the files it names, then move it away.`,
    );
  }
  const journal = read.journal;
  if (options.assumeStale !== true) {
    const owner = await journalOwner(journal);
    if (owner === 'alive') {
      return refuse('operation_in_progress', `A ${journal.op} of ${journal.family} is running in ${folder.dir} (process ${journal.pid}); recovery leaves it alone.`);
    }
    if (owner === 'other_host') {
      return refuse(
        'operation_in_progress',
        `The interrupted ${journal.op} of ${journal.family} in ${folder.dir} was started on ${journal.host}. Recover it there, or, if nothing runs there, recover here with "assume stale".`,
      );
    }
  }

  const confined = await confinePaths(folder, [
    ...journal.backups.flatMap((b) => [b.path, b.backup]),
    ...journal.writes.flatMap((w) => [w.dest, w.source, w.temp]),
    ...journal.moves.flatMap((m) => [m.path, m.to, m.temp]),
  ]);
  if (confined) return confined;

  const now = options.now ?? Date.now;
  const ctx: TxContext = { folder, journal, hooks: options.hooks, now, seen: new Map(), recovering: true };
  const backupDirAbs = join(folder.dirReal, ...journal.backupDir.split('/'));
  const what = `The ${journal.op} of ${journal.family} interrupted on ${journal.createdAt}`;
  const base = { op: journal.op, family: journal.family, backupDir: backupDirAbs };
  try {
    const settlement = await settle(ctx, 'forward');
    // A crash between publishing the journal and dropping its temp name leaves that temp behind.
    await removeJournalTemps(folder.dirReal, [`journal.json.${journal.id}.tmp`]);
    await ctx.hooks?.afterStep?.('recover.settled');
    switch (settlement.kind) {
      case 'completed':
        return { kind: 'ok', action: 'completed', ...base, auditEntry: settlement.entry, message: `${what} was completed: ${describeFiles(journal)}. What was replaced is in ${journal.backupDir}.` };
      case 'reverted':
        return {
          kind: 'ok',
          action: 'reverted',
          ...base,
          message: `${what} was undone: ${describeNames(journal)} ${namesCount(journal) === 1 ? 'holds its' : 'hold their'} bytes from before again. Nothing was lost; review the family and retry if you still want it.`,
        };
      case 'set_aside': {
        const kept = await setJournalAside(folder.dirReal, journal);
        return {
          kind: 'ok',
          action: 'set_aside',
          ...base,
          message: `${what} could not be settled: ${list(settlement.foreign)} changed after it stopped (a program wrote ${settlement.foreign.length === 1 ? 'it' : 'them'}). Checkpoint Doctor left every file as it is; the bytes from before are in ${journal.backupDir} and the journal is kept as ${kept}.`,
        };
      }
      case 'stuck':
        return {
          kind: 'failed',
          code: 'verify_failed',
          message: `${what} can be neither finished nor undone: ${settlement.reason}. The journal is kept; check ${journal.backupDir} and the files it names.`,
          state: diskStateOf(ctx, settlement.inspection, true),
        };
    }
  } catch (error) {
    const failure = asOperationError(error, journal.backupDir);
    let state;
    try {
      state = diskStateOf(ctx, await inspect(ctx), true);
    } catch {
      state = { generation: 'mixed' as const, journalPending: true, backupDir: backupDirAbs, files: [] };
    }
    return { kind: 'failed', code: failure.failure, message: `${what} could not be settled yet: ${failure.message} The journal is kept; recovery runs again on the next start.`, state };
  }
}

function describeFiles(journal: Journal): string {
  if (journal.op === 'quarantine') return `${list(journal.moves.map((m) => m.path))} ${journal.moves.length === 1 ? 'is' : 'are'} in the trash`;
  const many = journal.writes.length !== 1;
  return `${list(journal.writes.map((w) => w.dest))} now hold${many ? '' : 's'} the bytes of ${list(journal.writes.map((w) => w.source))}`;
}

function names(journal: Journal): string[] {
  return [...journal.writes.map((w) => w.dest), ...journal.moves.map((m) => m.path)];
}

function describeNames(journal: Journal): string {
  return list(names(journal));
}

function namesCount(journal: Journal): number {
  return names(journal).length;
}
