/**
 * The journal: `.ckpt-doctor/journal.json` in a family's folder, written before the first change
 * and removed after the last. It lists every copy, write and move of one operation with the
 * hashes expected before and after, so that after a crash `recoverPending` can tell from the
 * bytes on disk how far the operation got and finish or undo it.
 *
 * It is created exclusively (a hard link that fails if a journal exists), so two Checkpoint
 * Doctors (the app and the CLI) cannot run operations in one folder at once. Its contents are
 * re-validated when read: it is a file on disk that anything could have edited.
 */
import { hostname } from 'node:os';
import { join, posix } from 'node:path';
import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { errnoCode, fsyncDir, linkExclusive, unlinkIfPresent, writeNewFile } from './durable-fs';
import { STATE_DIR_NAME, isSha256, memberPathProblem, trashPathProblem } from './member-path';
import type { AuditOp, ReviewedFile } from './types';

/** Version tag of the journal file. */
export const JOURNAL_FORMAT = 'ckpt-doctor-journal/1';

/** Copy `path` (holding `sha256`) to `backup` in the trash. */
export interface JournalBackup {
  readonly path: string;
  readonly sha256: string;
  readonly backup: string;
}

/** Write the bytes of `source` (holding `sourceSha256`) to `dest`, which holds `before` (null: does not exist). */
export interface JournalWrite {
  readonly dest: string;
  readonly source: string;
  readonly sourceSha256: string;
  readonly before: string | null;
  /** Our temp file next to `dest`; removed by recovery, never a user's file. */
  readonly temp: string;
}

/** Rename `path` (holding `sha256`) to `to` in the trash, over its verified copy. */
export interface JournalMove {
  readonly path: string;
  readonly sha256: string;
  readonly to: string;
  /** Our temp file next to `path`, used only when a move is undone. */
  readonly temp: string;
}

/** The whole journal. Backups run first, then writes, then moves. */
export interface Journal {
  readonly format: typeof JOURNAL_FORMAT;
  readonly id: string;
  readonly op: AuditOp;
  readonly family: string;
  readonly createdAt: string;
  /** Who runs the operation, so a live one is not "recovered" under its feet. */
  readonly pid: number;
  readonly host: string;
  readonly bootId: string | null;
  /** Trash folder of this operation, relative to the family's folder. */
  readonly backupDir: string;
  readonly backups: readonly JournalBackup[];
  readonly writes: readonly JournalWrite[];
  readonly moves: readonly JournalMove[];
  readonly from: readonly ReviewedFile[];
  readonly to: readonly ReviewedFile[];
  readonly undoes?: string;
}

const sha = z.string().refine(isSha256, 'not a sha256');
const reviewed = z.object({ path: z.string(), sha256: sha });
const journalSchema = z.object({
  format: z.literal(JOURNAL_FORMAT),
  id: z.string().regex(/^[0-9a-zA-Z-]{8,64}$/),
  op: z.enum(['rollback', 'undo', 'quarantine']),
  family: z.string().min(1),
  createdAt: z.string(),
  pid: z.number().int(),
  host: z.string(),
  bootId: z.string().nullable(),
  backupDir: z.string(),
  backups: z.array(z.object({ path: z.string(), sha256: sha, backup: z.string() })),
  writes: z.array(z.object({ dest: z.string(), source: z.string(), sourceSha256: sha, before: sha.nullable(), temp: z.string() })),
  moves: z.array(z.object({ path: z.string(), sha256: sha, to: z.string(), temp: z.string() })),
  from: z.array(reviewed),
  to: z.array(reviewed),
  undoes: z.string().optional(),
});

/** Absolute path of the journal of a family's folder. */
export function journalPath(dirReal: string): string {
  return join(dirReal, STATE_DIR_NAME, 'journal.json');
}

/** Our temp name for `dest`: hidden, next to it, recognisably ours, unique per operation. */
export function tempNameFor(dest: string, journalId: string): string {
  const dir = posix.dirname(dest);
  const name = `.${posix.basename(dest)}.ckpt-doctor-${journalId.slice(0, 8)}.tmp`;
  return dir === '.' ? name : `${dir}/${name}`;
}

/** True for a file name this module uses for its temp files. */
export function isOurTempName(name: string): boolean {
  return /\.ckpt-doctor-[0-9a-zA-Z]{1,16}\.tmp$/.test(name) || name.endsWith('.ckpt-doctor-partial');
}

