/**
 * Applying a journal: the one place that changes a family's files, used by a fresh rollback,
 * quarantine or undo, and by recovery after a crash.
 *
 * Invariants, which hold at every instant, including when the process is killed between any two
 * system calls:
 * - Nothing of the user's is deleted or truncated in place. Current bytes are copied to the
 *   trash (fsynced, read back and hashed) before any name is replaced; a name is replaced only by
 *   an atomic rename of a complete, fsynced, verified temp file in the same folder; a quarantined
 *   file is renamed over its own verified copy in the trash.
 * - Every destination therefore holds either its old bytes or its new bytes, never a mix, and
 *   whenever the old bytes are gone from a name, a verified copy of them is in the trash.
 * - Each step first looks at what is on disk (by hash) and does only what is missing, so running
 *   a journal again after a crash, forward or backward, is always safe.
 * - A file holding bytes the journal does not expect (a job wrote it) is never overwritten: the
 *   operation stops and that file is left as the job wrote it.
 * - The audit line is appended only when every change is in place, and at most once per journal
 *   id; the journal is removed last.
 */
import { lstat, rename, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { appendAuditEntry, AUDIT_FORMAT, readHistory } from './audit-log';
import {
  copyIntoNewFile,
  errnoCode,
  fsyncDir,
  hashFile,
  hashIfPresent,
  linkExclusive,
  mkdirDurable,
  renameDurable,
  sameSignature,
  signatureOf,
  unlinkIfPresent,
  type StatSignature,
} from './durable-fs';
import type { FamilyFolder } from './folder-access';
import { removeJournal, type Journal, type JournalBackup, type JournalMove, type JournalWrite } from './journal';
import type { AuditEntry, AuditFile, DiskState, FailureCode, FileHolding, StepHooks } from './types';

/** Everything a journal run needs. */
export interface TxContext {
  readonly folder: FamilyFolder;
  readonly journal: Journal;
  readonly hooks: StepHooks | undefined;
  readonly now: () => number;
  /** File states seen while copying them to the trash; lets a fresh run skip re-hashing a destination. */
  readonly seen: Map<string, StatSignature>;
  /** True when recovery runs the journal (marked in the audit entry). */
  readonly recovering: boolean;
}

/** Why a run stopped, with the file it is about. */
export class OperationError extends Error {
  readonly failure: FailureCode;
  readonly path: string;

  constructor(failure: FailureCode, path: string, message: string) {
    super(message);
    this.name = 'OperationError';
    this.failure = failure;
    this.path = path;
  }
}

/** Absolute path of a journal path. */
export function absolute(ctx: TxContext, path: string): string {
  return join(ctx.folder.dirReal, ...path.split('/'));
}

async function step(ctx: TxContext, name: string): Promise<void> {
  await ctx.hooks?.afterStep?.(name);
}

function changed(path: string, detail: string): OperationError {
  return new OperationError(
    'changed_during_operation',
    path,
    `${path} changed while the operation ran (${detail}): a program is writing to the family. Stop the job, review again and retry.`,
  );
}

/** Wrap an error from the file system into an OperationError naming the file. */
export function asOperationError(error: unknown, path: string): OperationError {
  if (error instanceof OperationError) return error;
  const code = errnoCode(error);
  if (code === 'ENOENT') return changed(path, 'it disappeared');
  const what = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'the disk is read-only' : (code ?? String(error));
  return new OperationError('io_error', path, `Could not write next to ${path}: ${what}.`);
}

// --- What is on disk ------------------------------------------------------------------------

/** What a write's destination holds: its bytes from before, the source's bytes, or something else. */
export async function writeHolds(ctx: TxContext, w: JournalWrite): Promise<'before' | 'after' | 'other'> {
  const seen = ctx.seen.get(w.dest);
  if (seen && w.before !== null) {
    try {
      if (sameSignature(seen, signatureOf(await lstat(absolute(ctx, w.dest))))) return 'before';
    } catch {
      // Fall through to hashing, which reports a missing file properly.
    }
  }
  const hash = await hashIfPresent(absolute(ctx, w.dest));
  if (hash === null) return w.before === null ? 'before' : 'other';
  if (hash === w.sourceSha256) return 'after';
  if (hash === w.before) return 'before';
  return 'other';
}

/** Where a quarantined file is: still at its name, moved into the trash, or neither as expected. */
export async function moveHolds(ctx: TxContext, m: JournalMove): Promise<'before' | 'after' | 'other'> {
  const seen = ctx.seen.get(m.path);
  if (seen) {
    try {
      if (sameSignature(seen, signatureOf(await lstat(absolute(ctx, m.path))))) return 'before';
    } catch {
      // Hash below.
    }
  }
  const hash = await hashIfPresent(absolute(ctx, m.path));
  if (hash === m.sha256) return 'before';
  if (hash === null && (await hashIfPresent(absolute(ctx, m.to))) === m.sha256) return 'after';
  return 'other';
}

/** True when a backup is in place with the bytes it must hold. */
export async function backupComplete(ctx: TxContext, b: JournalBackup): Promise<boolean> {
  return (await hashIfPresent(absolute(ctx, b.backup))) === b.sha256;
}

/** Everything recovery needs to decide which way to settle a journal. */
export interface Inspection {
  readonly backups: readonly { readonly entry: JournalBackup; readonly complete: boolean }[];
  readonly writes: readonly { readonly entry: JournalWrite; readonly holds: 'before' | 'after' | 'other'; readonly sourceIntact: boolean }[];
  readonly moves: readonly { readonly entry: JournalMove; readonly holds: 'before' | 'after' | 'other' }[];
  readonly audited: AuditEntry | null;
}

/** Look at every file the journal names. */
export async function inspect(ctx: TxContext): Promise<Inspection> {
  const backups = [];
  for (const entry of ctx.journal.backups) backups.push({ entry, complete: await backupComplete(ctx, entry) });
  const writes = [];
  for (const entry of ctx.journal.writes) {
    const holds = await writeHolds(ctx, entry);
    // Only a destination still to be written needs its source.
    const sourceIntact = holds === 'before' ? (await hashIfPresent(absolute(ctx, entry.source))) === entry.sourceSha256 : true;
    writes.push({ entry, holds, sourceIntact });
  }
  const moves = [];
  for (const entry of ctx.journal.moves) moves.push({ entry, holds: await moveHolds(ctx, entry) });
  const audited = (await readHistory(ctx.folder.dirReal)).find((e) => e.id === ctx.journal.id) ?? null;
  return { backups, writes, moves, audited };
}

/** Describe the disk for a failure result. */
export function diskStateOf(ctx: TxContext, inspection: Inspection, journalPending: boolean): DiskState {
  const toHolding = (holds: 'before' | 'after' | 'other', present: boolean): FileHolding =>
    holds === 'before' ? 'old' : holds === 'after' ? 'new' : present ? 'other' : 'missing';
  const files = [
    ...inspection.writes.map((w) => ({ path: w.entry.dest, holds: toHolding(w.holds, true) })),
    ...inspection.moves.map((m) => ({ path: m.entry.path, holds: toHolding(m.holds, true) })),
  ];
  const generation = files.every((f) => f.holds === 'old') ? 'old' : files.every((f) => f.holds === 'new') ? 'new' : 'mixed';
  const anyBackup = inspection.backups.some((b) => b.complete);
  return { generation, journalPending, backupDir: anyBackup ? absolute(ctx, ctx.journal.backupDir) : null, files };
}

// --- Forward ----------------------------------------------------------------------------------

/** Run (or finish) a journal forward: backups, writes, moves, audit line, journal removal. */
export async function runForward(ctx: TxContext): Promise<AuditEntry> {
  for (const b of ctx.journal.backups) await ensureBackup(ctx, b);
  for (const w of ctx.journal.writes) await ensureWrite(ctx, w);
  for (const m of ctx.journal.moves) await ensureMove(ctx, m);
  const entry = await ensureAudit(ctx);
  await removeJournal(ctx.folder.dirReal);
  await step(ctx, 'journal.removed');
  return entry;
}

async function ensureBackup(ctx: TxContext, b: JournalBackup): Promise<void> {
  const backupAbs = absolute(ctx, b.backup);
  const existing = await hashIfPresent(backupAbs);
  if (existing === b.sha256) return;
  if (existing !== null) throw new OperationError('verify_failed', b.backup, `${b.backup} already exists with other bytes; Checkpoint Doctor will not overwrite anything in its trash.`);
  const partial = `${backupAbs}.ckpt-doctor-partial`;
  try {
    await mkdirDurable(dirname(backupAbs));
    await unlinkIfPresent(partial);
    const sourceAbs = absolute(ctx, b.path);
    const copy = await copyIntoNewFile(sourceAbs, partial, (await stat(sourceAbs)).mode);
    if (copy.sha256 !== b.sha256 || !sameSignature(copy.sourceBefore, copy.sourceAfter)) {
      await unlinkIfPresent(partial);
      throw changed(b.path, 'its bytes are not the ones reviewed');
    }
    ctx.seen.set(b.path, copy.sourceAfter);
    await step(ctx, `backup.synced:${b.path}`);
    // Read the copy back: the trash copy is the only way back, so it must be proven, not assumed.
    if ((await hashFile(partial)) !== b.sha256) {
      await unlinkIfPresent(partial);
      throw new OperationError('verify_failed', b.path, `The copy of ${b.path} in the trash did not read back with the same bytes; the disk may be failing. Nothing was replaced.`);
    }
    await renameDurable(partial, backupAbs);
  } catch (error) {
    throw asOperationError(error, b.path);
  }
  await step(ctx, `backup.copied:${b.path}`);
}

async function ensureWrite(ctx: TxContext, w: JournalWrite): Promise<void> {
  const holds = await writeHolds(ctx, w);
  if (holds === 'after') return;
  if (holds === 'other') throw changed(w.dest, 'it holds bytes that are neither the old nor the new ones');
  const destAbs = absolute(ctx, w.dest);
  const tempAbs = absolute(ctx, w.temp);
  const sourceAbs = absolute(ctx, w.source);
  try {
    await unlinkIfPresent(tempAbs);
    const mode = await modeFor(destAbs, sourceAbs);
    const copy = await copyIntoNewFile(sourceAbs, tempAbs, mode);
    if (copy.sha256 !== w.sourceSha256) {
      await unlinkIfPresent(tempAbs);
      throw changed(w.source, 'its bytes are not the ones reviewed');
    }
    if ((await hashFile(tempAbs)) !== w.sourceSha256) {
      await unlinkIfPresent(tempAbs);
      throw new OperationError('verify_failed', w.dest, `The new ${w.dest} did not read back with the bytes written; the disk may be failing. ${w.dest} was not replaced.`);
    }
  } catch (error) {
    throw asOperationError(error, w.dest);
  }
  await step(ctx, `write.synced:${w.dest}`);
  // Look again right before replacing: a writer that started after the checks keeps its file.
  const again = await writeHolds(ctx, w);
  if (again !== 'before') {
    await unlinkIfPresent(tempAbs);
    if (again === 'after') return;
    throw changed(w.dest, 'it was rewritten just now');
  }
  try {
    if (w.before === null) {
      if (!(await linkExclusive(tempAbs, destAbs))) {
        await unlinkIfPresent(tempAbs);
        throw changed(w.dest, 'a file of that name appeared');
      }
    } else {
      await rename(tempAbs, destAbs);
    }
  } catch (error) {
    throw asOperationError(error, w.dest);
  }
  await step(ctx, `write.renamed:${w.dest}`);
  await fsyncDir(dirname(destAbs));
  await step(ctx, `write.dir-synced:${w.dest}`);
}

async function ensureMove(ctx: TxContext, m: JournalMove): Promise<void> {
  const holds = await moveHolds(ctx, m);
  if (holds === 'after') return;
  if (holds === 'other') throw changed(m.path, 'its bytes are not the ones reviewed');
  const pathAbs = absolute(ctx, m.path);
  const toAbs = absolute(ctx, m.to);
  try {
    // Over its own verified copy: the trash then keeps the original file (times, mode) as evidence.
    await rename(pathAbs, toAbs);
  } catch (error) {
    throw asOperationError(error, m.path);
  }
  await step(ctx, `move.renamed:${m.path}`);
  await fsyncDir(dirname(pathAbs));
  await fsyncDir(dirname(toAbs));
  await step(ctx, `move.dir-synced:${m.path}`);
}

async function modeFor(destAbs: string, sourceAbs: string): Promise<number> {
  try {
    return (await stat(destAbs)).mode;
  } catch {
    return (await stat(sourceAbs)).mode;
  }
}

async function ensureAudit(ctx: TxContext): Promise<AuditEntry> {
  const existing = (await readHistory(ctx.folder.dirReal)).find((e) => e.id === ctx.journal.id);
  if (existing) return existing;
  const j = ctx.journal;
  const backupOf = new Map(j.backups.map((b) => [b.path, b.backup]));
  const files: AuditFile[] = [];
  const dirs = new Set<string>();
  for (const w of j.writes) {
    files.push({ path: w.dest, before: w.before, after: w.sourceSha256, backup: backupOf.get(w.dest) ?? null, source: w.source, mtimeMs: (await stat(absolute(ctx, w.dest))).mtimeMs });
    dirs.add(folderOf(w.dest));
  }
  for (const m of j.moves) {
    files.push({ path: m.path, before: m.sha256, after: null, backup: m.to, source: null, mtimeMs: null });
    dirs.add(folderOf(m.path));
  }
  const dirMtimes: Record<string, number> = {};
  for (const dir of dirs) dirMtimes[dir] = (await stat(dir === '' ? ctx.folder.dirReal : absolute(ctx, dir))).mtimeMs;
  const entry: AuditEntry = {
    format: AUDIT_FORMAT,
    id: j.id,
    when: new Date(ctx.now()).toISOString(),
    family: j.family,
    op: j.op,
    from: j.from,
    to: j.to,
    backupDir: j.backupDir,
    files,
    ...(j.undoes !== undefined ? { undoes: j.undoes } : {}),
    ...(ctx.recovering ? { recovered: true } : {}),
    dirMtimes,
  };
  await appendAuditEntry(ctx.folder.dirReal, entry);
  await step(ctx, 'audit.appended');
  return entry;
}

function folderOf(path: string): string {
  const dir = posix.dirname(path);
  return dir === '.' ? '' : dir;
}

// --- Backward ---------------------------------------------------------------------------------

/** Undo whatever part of a journal took effect, from its backups, then remove the journal. */
export async function runBackward(ctx: TxContext, inspection: Inspection): Promise<void> {
  const backupOf = new Map(ctx.journal.backups.map((b) => [b.path, b]));
  for (const m of [...inspection.moves].reverse()) {
    if (m.holds === 'after') await restoreMoved(ctx, m.entry);
  }
  for (const w of [...inspection.writes].reverse()) {
    if (w.holds !== 'after') continue;
    if (w.entry.before === null) await setCreatedAside(ctx, w.entry);
    else {
      const backup = backupOf.get(w.entry.dest);
      if (!backup) throw new OperationError('verify_failed', w.entry.dest, `No backup of ${w.entry.dest} is listed; it was left holding the new bytes.`);
      await restoreWritten(ctx, w.entry, backup);
    }
  }
  await removeJournal(ctx.folder.dirReal);
  await step(ctx, 'journal.removed');
}

async function restoreWritten(ctx: TxContext, w: JournalWrite, backup: JournalBackup): Promise<void> {
  const destAbs = absolute(ctx, w.dest);
  const tempAbs = absolute(ctx, w.temp);
  try {
    await unlinkIfPresent(tempAbs);
    const copy = await copyIntoNewFile(absolute(ctx, backup.backup), tempAbs, (await stat(destAbs)).mode);
    if (copy.sha256 !== backup.sha256 || (await hashFile(tempAbs)) !== backup.sha256) {
      await unlinkIfPresent(tempAbs);
      throw new OperationError('verify_failed', w.dest, `The trash copy of ${w.dest} does not hold the bytes recorded; ${w.dest} was left holding the new bytes.`);
    }
  } catch (error) {
    throw asOperationError(error, w.dest);
  }
  await step(ctx, `revert.synced:${w.dest}`);
  if ((await hashIfPresent(destAbs)) !== w.sourceSha256) {
    await unlinkIfPresent(tempAbs);
    throw changed(w.dest, 'it was rewritten just now');
  }
  try {
    await rename(tempAbs, destAbs);
  } catch (error) {
    throw asOperationError(error, w.dest);
  }
  await step(ctx, `revert.renamed:${w.dest}`);
  await fsyncDir(dirname(destAbs));
  await step(ctx, `revert.dir-synced:${w.dest}`);
}

/** A file the operation created is moved into the trash rather than deleted, though its bytes also exist at the source. */
async function setCreatedAside(ctx: TxContext, w: JournalWrite): Promise<void> {
  const asideAbs = absolute(ctx, `${ctx.journal.backupDir}/reverted/${w.dest}`);
  try {
    await mkdirDurable(dirname(asideAbs));
    await rename(absolute(ctx, w.dest), asideAbs);
    await fsyncDir(dirname(absolute(ctx, w.dest)));
    await fsyncDir(dirname(asideAbs));
  } catch (error) {
    throw asOperationError(error, w.dest);
  }
  await step(ctx, `revert.set-aside:${w.dest}`);
}

/** Put a quarantined file back from its trash copy; the copy stays in the trash. */
async function restoreMoved(ctx: TxContext, m: JournalMove): Promise<void> {
  const pathAbs = absolute(ctx, m.path);
  const tempAbs = absolute(ctx, m.temp);
  try {
    await unlinkIfPresent(tempAbs);
    const toAbs = absolute(ctx, m.to);
    const copy = await copyIntoNewFile(toAbs, tempAbs, (await stat(toAbs)).mode);
    if (copy.sha256 !== m.sha256 || (await hashFile(tempAbs)) !== m.sha256) {
      await unlinkIfPresent(tempAbs);
      throw new OperationError('verify_failed', m.path, `The trash copy of ${m.path} does not hold the bytes recorded; it was left in the trash.`);
    }
    if (!(await linkExclusive(tempAbs, pathAbs))) {
      await unlinkIfPresent(tempAbs);
      throw changed(m.path, 'a new file of that name appeared');
    }
    await fsyncDir(dirname(pathAbs));
  } catch (error) {
    throw asOperationError(error, m.path);
  }
  await step(ctx, `revert.restored:${m.path}`);
}

// --- Settling after a crash or a failure ------------------------------------------------------

/** How a journal was settled. */
export type Settlement =
  | { readonly kind: 'completed'; readonly entry: AuditEntry }
  | { readonly kind: 'reverted'; readonly inspection: Inspection }
  | { readonly kind: 'set_aside'; readonly foreign: readonly string[] }
  | { readonly kind: 'stuck'; readonly reason: string; readonly inspection: Inspection };

/** Remove the temp files a run of this journal may have left; all of them are ours. */
export async function removeOwnTemps(ctx: TxContext): Promise<void> {
  for (const w of ctx.journal.writes) await unlinkIfPresent(absolute(ctx, w.temp));
  for (const m of ctx.journal.moves) await unlinkIfPresent(absolute(ctx, m.temp));
  for (const b of ctx.journal.backups) await unlinkIfPresent(`${absolute(ctx, b.backup)}.ckpt-doctor-partial`);
}

/**
 * Bring a journal to an end. `forward` finishes the operation when every backup is complete and
 * every source still holds its bytes (recovery's choice: the person confirmed it); `backward`
 * undoes it (the choice after an in-process failure, which would likely recur). Either falls back
 * to the other direction when it is impossible. Files holding foreign bytes stop both: nothing is
 * touched and the caller sets the journal aside.
 */
export async function settle(ctx: TxContext, prefer: 'forward' | 'backward'): Promise<Settlement> {
  await removeOwnTemps(ctx);
  const inspection = await inspect(ctx);
  // The audit line is written only after every change: the operation is complete, whatever a job wrote since.
  if (inspection.audited !== null) {
    await removeJournal(ctx.folder.dirReal);
    await step(ctx, 'journal.removed');
    return { kind: 'completed', entry: inspection.audited };
  }
  const foreign = [
    ...inspection.writes.filter((w) => w.holds === 'other').map((w) => w.entry.dest),
    ...inspection.moves.filter((m) => m.holds === 'other').map((m) => m.entry.path),
  ];
  if (foreign.length > 0) return { kind: 'set_aside', foreign };

  const backupsComplete = inspection.backups.every((b) => b.complete);
  const canForward = backupsComplete && inspection.writes.every((w) => w.holds === 'after' || w.sourceIntact);
  const completeBackup = new Map(inspection.backups.map((b) => [b.entry.path, b.complete]));
  const canBackward =
    inspection.writes.every((w) => w.holds !== 'after' || w.entry.before === null || completeBackup.get(w.entry.dest) === true) &&
    inspection.moves.every((m) => m.holds !== 'after' || completeBackup.get(m.entry.path) === true);

  const direction = prefer === 'forward' ? (canForward ? 'forward' : canBackward ? 'backward' : null) : canBackward ? 'backward' : canForward ? 'forward' : null;
  if (direction === 'forward') return { kind: 'completed', entry: await runForward(ctx) };
  if (direction === 'backward') {
    await runBackward(ctx, inspection);
    return { kind: 'reverted', inspection };
  }
  return {
    kind: 'stuck',
    reason: 'some copies in the trash are incomplete and a file to restore from no longer holds the recorded bytes',
    inspection,
  };
}
