/**
 * The audit log: `.ckpt-doctor/audit.jsonl` in a family's folder, one JSON line per completed
 * rollback, undo or quarantine, appended and fsynced, never rewritten. It is the history panel's
 * source and what `undoLast` restores from. A crash can tear the last line; readers skip any line
 * that does not parse instead of failing the whole history.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { appendLineDurable, errnoCode } from './durable-fs';
import { STATE_DIR_NAME, isSha256 } from './member-path';
import type { AuditEntry } from './types';

/** Version tag of an audit line. */
export const AUDIT_FORMAT = 'ckpt-doctor-audit/1';

const sha = z.string().refine(isSha256, 'not a sha256');
const auditEntrySchema = z.object({
  format: z.literal(AUDIT_FORMAT),
  id: z.string().min(1),
  when: z.string(),
  family: z.string(),
  op: z.enum(['rollback', 'undo', 'quarantine']),
  from: z.array(z.object({ path: z.string(), sha256: sha })),
  to: z.array(z.object({ path: z.string(), sha256: sha })),
  backupDir: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      before: sha.nullable(),
      after: sha.nullable(),
      backup: z.string().nullable(),
      source: z.string().nullable(),
      mtimeMs: z.number().nullable(),
    }),
  ),
  undoes: z.string().optional(),
  recovered: z.boolean().optional(),
  dirMtimes: z.record(z.string(), z.number()).optional(),
});

/** Absolute path of the audit log of a family's folder. */
export function auditLogPath(dir: string): string {
  return join(dir, STATE_DIR_NAME, 'audit.jsonl');
}

/** Every readable entry of a folder's audit log, oldest first; a torn or foreign line is skipped. */
export async function readHistory(dir: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(auditLogPath(dir), 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  const entries: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = auditEntrySchema.safeParse(data);
    if (parsed.success) entries.push(parsed.data as AuditEntry);
  }
  return entries;
}

/** Append one entry to a folder's audit log, durably. */
export async function appendAuditEntry(dir: string, entry: AuditEntry): Promise<void> {
  await appendLineDurable(auditLogPath(dir), JSON.stringify(entry));
}

/**
 * What our own operations last wrote, so the quiet period does not mistake Checkpoint Doctor's
 * rename for a job's write (an undo right after a rollback must not be refused).
 */
export interface OwnWrites {
  /** path → mtimes our operations left on it. */
  readonly files: ReadonlyMap<string, ReadonlySet<number>>;
  /** relative folder (`''` is the family's folder) → mtimes our operations left on it. */
  readonly dirs: ReadonlyMap<string, ReadonlySet<number>>;
}

/** Collect the mtimes our completed operations recorded. */
export function ownWritesOf(entries: readonly AuditEntry[]): OwnWrites {
  const files = new Map<string, Set<number>>();
  const dirs = new Map<string, Set<number>>();
  const add = (map: Map<string, Set<number>>, key: string, value: number) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
  };
  for (const entry of entries) {
    for (const f of entry.files) if (f.mtimeMs !== null) add(files, f.path, f.mtimeMs);
    for (const [dir, mtime] of Object.entries(entry.dirMtimes ?? {})) add(dirs, dir, mtime);
  }
  return { files, dirs };
}