/** Why a parsed journal cannot be trusted, or null when every path and cross-reference checks out. */
export function journalProblem(journal: Journal): string | null {
  const inTrash = (p: string) => p === journal.backupDir || p.startsWith(`${journal.backupDir}/`);
  if (trashPathProblem(journal.backupDir)) return `its trash folder ${journal.backupDir} ${trashPathProblem(journal.backupDir)}`;
  const backupsByPath = new Map<string, JournalBackup>();
  for (const b of journal.backups) {
    const problem = memberPathProblem(b.path) ?? trashPathProblem(b.backup);
    if (problem) return `a backup path ${problem}`;
    if (!inTrash(b.backup)) return `the backup ${b.backup} is outside the operation's trash folder`;
    if (backupsByPath.has(b.path)) return `${b.path} is backed up twice`;
    backupsByPath.set(b.path, b);
  }
  const dests = new Set<string>();
  for (const w of journal.writes) {
    const problem = memberPathProblem(w.dest) ?? (memberPathProblem(w.source) && trashPathProblem(w.source)) ?? memberPathProblem(w.temp);
    if (problem) return `a write path ${problem}`;
    if (posix.dirname(w.temp) !== posix.dirname(w.dest) || !isOurTempName(posix.basename(w.temp))) return `the temp file ${w.temp} is not one of ours`;
    if (dests.has(w.dest)) return `${w.dest} is written twice`;
    dests.add(w.dest);
    if (w.before !== null) {
      const backup = backupsByPath.get(w.dest);
      if (!backup || backup.sha256 !== w.before) return `${w.dest} is replaced without a backup of the bytes it held`;
    }
  }
  for (const m of journal.moves) {
    const problem = memberPathProblem(m.path) ?? trashPathProblem(m.to) ?? memberPathProblem(m.temp);
    if (problem) return `a move path ${problem}`;
    if (posix.dirname(m.temp) !== posix.dirname(m.path) || !isOurTempName(posix.basename(m.temp))) return `the temp file ${m.temp} is not one of ours`;
    const backup = backupsByPath.get(m.path);
    if (!backup || backup.backup !== m.to || backup.sha256 !== m.sha256) return `${m.path} is moved without a verified copy in the trash`;
    if (dests.has(m.path)) return `${m.path} is both written and moved`;
  }
  return null;
}

/** What `readJournal` found. */
export type JournalRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly journal: Journal }
  | { readonly kind: 'unreadable'; readonly reason: string };

/** Read and validate the journal of a family's folder. */
export async function readJournal(dirReal: string): Promise<JournalRead> {
  let text: string;
  try {
    text = await readFile(journalPath(dirReal), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', reason: `it could not be read (${errnoCode(error) ?? String(error)})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'it is not valid JSON' };
  }
  const parsed = journalSchema.safeParse(data);
  if (!parsed.success) return { kind: 'unreadable', reason: `it does not have the shape Checkpoint Doctor writes (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  const journal = parsed.data as Journal;
  const problem = journalProblem(journal);
  if (problem) return { kind: 'unreadable', reason: problem };
  return { kind: 'ok', journal };
}

/** True when a journal file exists in the folder (valid or not). */
export async function journalExists(dirReal: string): Promise<boolean> {
  return (await readJournal(dirReal)).kind !== 'none';
}

/**
 * Write the journal atomically and exclusively: temp file, fsync, hard link to `journal.json`
 * (fails if one exists), fsync the folder. Returns false when another journal got there first.
 */
export async function createJournal(dirReal: string, journal: Journal): Promise<boolean> {
  const target = journalPath(dirReal);
  const temp = `${target}.${journal.id}.tmp`;
  await writeNewFile(temp, `${JSON.stringify(journal, null, 2)}\n`);
  let created: boolean;
  try {
    created = await linkExclusive(temp, target);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') {
      await unlinkIfPresent(temp);
      throw error;
    }
    // File systems without hard links (FAT, some network shares): a check-then-rename is the best left.
    if (await journalExists(dirReal)) created = false;
    else {
      await rename(temp, target);
      created = true;
    }
  }
  if (!created) await unlinkIfPresent(temp);
  await fsyncDir(join(dirReal, STATE_DIR_NAME));
  return created;
}

/** Remove the journal once the operation is settled (the journal is ours, not user data). */
export async function removeJournal(dirReal: string): Promise<void> {
  await unlinkIfPresent(journalPath(dirReal));
  await fsyncDir(join(dirReal, STATE_DIR_NAME));
}

/** Keep a journal that could not be settled under another name, for a person to read; returns that name. */
export async function setJournalAside(dirReal: string, journal: Journal): Promise<string> {
  const name = `journal-${journal.id}.set-aside.json`;
  await rename(journalPath(dirReal), join(dirReal, STATE_DIR_NAME, name));
  await fsyncDir(join(dirReal, STATE_DIR_NAME));
  return `${STATE_DIR_NAME}/${name}`;
}

/** Remove temp files a crashed creation of a journal may have left (they are ours). */
export async function removeJournalTemps(dirReal: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    if (/^journal\.json\.[0-9a-zA-Z-]{8,64}\.tmp$/.test(name)) await unlinkIfPresent(join(dirReal, STATE_DIR_NAME, name));
  }
}

/** Identity of this process, recorded in journals. */
export async function processIdentity(): Promise<{ pid: number; host: string; bootId: string | null }> {
  return { pid: process.pid, host: hostname(), bootId: await readBootId() };
}

/** Linux boot id: a journal from before a reboot cannot belong to a live process, whatever its pid. */
export async function readBootId(): Promise<string | null> {
  try {
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim() || null;
  } catch {
    return null;
  }
}
