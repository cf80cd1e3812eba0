/**
 * Undo, the VS Code way: additive. Undoing an entry of the audit log puts back the bytes it
 * replaced, from its trash folder, through the same journaled protocol as a rollback, so the undo
 * is itself crash-safe, recorded as a new audit entry and undoable. What the undo replaces goes to
 * a new trash folder; nothing is erased.
 *
 * An undo is refused when a file changed after the operation it undoes (a job wrote a newer
 * checkpoint): putting the old bytes back would destroy that newer work, and the person should
 * look first.
 */
import { readHistory } from './audit-log';
import { list } from './execute-rollback';
import { refuse, resolveFamilyFolder } from './folder-access';
import { lockFolder } from './folder-lock';
import { tempNameFor } from './journal';
import { memberPathProblem, trashPathProblem } from './member-path';
import { runOperation, type OperationRead, type OperationSpec } from './run-operation';
import type { AuditEntry, UndoOptions, UndoResult } from './types';

/** Undo the last operation in a family's folder (or the entry `options.entryId`). Never throws. */
export async function undoLast(dir: string, options: UndoOptions): Promise<UndoResult> {
  const resolved = await resolveFamilyFolder(dir, options.roots);
  if (resolved.kind === 'refused') return resolved;
  const { folder } = resolved;
  const release = lockFolder(folder.dirReal);
  if (!release) return refuse('operation_in_progress', `Another operation is running in ${dir}; wait for it to finish, then retry.`);
  try {
    const history = await readHistory(folder.dirReal);
    const candidates = options.family === undefined ? history : history.filter((e) => e.family === options.family);
    const entry = options.entryId === undefined ? candidates[candidates.length - 1] : candidates.find((e) => e.id === options.entryId);
    if (!entry) {
      const what = options.entryId !== undefined ? `No operation ${options.entryId} is recorded` : 'No rollback, undo or quarantine is recorded';
      return refuse('nothing_to_undo', `${what} in ${dir}${options.family !== undefined ? ` for ${options.family}` : ''}, so there is nothing to undo.`);
    }
    const invalid = entryProblem(entry);
    if (invalid) return refuse('bad_plan', `The recorded ${entry.op} from ${entry.when} cannot be undone safely: ${invalid}.`);
    return await runOperation(folder, undoSpec(entry), options);
  } finally {
    release();
  }
}

/** Why an audit entry (a file anything could edit) cannot drive an undo, or null. */
function entryProblem(entry: AuditEntry): string | null {
  if (entry.files.length === 0) return 'it records no files';
  const seen = new Set<string>();
  for (const f of entry.files) {
    const problem = memberPathProblem(f.path);
    if (problem) return `the path ${JSON.stringify(f.path)} ${problem}`;
    if (seen.has(f.path)) return `${f.path} is recorded twice`;
    seen.add(f.path);
    if (f.before === null && f.after === null) return `${f.path} records neither old nor new bytes`;
    if (f.before !== null) {
      if (f.backup === null) return `no backup of ${f.path} is recorded`;
      const backupProblem = trashPathProblem(f.backup);
      if (backupProblem) return `the backup of ${f.path} ${backupProblem}`;
    }
  }
  return null;
}

function undoSpec(entry: AuditEntry): OperationSpec {
  const when = entry.when;
  const changedSince = (path: string) =>
    refuse(
      'changed_since_operation',
      `${path} changed after the ${entry.op} of ${when}: a program wrote a newer file there. Undoing would overwrite it, so nothing was written; review the family and roll back to a chosen generation instead.`,
    );
  const reads: OperationRead[] = [];
  for (const f of entry.files) {
    if (f.after !== null) {
      reads.push({ path: f.path, sha256: f.after, use: 'replace', onProblem: () => changedSince(f.path) });
    } else {
      reads.push({ path: f.path, sha256: null, use: 'absent', onProblem: () => changedSince(f.path) });
    }
    if (f.before !== null && f.backup !== null) {
      reads.push({
        path: f.backup,
        sha256: f.before,
        use: 'read',
        inTrash: true,
        onProblem: (refusal) =>
          refusal.code === 'outside_roots' || refusal.code === 'bad_path'
            ? refusal
            : refuse('backup_missing', `The copy of ${f.path} kept by the ${entry.op} of ${when} (${f.backup}) is missing or no longer holds the recorded bytes, so it cannot be put back. Nothing was written.`),
      });
    }
  }
  return {
    op: 'undo',
    family: entry.family,
    reads,
    quietPaths: entry.files.map((f) => f.path),
    build: (id, backupDir) => ({
      // What the undo replaces goes to its own trash folder first, so the undo can be undone.
      backups: entry.files.filter((f) => f.after !== null).map((f) => ({ path: f.path, sha256: f.after as string, backup: `${backupDir}/${f.path}` })),
      writes: entry.files
        .filter((f) => f.before !== null)
        .map((f) => ({ dest: f.path, source: f.backup as string, sourceSha256: f.before as string, before: f.after, temp: tempNameFor(f.path, id) })),
      // A file the operation created has no "before": undoing moves it into the trash.
      moves: entry.files
        .filter((f) => f.before === null && f.after !== null)
        .map((f) => ({ path: f.path, sha256: f.after as string, to: `${backupDir}/${f.path}`, temp: tempNameFor(f.path, id) })),
      from: entry.files.filter((f) => f.after !== null).map((f) => ({ path: f.path, sha256: f.after as string })),
      to: entry.files.filter((f) => f.before !== null).map((f) => ({ path: f.path, sha256: f.before as string })),
      undoes: entry.id,
    }),
    describe: (done, backupDir) => {
      const paths = entry.files.map((f) => f.path);
      const many = paths.length !== 1;
      return `Undid the ${entry.op} of ${entry.family} from ${when}: ${list(paths)} ${many ? 'are' : 'is'} back as ${many ? 'they were' : 'it was'} before it. What the undo replaced is in ${backupDir}; this undo can itself be undone (entry ${done.id}).`;
    },
  };
}
