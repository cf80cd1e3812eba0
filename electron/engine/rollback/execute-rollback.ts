/**
 * Executing a reviewed plan: a rollback (make the target generation current) or a quarantine
 * (move a broken generation into the trash).
 *
 * Invariants:
 * - A plan is data that may come from the untrusted renderer. It is validated, then re-planned
 *   from its inputs; the steps it carries are never trusted.
 * - Everything is re-checked against the disk at execution: every path resolves (symbolic links
 *   followed) inside a root the person added; every file still hashes to what the person
 *   reviewed ("changed since you reviewed it — review again"); nothing in the family was written
 *   within the quiet period. Any failed check refuses with nothing written.
 * - A journal left by an interrupted operation refuses execution (`journal_pending`) rather than
 *   being recovered implicitly: recovery may itself write, and the person confirmed this plan,
 *   not that. The engine runs `recoverPending` on start and shows its notice; then the person
 *   reviews again.
 * - The file protocol itself (journal first, verified copies to the trash, temp + fsync + rename,
 *   audit line, journal removed) lives in `transaction.ts`; its invariants are stated there.
 */
import { z } from 'zod';
import { refuse, resolveFamilyFolder } from './folder-access';
import { lockFolder } from './folder-lock';
import { tempNameFor } from './journal';
import { planQuarantine, planRollback } from './plan';
import { runOperation, type OperationRead, type OperationSpec } from './run-operation';
import type { ExecuteOptions, OperationPlan, QuarantinePlan, RollbackPlan, RollbackResult } from './types';

const reviewedFile = z.object({ path: z.string(), sha256: z.string() });
const planShape = z.discriminatedUnion('op', [
  z.object({
    format: z.literal('ckpt-doctor-plan/1'),
    op: z.literal('rollback'),
    dir: z.string(),
    familyName: z.string(),
    current: z.array(reviewedFile).max(1000),
    target: z.array(reviewedFile).max(1000),
    mapping: z.array(z.object({ from: z.string(), to: z.string() })).max(1000),
  }),
  z.object({
    format: z.literal('ckpt-doctor-plan/1'),
    op: z.literal('quarantine'),
    dir: z.string(),
    familyName: z.string(),
    generation: z.array(reviewedFile).max(1000),
    current: z.boolean(),
  }),
]);

/** Execute a reviewed rollback or quarantine plan. Never throws; see `RollbackResult`. */
export async function executeRollback(plan: OperationPlan, options: ExecuteOptions): Promise<RollbackResult> {
  const parsed = planShape.safeParse(plan);
  if (!parsed.success) {
    return refuse('bad_plan', `The plan is not one Checkpoint Doctor made (${parsed.error.issues[0]?.message ?? 'invalid'}); review the family again.`);
  }
  const input = parsed.data;
  const planOptions = { isFamilyMember: options.isFamilyMember };
  const fresh: OperationPlan =
    input.op === 'rollback'
      ? planRollback({ dir: input.dir, familyName: input.familyName, current: input.current, target: input.target, mapping: input.mapping }, planOptions)
      : planQuarantine({ dir: input.dir, familyName: input.familyName, generation: input.generation, current: input.current }, planOptions);
  if (fresh.problems.length > 0) {
    const [first, ...rest] = fresh.problems;
    return refuse(first.code, rest.length > 0 ? `${first.message} (${rest.length} more problem${rest.length === 1 ? '' : 's'} in this plan.)` : first.message);
  }

  const resolved = await resolveFamilyFolder(fresh.dir, options.roots);
  if (resolved.kind === 'refused') return resolved;
  const release = lockFolder(resolved.folder.dirReal);
  if (!release) return refuse('operation_in_progress', `Another operation is running in ${fresh.dir}; wait for it to finish, then review again.`);
  try {
    return await runOperation(resolved.folder, fresh.op === 'rollback' ? rollbackSpec(fresh) : quarantineSpec(fresh), options);
  } finally {
    release();
  }
}

/** Execute a reviewed quarantine plan (the same protocol as a rollback). */
export async function executeQuarantine(plan: QuarantinePlan, options: ExecuteOptions): Promise<RollbackResult> {
  return executeRollback(plan, options);
}

function rollbackSpec(plan: RollbackPlan): OperationSpec {
  const currentByPath = new Map(plan.current.map((f) => [f.path, f]));
  const targetByPath = new Map(plan.target.map((f) => [f.path, f]));
  const creates = plan.mapping.filter((m) => !currentByPath.has(m.to)).map((m) => m.to);
  const reads: OperationRead[] = [
    ...plan.current.map((f) => ({ path: f.path, sha256: f.sha256, use: 'replace' as const })),
    ...plan.target.map((f) => ({ path: f.path, sha256: f.sha256, use: 'read' as const })),
    ...creates.map((path) => ({ path, sha256: null, use: 'absent' as const })),
  ];
  return {
    op: 'rollback',
    family: plan.familyName,
    reads,
    quietPaths: [...plan.current.map((f) => f.path), ...plan.target.map((f) => f.path), ...creates],
    build: (id, backupDir) => ({
      backups: plan.current.map((f) => ({ path: f.path, sha256: f.sha256, backup: `${backupDir}/${f.path}` })),
      writes: plan.mapping.map((m) => ({
        dest: m.to,
        source: m.from,
        sourceSha256: (targetByPath.get(m.from) as { sha256: string }).sha256,
        before: currentByPath.get(m.to)?.sha256 ?? null,
        temp: tempNameFor(m.to, id),
      })),
      moves: [],
      from: plan.current,
      to: plan.target,
    }),
    describe: (entry, backupDir) => {
      const dests = entry.files.map((f) => f.path);
      const sources = entry.files.map((f) => f.source ?? '?');
      const many = dests.length !== 1;
      return `Rolled ${entry.family} back: ${list(dests)} now hold${many ? '' : 's'} the bytes of ${list(sources)}. What ${many ? 'they' : 'it'} held before is in ${backupDir}; undo puts it back.`;
    },
  };
}

function quarantineSpec(plan: QuarantinePlan): OperationSpec {
  return {
    op: 'quarantine',
    family: plan.familyName,
    reads: plan.generation.map((f) => ({ path: f.path, sha256: f.sha256, use: 'replace' as const })),
    quietPaths: plan.generation.map((f) => f.path),
    build: (id, backupDir) => ({
      backups: plan.generation.map((f) => ({ path: f.path, sha256: f.sha256, backup: `${backupDir}/${f.path}` })),
      writes: [],
      moves: plan.generation.map((f) => ({ path: f.path, sha256: f.sha256, to: `${backupDir}/${f.path}`, temp: tempNameFor(f.path, id) })),
      from: plan.generation,
      to: [],
    }),
    describe: (entry, backupDir) => {
      const paths = entry.files.map((f) => f.path);
      const many = paths.length !== 1;
      return `Moved ${list(paths)} of ${entry.family} into ${backupDir}; a resume loop no longer finds ${many ? 'them' : 'it'}, and the bytes are kept there. Undo puts ${many ? 'them' : 'it'} back.`;
    },
  };
}

/** "a", "a and b", "a, b and c". */
export function list(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'nothing';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
