/**
 * The engine's rollback service: turns the ids a client sends into plans the rollback module can
 * run, keeps each reviewed plan behind a token, and runs it only after the person confirmed it.
 *
 * Invariants:
 * - The client never supplies a path that is written: families and generations are looked up by
 *   id in the engine's own discovery, the family's folder comes from there, and the only paths in
 *   a plan are member paths discovery found (plus names this service derived for members the
 *   current generation lacks). Membership is checked with a rule built from discovery, and every
 *   write is confined to the added roots by the rollback module, which also re-validates the plan.
 * - What the dialog shows is what is checked: the sha256 of every member is computed from disk at
 *   planning time, compared with the hash the health verdict was computed on, and re-checked by
 *   the rollback module right before writing ("changed since you reviewed it").
 * - A risky plan (target not healthy, other schema version, members left mixed) runs only with
 *   the family name typed; a plan with blockers never runs.
 * - After every operation the roots are rescanned, so the family view shows what is current now.
 * - Interrupted operations (a journal left by a crash) are settled on start and whenever a root
 *   is added, and the outcome is told to the person as a notice.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type {
  ExecuteRequest,
  HistoryEntry,
  OperationOutcome,
  PlanBlocker,
  PlanDiff,
  PlanSide,
  PlanView,
  PlanWarning,
  QuarantinePlanView,
  RollbackPlanView,
} from '../../shared/api/rollback-contract';
import { decodeFile } from '../../shared/checks/analyze-file';
import { diffValues } from '../../shared/diff/diff-values';
import type { FamilySummary, GenerationSummary, MemberSummary, WorkspaceSnapshot } from '../../shared/model/workspace';
import { EngineError, isEngineError } from './engine-error';
import { isInside, resolveInsideRoots, type RootRef } from './path-guard';
import {
  DEFAULT_QUIET_PERIOD_MS,
  executeQuarantine,
  executeRollback,
  findPendingJournals,
  planQuarantine,
  planRollback,
  readHistory,
  recoverPending,
  undoLast,
  type AuditEntry,
  type MemberMapping,
  type OperationPlan,
  type OperationResult,
} from './rollback';
import { ownWritesOf } from './rollback/audit-log';
import { hashFile } from './rollback/durable-fs';
import { describeRecentWrite, findRecentWrite } from './rollback/quiet-period';

/** Main members above this size are not decoded for the dialog's diff summary (it runs on the engine's thread). */
export const MAX_DIFF_BYTES = 8 * 1024 * 1024;

/** Plans kept at once; older ones are forgotten (the dialog then says "review again"). */
const MAX_PLANS = 64;

/** The variable that sets the quiet period (ms) for serve mode, the CLI and the app. */
export const QUIET_PERIOD_ENV = 'CKPT_DOCTOR_QUIET_PERIOD_MS';

/** The quiet period from the environment, or undefined when unset or not a whole number of ms. */
export function quietPeriodFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[QUIET_PERIOD_ENV];
  if (text === undefined || !/^\d{1,9}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** What the service needs from the engine. */
export interface RollbackServiceDeps {
  /** The engine's current view of the workspace (families, generations, hashes). */
  readonly snapshot: () => WorkspaceSnapshot;
  /** The added folders, as added and as resolved. */
  readonly roots: () => readonly RootRef[];
  /** Rescan every root (incrementally) and resolve when the snapshot shows the result. */
  readonly refresh: () => Promise<void>;
  /** Tell the person something (a recovery on start). */
  readonly notice: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** No write in the family may be newer than this (default 10 s). */
  readonly quietPeriodMs?: number;
  readonly now?: () => number;
}

/** One outcome of settling interrupted operations under a root. */
export interface RecoveryReport {
  readonly dir: string;
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

/** The service, as the engine exposes it. */
export interface RollbackService {
  planRollback(familyId: string, targetGenerationId: string): Promise<PlanView>;
  planQuarantine(generationId: string): Promise<PlanView>;
  executeRollback(request: ExecuteRequest): Promise<OperationOutcome>;
  executeQuarantine(request: ExecuteRequest): Promise<OperationOutcome>;
  undoLast(familyDir: string, entryId?: string): Promise<OperationOutcome>;
  getHistory(folder: string): Promise<HistoryEntry[]>;
  /** Settle journals left by interrupted operations under `rootPaths`; each outcome is also a notice. */
  recoverUnder(rootPaths: readonly string[]): Promise<RecoveryReport[]>;
  readonly quietPeriodMs: number;
}

interface StoredPlan {
  readonly view: PlanView;
  readonly plan: OperationPlan;
  /** Names this service derived for target members that have no current counterpart. */
  readonly created: ReadonlySet<string>;
  running: boolean;
}

const HEALTH_WORDS: Readonly<Record<string, string>> = { healthy: 'healthy', warning: 'has warnings', broken: 'broken', unknown: 'of unknown health' };

function refused(code: string, message: string, retryAfterMs?: number): OperationOutcome {
  return { kind: 'refused', code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

function findFamily(snapshot: WorkspaceSnapshot, familyId: string): FamilySummary | null {
  for (const root of snapshot.roots) for (const family of root.families) if (family.id === familyId) return family;
  return null;
}

function familyOfGeneration(snapshot: WorkspaceSnapshot, generationId: string): { family: FamilySummary; generation: GenerationSummary } | null {
  for (const root of snapshot.roots) {
    for (const family of root.families) {
      if (!generationId.startsWith(`${family.id}#`)) continue;
      const generation = family.generations.find((g) => g.id === generationId);
      if (generation) return { family, generation };
    }
  }
  return null;
}

function memberSet(family: FamilySummary): Set<string> {
  return new Set(family.generations.flatMap((g) => g.members.map((m) => m.path)));
}

/**
 * Which current name each target member is written over. Roles pair first (main ↔ main, the
 * `.state.json` of a triple ↔ its `.state.json`); a file inside a step folder pairs with the
 * same file name in the current step folder; a member named after the target's main file
 * (`agent.1.json.types.json`) takes the current main file's name with the same ending.
 */
export function mapMembers(current: GenerationSummary, target: GenerationSummary): { mapping: MemberMapping[]; created: string[]; unmatched: string[] } {
  const used = new Set<string>();
  const mapping: MemberMapping[] = [];
  const created: string[] = [];
  const unmatched: string[] = [];
  const currentPaths = new Set(current.members.map((m) => m.path));
  const take = (from: MemberSummary, to: string) => {
    used.add(to);
    mapping.push({ from: from.path, to });
    if (!currentPaths.has(to)) created.push(to);
  };
  const ordered = [...target.members].sort((a, b) => (a.path === target.mainPath ? -1 : b.path === target.mainPath ? 1 : 0));
  for (const member of ordered) {
    if (member.path === target.mainPath) {
      take(member, current.mainPath);
      continue;
    }
    const sameRole = member.role !== 'member' ? current.members.filter((m) => m.role === member.role && !used.has(m.path) && m.path !== current.mainPath) : [];
    if (sameRole.length === 1) {
      take(member, sameRole[0].path);
      continue;
    }
    const slash = member.path.indexOf('/');
    if (slash > 0) {
      const rest = member.path.slice(slash + 1);
      const twin = current.members.find((m) => !used.has(m.path) && m.path.slice(m.path.indexOf('/') + 1) === rest && m.path.includes('/'));
      if (twin) {
        take(member, twin.path);
        continue;
      }
    }
    if (member.path.startsWith(target.mainPath) && member.path.length > target.mainPath.length) {
      const name = current.mainPath + member.path.slice(target.mainPath.length);
      if (!used.has(name)) {
        take(member, name);
        continue;
      }
    }
    unmatched.push(member.path);
  }
  return { mapping, created, unmatched };
}

function firstProblem(generation: GenerationSummary): string | null {
  const worst = generation.findings.find((f) => f.severity === 'error') ?? generation.findings.find((f) => f.severity === 'warning');
  return worst?.message ?? null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.ceil(ms / 100) / 10} s` : `${Math.ceil(ms / 1000)} s`;
}

/** Create the service over an engine's snapshot and roots. */
export function createRollbackService(deps: RollbackServiceDeps): RollbackService {
  const quietPeriodMs = deps.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS;
  const now = deps.now ?? Date.now;
  const plans = new Map<string, StoredPlan>();
  /** Folders this service ran an operation in, so their history stays listed after a family disappears. */
  const touched = new Set<string>();

  const rootPaths = (): string[] => deps.roots().map((r) => r.path);

  const remember = (stored: StoredPlan): void => {
    plans.set(stored.view.token, stored);
    while (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value as string);
  };

  /** The sha256 of every member, from disk, with a blocker for any that moved on since its check. */
  const hashMembers = async (family: FamilySummary, generation: GenerationSummary, blockers: PlanBlocker[]) => {
    const members: { path: string; sha256: string }[] = [];
    for (const member of generation.members) {
      let sha256 = '';
      try {
        const real = await resolveInsideRoots(deps.roots(), join(family.dir, member.path));
        sha256 = await hashFile(real);
      } catch (error) {
        blockers.push({
          code: isEngineError(error) && error.code === 'outside_roots' ? 'outside_roots' : 'missing_file',
          message: isEngineError(error) ? error.message : `Could not read ${member.path} (${error instanceof Error ? error.message : String(error)}).`,
        });
      }
      if (sha256 && member.sha256 && sha256 !== member.sha256) {
        blockers.push({
          code: 'changed_since_review',
          message: `${member.path} changed after it was checked (a job may still be writing): wait for the list to refresh, then review again.`,
        });
      }
      members.push({ path: member.path, sha256 });
    }
    return members;
  };

  const side = (generation: GenerationSummary, members: readonly { path: string; sha256: string }[]): PlanSide => ({
    generationId: generation.id,
    label: generation.label,
    health: generation.health,
    findingsCount: generation.findings.length,
    firstProblem: firstProblem(generation),
    schemaVersion: generation.schemaVersion,
    mtimeMs: generation.mtimeMs,
    members,
  });

  const diffSummary = async (family: FamilySummary, current: GenerationSummary, target: GenerationSummary): Promise<PlanDiff> => {
    const read = async (generation: GenerationSummary) => {
      const main = generation.members.find((m) => m.path === generation.mainPath);
      if (!main) return { error: `${generation.label} has no main file` };
      if (main.size > MAX_DIFF_BYTES) return { error: `${main.path} is larger than ${MAX_DIFF_BYTES / 1048576} MB; open the Diff view to compare` };
      try {
        const real = await resolveInsideRoots(deps.roots(), join(family.dir, main.path));
        const bytes = new Uint8Array(await fs.readFile(real));
        // Only the value is diffed: the scan already judged the file, so skip the integrity checks
        // (an envelope's checksum would otherwise be recomputed here, on the main thread).
        const decoded = await decodeFile(main.path, bytes, { checks: false });
        if (decoded.result.kind !== 'ok') return { error: `${main.path} does not decode` };
        return { value: decoded.result.value };
      } catch (error) {
        return { error: `${main.path} could not be read (${error instanceof Error ? error.message : String(error)})` };
      }
    };
    const [a, b] = await Promise.all([read(current), read(target)]);
    if ('error' in a) return { kind: 'unavailable', reason: `No diff: ${a.error}.` };
    if ('error' in b) return { kind: 'unavailable', reason: `No diff: ${b.error}.` };
    const result = diffValues(a.value, b.value, { maxChanges: 5 });
    return { kind: 'summary', ...result.summary, samplePointers: result.changes.map((c) => c.pointer || '/') };
  };

  const writerWarning = async (family: FamilySummary, paths: readonly string[]): Promise<PlanWarning | null> => {
    if (quietPeriodMs <= 0) return null;
    try {
      const history = await readHistory(family.dir);
      const recent = await findRecentWrite({ dirReal: family.dir, familyName: family.name, paths, quietPeriodMs, now: now(), own: ownWritesOf(history) });
      if (!recent) return null;
      return { code: 'writer_active', message: `${describeRecentWrite(recent, family.dir)} Confirming before then is refused.` };
    } catch {
      return null;
    }
  };

  /** A blocker while the engine is still checking the family: its verdicts (and so the plan's warnings) are not in yet. */
  const stillChecking = (family: FamilySummary): PlanBlocker | null =>
    family.checking || family.generations.some((g) => g.checking)
      ? {
          code: 'still_checking',
          message: `${family.name} is still being checked, so which of its generations are healthy is not known yet. Nothing was written; wait for its verdict and review again.`,
        }
      : null;

  const common = (family: FamilySummary) => ({ token: randomBytes(18).toString('hex'), familyId: family.id, familyName: family.name, dir: family.dir, quietPeriodMs });

  const service: RollbackService = {
    quietPeriodMs,

    async planRollback(familyId, targetGenerationId) {
      const snapshot = deps.snapshot();
      const family = findFamily(snapshot, familyId);
      if (!family) throw new EngineError('not_found', 'That family is no longer in the list (its files were moved or the folder was removed). Pick it again from the refreshed list.');
      const target = family.generations.find((g) => g.id === targetGenerationId);
      if (!target) throw new EngineError('not_found', `That generation is not a generation of ${family.name} (any more): it was probably rotated away. Pick it again from the refreshed list.`);
      const current = family.generations.find((g) => g.id === family.currentId) ?? null;
      const blockers: PlanBlocker[] = [];
      if (!current) {
        throw new EngineError('not_found', `Checkpoint Doctor cannot tell which generation of ${family.name} your job loads, so it cannot roll back onto it. Copy ${target.label} into place by hand.`);
      }
      if (current.id === target.id) throw new EngineError('bad_request', `${target.label} is already the current generation of ${family.name}; there is nothing to roll back.`);

      const checking = stillChecking(family);
      if (checking) blockers.push(checking);
      const currentMembers = await hashMembers(family, current, blockers);
      const targetMembers = await hashMembers(family, target, blockers);
      const { mapping, created, unmatched } = mapMembers(current, target);
      for (const path of unmatched) {
        blockers.push({ code: 'not_a_generation', message: `${path} has no counterpart in ${current.label}, and Checkpoint Doctor cannot tell which name it should take. Copy it by hand.` });
      }
      const members = memberSet(family);
      for (const name of created) members.add(name);
      const plan = planRollback(
        { dir: family.dir, familyName: family.name, current: currentMembers.filter((m) => m.sha256), target: targetMembers.filter((m) => m.sha256), mapping },
        { isFamilyMember: (path) => members.has(path) },
      );
      for (const problem of plan.problems) if (!blockers.some((b) => b.message === problem.message)) blockers.push({ code: problem.code, message: problem.message });

      const warnings: PlanWarning[] = [];
      if (target.health !== 'healthy') {
        const reason = firstProblem(target);
        warnings.push({
          code: 'target_has_findings',
          message: `${target.label} is ${HEALTH_WORDS[target.health] ?? target.health} (${plural(target.findings.length, 'finding')})${reason ? `: ${reason}` : '.'}`,
        });
      }
      // A current file too broken to read has no schema to compare with; that is not a difference.
      const schemaDiffers = current.schemaVersion !== target.schemaVersion && (current.schemaVersion !== null || current.healthy);
      if (schemaDiffers) {
        warnings.push({
          code: 'schema_differs',
          message: `${target.label} records schema version ${target.schemaVersion ?? '(none)'}, the current ${current.label} records ${current.schemaVersion ?? '(none)'}: code that expects the current schema may misread it.`,
        });
      }
      const writer = await writerWarning(family, [...currentMembers, ...targetMembers].map((m) => m.path));
      if (writer) warnings.push(writer);
      const temps = family.findings.filter((f) => f.code === 'write.tmp_leftover');
      if (temps.length > 0) warnings.push({ code: 'temp_files', message: `${plural(temps.length, 'temp file')} of an interrupted save ${temps.length === 1 ? 'is' : 'are'} in the folder (${temps[0].file}); a job may be saving right now.` });
      for (const note of plan.warnings) warnings.push({ code: 'members_mixed', message: note });

      const risky = target.health !== 'healthy' || schemaDiffers || plan.warnings.length > 0;
      const view: RollbackPlanView = {
        kind: 'rollback',
        ...common(family),
        summary: plan.summary,
        operations: plan.steps,
        warnings,
        blockers,
        risky,
        current: side(current, currentMembers),
        target: side(target, targetMembers),
        diff: await diffSummary(family, current, target),
      };
      remember({ view, plan, created: new Set(created), running: false });
      return view;
    },

    async planQuarantine(generationId) {
      const found = familyOfGeneration(deps.snapshot(), generationId);
      if (!found) throw new EngineError('not_found', 'That generation is no longer in the list (it was probably rotated away or deleted). Pick it again from the refreshed list.');
      const { family, generation } = found;
      const blockers: PlanBlocker[] = [];
      const checking = stillChecking(family);
      if (checking) blockers.push(checking);
      const members = await hashMembers(family, generation, blockers);
      const known = memberSet(family);
      const plan = planQuarantine(
        { dir: family.dir, familyName: family.name, generation: members.filter((m) => m.sha256), current: generation.current || generation.id === family.currentId },
        { isFamilyMember: (path) => known.has(path) },
      );
      for (const problem of plan.problems) if (!blockers.some((b) => b.message === problem.message)) blockers.push({ code: problem.code, message: problem.message });
      const warnings: PlanWarning[] = [];
      if (generation.health === 'healthy') {
        warnings.push({ code: 'target_has_findings', message: `${generation.label} is healthy: moving it aside removes a generation your job could fall back to.` });
      }
      const writer = await writerWarning(family, members.map((m) => m.path));
      if (writer) warnings.push(writer);
      const view: QuarantinePlanView = {
        kind: 'quarantine',
        ...common(family),
        summary: plan.summary,
        operations: plan.steps,
        warnings,
        blockers,
        // Moving a healthy generation aside throws away a fallback: make the person say so.
        risky: generation.health === 'healthy',
        generation: side(generation, members),
      };
      remember({ view, plan, created: new Set(), running: false });
      return view;
    },

    executeRollback: (request) => execute('rollback', request),
    executeQuarantine: (request) => execute('quarantine', request),

    async undoLast(familyDir, entryId) {
      const dir = knownFolder(familyDir);
      const result = await undoLast(dir, { roots: rootPaths(), quietPeriodMs, now, ...(entryId !== undefined ? { entryId } : {}) });
      return settleResult(dir, result);
    },

    async getHistory(folder) {
      const dir = knownFolder(folder);
      const snapshot = deps.snapshot();
      const dirs = new Set<string>([dir]);
      for (const root of snapshot.roots) for (const family of root.families) if (isInside(dir, family.dir)) dirs.add(family.dir);
      for (const t of touched) if (isInside(dir, t)) dirs.add(t);
      const entries: HistoryEntry[] = [];
      for (const d of dirs) {
        let history: AuditEntry[];
        try {
          history = await readHistory(d);
        } catch {
          continue;
        }
        for (const e of history) entries.push(historyEntry(d, e));
      }
      return entries.sort((a, b) => (a.when < b.when ? 1 : a.when > b.when ? -1 : 0));
    },

    async recoverUnder(paths) {
      const reports: RecoveryReport[] = [];
      for (const root of paths) {
        let dirs: string[];
        try {
          dirs = await findPendingJournals(root);
        } catch {
          continue;
        }
        for (const dir of dirs) {
          const result = await recoverPending(dir, { roots: rootPaths().length > 0 ? rootPaths() : [root], now });
          if (result.kind === 'ok' && result.action === 'nothing_pending') continue;
          const level = result.kind === 'ok' ? (result.action === 'set_aside' ? 'error' : 'warning') : 'error';
          const message =
            result.kind === 'ok'
              ? `Checkpoint Doctor found an interrupted operation in ${dir}: ${result.message}`
              : `Checkpoint Doctor found an interrupted operation in ${dir} and could not settle it: ${result.message}`;
          touched.add(dir);
          reports.push({ dir, level, message });
          deps.notice(level, message);
        }
      }
      if (reports.length > 0) await deps.refresh().catch(() => undefined);
      return reports;
    },
  };

  /** A folder the client names must be a root or a family's folder the engine found. */
  function knownFolder(folder: string): string {
    const clean = folder.length > 1 ? folder.replace(/[\\/]+$/, '') : folder;
    const snapshot = deps.snapshot();
    const known =
      snapshot.roots.some((r) => r.path === clean || r.families.some((f) => f.dir === clean)) || touched.has(clean);
    if (!known) throw new EngineError('outside_roots', `${folder} is not a folder Checkpoint Doctor is watching or a checkpoint family's folder in one.`);
    return clean;
  }

  async function execute(kind: 'rollback' | 'quarantine', request: ExecuteRequest): Promise<OperationOutcome> {
    const stored = plans.get(request.token);
    if (!stored || stored.view.kind !== kind) {
      return refused('plan_expired', 'Checkpoint Doctor no longer holds the plan you reviewed (it was restarted, or the plan already ran). Nothing was written; close this and review again.');
    }
    const { view } = stored;
    if (view.blockers.length > 0) return refused(view.blockers[0].code, view.blockers[0].message);
    if (view.risky && (request.confirmation.typedName ?? '').trim() !== view.familyName) {
      return refused('confirmation_required', `This ${kind} is risky: type the family name ${view.familyName} to confirm it. Nothing was written.`);
    }
    if (stored.running) return refused('operation_in_progress', 'This plan is already running; wait for its result.');
    const family = findFamily(deps.snapshot(), view.familyId);
    if (!family) {
      return refused('not_a_generation', `${view.familyName} is no longer in the list (its files were moved or the folder was removed). Nothing was written; review again.`);
    }
    // The family may have gone back to checking since the review (a new write is being read).
    const checking = stillChecking(family);
    if (checking) return refused(checking.code, checking.message);
    const members = memberSet(family);
    for (const name of stored.created) members.add(name);
    stored.running = true;
    let result: OperationResult;
    try {
      const options = { roots: rootPaths(), quietPeriodMs, now, isFamilyMember: (path: string) => members.has(path) };
      result = stored.plan.op === 'rollback' ? await executeRollback(stored.plan, options) : await executeQuarantine(stored.plan, options);
    } finally {
      stored.running = false;
    }
    // A refused plan may be retried as it is (after the quiet period); one that ran is spent.
    if (result.kind !== 'refused') plans.delete(request.token);
    return settleResult(family.dir, result);
  }

  async function settleResult(dir: string, result: OperationResult): Promise<OperationOutcome> {
    if (result.kind === 'refused') {
      const message =
        result.code === 'writer_active' && result.retryAfterMs !== undefined ? `${result.message} (Retry in ${seconds(result.retryAfterMs)}.)` : result.message;
      return refused(result.code, message, result.retryAfterMs);
    }
    touched.add(dir);
    await deps.refresh().catch(() => undefined);
    if (result.kind === 'failed') {
      return { kind: 'failed', code: result.code, message: result.message, generation: result.state.generation, backupDir: result.state.backupDir };
    }
    return {
      kind: 'ok',
      op: result.op,
      message: result.message,
      backupDir: result.backupDir,
      undo: { dir, entryId: result.auditEntry.id, familyName: result.auditEntry.family },
    };
  }

  return service;
}

function historyEntry(dir: string, e: AuditEntry): HistoryEntry {
  return {
    id: e.id,
    dir,
    when: e.when,
    family: e.family,
    op: e.op,
    from: e.from.map((f) => ({ path: f.path, sha256: f.sha256 })),
    to: e.to.map((f) => ({ path: f.path, sha256: f.sha256 })),
    backupDir: join(dir, ...e.backupDir.split('/')),
    files: e.files.map((f) => ({ path: f.path, before: f.before, after: f.after, backup: f.backup, source: f.source })),
    ...(e.undoes !== undefined ? { undoes: e.undoes } : {}),
    ...(e.recovered !== undefined ? { recovered: e.recovered } : {}),
  };
}
