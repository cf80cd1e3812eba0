/**
 * The engine: the one piece of Node code behind all three front doors (Electron, serve, CLI).
 *
 * It keeps the folders a person added, watches them, lists them, groups their files into families
 * (discovery), checks every member file in worker threads, summarises each family (health,
 * current, fallback) and publishes a `WorkspaceSnapshot` on every change.
 *
 * Invariants:
 * - It only reads under the added folders: listings skip symbolic links that lead elsewhere and
 *   every path from a client is resolved and checked (`outside_roots`).
 * - Nothing blocks the event loop on file contents: reading, hashing and decoding happen in the
 *   worker pool.
 * - Rescans are incremental: a file is read again only when its (size, mtime) changed.
 * - A watcher's file change lists again only the directories it touched and judges again only
 *   their families (`relistTree`); anything it cannot apply exactly lists the whole root.
 * - No input crashes it: unreadable folders and files, loops, vanished files and bugs in the
 *   checks become findings, root errors or notices.
 */
import { formatBytes } from '../../shared/text/format-bytes';
import { homedir } from 'node:os';
import { promises as fs } from 'node:fs';
import { isAbsolute, join, normalize, resolve } from 'node:path';
import type { ActionResult, Capabilities, DiffView, DriftView, EngineEvent, GenerationContent } from '../../shared/api/contract';
import { analyzeFamily, type HashedFileAnalysis } from '../../shared/checks/analyze-family';
import type { AnalysisOptions } from '../../shared/checks/types';
import { discoverFamilies } from '../../shared/discovery/discover';
import type { FamilyPlan, MemberPlan } from '../../shared/discovery/types';
import type { Finding } from '../../shared/model/finding';
import type { FamilySummary, GenerationSummary, RootState, ScanProgress, WorkspaceSnapshot } from '../../shared/model/workspace';
import { EngineError, describeSystemError, isEngineError, systemErrorCode } from './engine-error';
import { createGenerationViews } from './generation-views';
import { listTree, relistTree, type ListedDir, type TreeState } from './list-tree';
import { createRollbackService, quietPeriodFromEnv, type RollbackService } from './rollback-service';
import { isInside, resolveInsideRoots, type RootRef } from './path-guard';
import { DEFAULT_MAX_ANALYZE_BYTES } from './read-file';
import { watchRoot, type RootChange, type RootWatcher } from './root-watcher';
import { MAX_SCHEMA_VERSION_LENGTH, SettingsStore, loadSettings, pushRecent, type Settings } from './settings';
import { WorkerJobError, createWorkerPool, type PoolStats } from './worker-pool';

/** How the engine is set up by its front door. */
export interface EngineOptions {
  /** Where roots and recent folders are kept (JSON, written atomically). */
  readonly settingsPath: string;
  /** Which front door runs the engine. `cli` never writes settings. */
  readonly host: 'electron' | 'serve' | 'cli';
  /** The native folder picker (Electron only). */
  readonly pickFolder?: () => Promise<string | null>;
  /** Watch roots for changes (default true; the CLI scans once). */
  readonly watch?: boolean;
  /** Worker threads (default min(2, cores)). */
  readonly workers?: number;
  /**
   * Start with exactly these folders instead of the saved ones (CLI, `serve <path…>`). The
   * saved root list is then left alone; recent folders are still recorded (except by the CLI).
   */
  readonly roots?: readonly string[];
  /** Files above this size are hashed but not decoded (default 512 MB). */
  readonly maxAnalyzeBytes?: number;
  /** Cap on the text `readGeneration` returns (default 5 M characters). */
  readonly maxTextChars?: number;
  /** Quiet time after a file-system event before rescanning (default 25 ms, `DEFAULT_DEBOUNCE_MS`). */
  readonly debounceMs?: number;
  /** Options of the file checks (expected schema version). */
  readonly analysis?: AnalysisOptions;
  /** Rollback refuses while anything in the family was written this recently (default 10 s, or `CKPT_DOCTOR_QUIET_PERIOD_MS`). */
  readonly quietPeriodMs?: number;
  /** Settle operations a crash interrupted, on start and when a root is added (default: not for the read-only CLI). */
  readonly recoverOnStart?: boolean;
}

/** The engine, as front doors and the API dispatcher use it. */
export interface Engine {
  /** The current workspace. */
  getSnapshot(): WorkspaceSnapshot;
  /** Add a folder to watch; the scan continues in the background (see `whenIdle`). */
  addRoot(path: string): Promise<ActionResult>;
  /** Stop watching a folder; nothing on disk is touched. */
  removeRoot(path: string): Promise<ActionResult>;
  /** Forget every cached analysis and scan every root again; resolves when done. */
  rescan(): Promise<ActionResult>;
  /**
   * Set (or, with null, clear) the schema version expected for every family under `root`, which
   * must be an added folder (else `not_found`). Saved in the settings file; the families are judged
   * again from the cached file analyses, so `getSnapshot` shows the new verdicts once this resolves
   * (listeners get the snapshot as with any change).
   */
  setExpectedSchemaVersion(root: string, version: string | null): Promise<ActionResult>;
  /** Decoded (or raw) content of one generation member. Throws `EngineError`. */
  readGeneration(generationId: string, memberPath?: string): Promise<GenerationContent>;
  /** Structural diff of two generations, computed in a worker. Throws `EngineError`. */
  diffGenerations(aId: string, bId: string): Promise<DiffView>;
  /** Type drift of a generation's JSON member as `loader` reads it. Throws `EngineError`. */
  driftOf(generationId: string, loader: 'python' | 'js'): Promise<DriftView>;
  /** The native folder picker, or null where there is none. */
  pickFolder(): Promise<string | null>;
  getCapabilities(): Capabilities;
  /** Listen to events. A new listener first receives the notices raised at start-up. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Resolves once no scan is running or queued. */
  whenIdle(): Promise<void>;
  /** Worker job counters (how many files were read). */
  stats(): PoolStats;
  /** Problems found while starting (a damaged settings file, …), as shown to a person. */
  readonly startupNotices: readonly string[];
  /** Rollback, quarantine, undo and history, by id (see `rollback-service.ts`). */
  readonly rollback: RollbackService;
  /** Stop watchers and workers. */
  close(): Promise<void>;
}

/** While changes keep coming, listeners get a snapshot at most this often (the final state of a scan is not held back). */
const SNAPSHOT_INTERVAL_MS = 100;
/** Changes made within this long of each other go out in one snapshot. */
const SNAPSHOT_COALESCE_MS = 10;

/**
 * During a rescan, a family whose files are not all checked after this long is shown as checking
 * (a first scan shows them at once); quicker checks go straight from the old verdict to the new.
 */
const CHECKING_GRACE_MS = 250;

/** Default cap on rendered text: big enough to read, small enough for an editor to stay fluid. */
export const DEFAULT_MAX_TEXT_CHARS = 5_000_000;

interface CachedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly analysis: HashedFileAnalysis;
}

interface RootEntry {
  /** `real` is refreshed when a missing folder comes back. */
  ref: RootRef;
  state: RootState;
  watcher: RootWatcher | null;
  running: Promise<void> | null;
  dirty: boolean;
  /** Forget the cache on the next scan (manual rescan). */
  fresh: boolean;
  /** The schema version the person expects under this root (from settings), or null. */
  expected: string | null;
  progress: ScanProgress | null;
  readonly cache: Map<string, CachedFile>;
  /** The last listing, kept so a change lists again only the directories it touched. */
  tree: TreeState | null;
  /** Family summaries of the last scan, by directory (absolute), in listing order. */
  familiesByDir: Map<string, FamilySummary[]>;
  /** The member files (absolute, the keys of `cache`) of each judged directory's families. */
  readonly membersByDir: Map<string, readonly string[]>;
  /** Directories the watcher reported changes in since the last scan began. */
  readonly changedDirs: Set<string>;
  /** The next scan lists the whole root (anything but a watcher's file change asks for it). */
  full: boolean;
}

interface MemberTask {
  readonly abs: string;
  readonly member: MemberPlan;
}

/** Expand `~` and make a path absolute; relative paths are refused (there is no sensible base). */
function absoluteFolder(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '~' || trimmed.startsWith('~/')) return normalize(join(homedir(), trimmed.slice(1)));
  if (!isAbsolute(trimmed)) {
    throw new EngineError('bad_request', `"${input}" is not a full path. Give the folder's full path, e.g. /home/me/run/checkpoints.`);
  }
  return normalize(trimmed).replace(/(.)[\\/]+$/, '$1');
}

/** Check that `path` is a folder the engine can list; returns its real path. */
async function inspectFolder(path: string): Promise<string> {
  let stats;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') throw new EngineError('not_found', `${path} does not exist. Check the spelling, or whether the disk holding it is mounted.`);
    throw new EngineError('unreadable', `Cannot open ${path} (${describeSystemError(error)}).`);
  }
  if (!stats.isDirectory()) throw new EngineError('not_a_directory', `${path} is a file, not a folder. Add the folder that holds your checkpoints.`);
  try {
    await fs.readdir(path);
  } catch (error) {
    throw new EngineError('unreadable', `Cannot list ${path} (${describeSystemError(error)}). Fix its permissions, then add it again.`);
  }
  return fs.realpath(path);
}

function actionError(error: unknown): ActionResult {
  if (isEngineError(error)) return { kind: 'error', code: error.code, message: error.message };
  return { kind: 'error', code: 'internal', message: `Checkpoint Doctor hit an unexpected error: ${error instanceof Error ? error.message : String(error)}` };
}

function failedAnalysis(member: MemberPlan, reason: string): HashedFileAnalysis {
  return {
    path: member.path,
    size: member.size,
    format: 'unknown',
    decoded: false,
    findings: [
      {
        code: 'analysis.failed',
        severity: 'error',
        message: `Checkpoint Doctor could not check ${member.path} (${reason}). Its health is unknown, so it is not offered as a fallback; Rescan to try again.`,
        file: member.path,
      },
    ],
    schemaVersion: null,
    envelope: null,
    containers: {},
    sha256: '',
    mtimeMs: member.mtimeMs,
  };
}

function findingKey(f: Finding): string {
  return `${f.code}\u0000${f.file}\u0000${f.pointer ?? ''}\u0000${f.offset ?? ''}\u0000${f.message}`;
}

/** Create an engine, load settings and start scanning the roots. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const watchEnabled = options.watch ?? true;
  const maxAnalyzeBytes = options.maxAnalyzeBytes ?? DEFAULT_MAX_ANALYZE_BYTES;
  const maxTextChars = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  const pool = createWorkerPool({ size: options.workers });
  const store = new SettingsStore(options.settingsPath);
  const listeners = new Set<(event: EngineEvent) => void>();
  const startupNotices: string[] = [];
  const roots: RootEntry[] = [];
  const persistRoots = options.roots === undefined;
  let persistAllowed = options.host !== 'cli';
  let settings: Settings = { roots: [], recent: [] };
  let version = 0;
  let lastEmit = 0;
  /** The version the last snapshot sent carried. */
  let emittedVersion = -1;
  let emitTimer: NodeJS.Timeout | null = null;
  let closed = false;

  if (options.host !== 'cli') {
    const loaded = await loadSettings(options.settingsPath);
    settings = loaded.settings;
    if (loaded.kind === 'corrupt' || loaded.kind === 'unreadable') startupNotices.push(loaded.message);
    // Never overwrite a settings file that could not be read or moved aside: it may be the only copy.
    if (loaded.kind === 'unreadable' || (loaded.kind === 'corrupt' && loaded.movedTo === null)) persistAllowed = false;
  }

  const broadcast = (event: EngineEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener (a closed socket) must not stop the others.
      }
    }
  };

  const notice = (level: 'info' | 'warning' | 'error', message: string): void => broadcast({ type: 'notice', level, message });

  // Scans use it for drift findings, so it exists before the first root is opened; it looks
  // generations up lazily, in the snapshot of the moment.
  const views = createGenerationViews({
    pool,
    lookup: (generationId) => lookupGeneration(generationId),
    resolveReal: (abs) => resolveInsideRoots(roots.map((r) => r.ref), abs),
    progress: (progress) => broadcast({ type: 'progress', progress }),
    maxBytes: maxAnalyzeBytes,
    maxChars: maxTextChars,
  });

  const recoverOnStart = options.recoverOnStart ?? options.host !== 'cli';
  const rollback = createRollbackService({
    snapshot: () => buildSnapshot(),
    roots: () => roots.map((r) => r.ref),
    refresh: async () => {
      await Promise.all(roots.map((entry) => scan(entry)));
    },
    notice,
    quietPeriodMs: options.quietPeriodMs ?? quietPeriodFromEnv(process.env),
  });
  /** Recovery notices also reach windows that connect later, like the other start-up notices. */
  const recover = (paths: readonly string[]): void => {
    if (!recoverOnStart || paths.length === 0) return;
    void rollback.recoverUnder(paths).then((reports) => {
      for (const report of reports) startupNotices.push(report.message);
    });
  };

  /** The version expected under a root: its own setting, else the front door's (`--expect-schema`). */
  const expectedOf = (entry: RootEntry): string | null => entry.expected ?? options.analysis?.expectedSchemaVersion ?? null;
  const analysisOf = (entry: RootEntry): AnalysisOptions => ({ ...options.analysis, expectedSchemaVersion: expectedOf(entry) });
  const savedExpected = (path: string): string | null => {
    const map = settings.expectedSchema;
    return map && Object.hasOwn(map, path) ? map[path] : null;
  };

  const buildSnapshot = (): WorkspaceSnapshot => ({
    roots: roots.map((r) => {
      const expected = expectedOf(r);
      return expected === null ? r.state : { ...r.state, expectedSchemaVersion: expected };
    }),
    recent: settings.recent,
    progress: roots.find((r) => r.progress)?.progress ?? null,
    version,
  });

  const emitNow = (): void => {
    if (emitTimer) clearTimeout(emitTimer);
    emitTimer = null;
    if (closed) return;
    lastEmit = Date.now();
    emittedVersion = version;
    broadcast({ type: 'snapshot', snapshot: buildSnapshot() });
  };

  /**
   * Record a change. Listeners hear about it on the leading edge (after `SNAPSHOT_COALESCE_MS`, so
   * changes made together go out together), then at most every `SNAPSHOT_INTERVAL_MS` while
   * changes keep coming (a scan's progress, a burst of writes): the trailing edge carries the latest.
   */
  const changed = (): void => {
    version++;
    if (emitTimer || closed) return;
    const wait = Math.max(SNAPSHOT_COALESCE_MS, SNAPSHOT_INTERVAL_MS - (Date.now() - lastEmit));
    emitTimer = setTimeout(emitNow, wait);
  };

  /** The state a scan ended with (nothing more queued) goes out at once, never waiting out the throttle. */
  const settled = (): void => {
    if (closed || emittedVersion === version) return;
    emitNow();
  };

  const save = async (): Promise<void> => {
    if (!persistAllowed) return;
    const next: Settings = {
      roots: persistRoots ? roots.map((r) => r.ref.path) : settings.roots,
      recent: settings.recent,
      ...(settings.expectedSchema ? { expectedSchema: settings.expectedSchema } : {}),
    };
    settings = next;
    try {
      await store.save(next);
    } catch (error) {
      notice('warning', error instanceof Error ? error.message : String(error));
    }
  };

  const analyzeMember = async (entry: RootEntry, task: MemberTask, onVanished: () => void): Promise<HashedFileAnalysis | null> => {
    const cached = entry.cache.get(task.abs);
    if (cached && cached.size === task.member.size && cached.mtimeMs === task.member.mtimeMs) return cached.analysis;
    let real: string;
    try {
      real = await resolveInsideRoots(roots.map((r) => r.ref), task.abs);
    } catch (error) {
      if (isEngineError(error) && error.code === 'not_found') {
        onVanished();
        return null;
      }
      return failedAnalysis(task.member, isEngineError(error) ? error.message : String(error));
    }
    try {
      const reply = await pool.run({ kind: 'analyze', path: real, file: task.member.path, maxBytes: maxAnalyzeBytes, options: options.analysis, sizeHint: task.member.size });
      if (reply.kind === 'vanished') {
        onVanished();
        return null;
      }
      const analysis: HashedFileAnalysis = { ...reply.analysis, path: task.member.path, sha256: reply.sha256, mtimeMs: reply.mtimeMs || task.member.mtimeMs };
      if (reply.stable) entry.cache.set(task.abs, { size: reply.size, mtimeMs: reply.mtimeMs, analysis });
      else entry.cache.delete(task.abs);
      return analysis;
    } catch (error) {
      if (error instanceof WorkerJobError && error.reason === 'closed') return null;
      return failedAnalysis(task.member, error instanceof Error ? error.message : String(error));
    }
  };

  /**
   * Judge the families of `dirs` (all listed directories) whose path is in `only` (every one when
   * null); returns their summaries by directory.
   *
   * As soon as the families are planned, `reveal` receives them by directory (those whose files
   * are not all analyzed yet marked `checking`), after `graceMs` if some are still checking then
   * (0: at once); each family is then judged as soon as its own files are done, and `reveal` gets
   * the updated summaries again (once it was called). The returned map is the final word.
   */
  const familiesOf = async (
    entry: RootEntry,
    dirs: readonly ListedDir[],
    only: ReadonlySet<string> | null,
    reveal?: { readonly graceMs: number; readonly show: (byDir: ReadonlyMap<string, FamilySummary[]>) => void },
  ): Promise<Map<string, FamilySummary[]>> => {
    interface Planned {
      readonly dir: ListedDir;
      readonly plan: FamilyPlan;
      readonly tasks: MemberTask[];
      /** The analyses that came back so far, by member path. */
      readonly files: Map<string, HashedFileAnalysis>;
      /** Member files still being analyzed. */
      left: number;
      /** The final summary once judged; else what was last shown while checking (null: redo). */
      summary: FamilySummary | null;
      judged: boolean;
    }
    const planned: Planned[] = [];
    const byDir = new Map<string, Planned[]>();
    for (const dir of dirs) if (!only || only.has(dir.abs)) byDir.set(dir.abs, []);
    const familyOf = new Map<MemberTask, Planned>();
    for (const dir of dirs) {
      if (only && !only.has(dir.abs)) continue;
      for (const plan of dir.discovery.families) {
        const members = [...plan.generations.flatMap((g) => g.members), ...plan.strays];
        const seen = new Set<string>();
        const tasks = members.filter((m) => !seen.has(m.path) && seen.add(m.path)).map((m) => ({ abs: join(dir.abs, m.path), member: m }));
        const list = byDir.get(dir.abs)!;
        const p: Planned = { dir, plan, tasks, files: new Map(), left: tasks.length, summary: null, judged: false };
        list.push(p);
        planned.push(p);
        for (const t of tasks) familyOf.set(t, p);
      }
    }
    const all = planned.flatMap((p) => p.tasks);
    const needed = all.filter((t) => {
      const c = entry.cache.get(t.abs);
      return !(c && c.size === t.member.size && c.mtimeMs === t.member.mtimeMs);
    });
    const pending = new Set(needed.map((t) => t.abs));
    let done = 0;
    const progress = (): void => {
      const first = pending.values().next();
      entry.progress = { root: entry.ref.path, done, total: needed.length, ...(first.done ? {} : { current: first.value }) };
      changed();
    };
    if (needed.length > 0) progress();

    // Showing the families while their files are checked: at once or after the grace period,
    // then again (coalesced) whenever families are judged, until this scan's final word.
    let shown = false;
    let finished = false;
    let showTimer: NodeJS.Timeout | null = null;
    const show = (): void => {
      if (showTimer) clearTimeout(showTimer);
      showTimer = null;
      if (!reveal || finished || closed || !roots.includes(entry)) return;
      shown = true;
      const summaries = new Map<string, FamilySummary[]>();
      for (const [dir, list] of byDir) summaries.set(dir, list.map((p) => (p.summary ??= checkingFamily(entry, p.dir, p.plan, p.files, p.tasks))));
      reveal.show(summaries);
    };
    const showSoon = (): void => {
      if (shown && !showTimer && !finished) showTimer = setTimeout(show, SNAPSHOT_COALESCE_MS);
    };
    if (reveal && needed.length > 0) {
      if (reveal.graceMs <= 0) show();
      else showTimer = setTimeout(show, reveal.graceMs);
    }

    /** Once a family's own files are analyzed, add the scan's drift findings and judge it. */
    const finish = async (p: Planned): Promise<void> => {
      if (p.judged) return;
      p.judged = true;
      await views.addScanDrift([{ dir: p.dir.abs, plan: p.plan, files: p.files }]);
      p.summary = judge(entry, p.dir, p.plan, p.files);
      showSoon();
    };
    let vanished = false;
    const judging: Promise<void>[] = planned.filter((p) => p.left === 0).map(finish);
    await Promise.all(
      all.map(async (task) => {
        const result = await analyzeMember(entry, task, () => (vanished = true));
        const p = familyOf.get(task)!;
        if (result) p.files.set(task.member.path, result);
        if (!p.judged) p.summary = null;
        if (pending.delete(task.abs)) {
          done++;
          progress();
        }
        if (--p.left === 0) judging.push(finish(p));
      }),
    );
    await Promise.all(judging);
    finished = true;
    if (showTimer) clearTimeout(showTimer);
    showTimer = null;
    // A file that disappeared mid-scan was rotated or deleted; the listing is stale, so look again.
    if (vanished) {
      entry.dirty = true;
      entry.full = true;
    }
    // Forget the analyses of files no longer in any family. Files of the directories not judged
    // again stay cached, so only the judged directories' previous members are looked at.
    const live = new Set(all.map((t) => t.abs));
    const membersOf = new Map<string, string[]>();
    for (const { dir, tasks } of planned) {
      const list = membersOf.get(dir.abs);
      if (list) list.push(...tasks.map((t) => t.abs));
      else membersOf.set(dir.abs, tasks.map((t) => t.abs));
    }
    if (only) {
      for (const dir of only) {
        for (const key of entry.membersByDir.get(dir) ?? []) if (!live.has(key)) entry.cache.delete(key);
        entry.membersByDir.set(dir, membersOf.get(dir) ?? []);
      }
    } else {
      for (const key of entry.cache.keys()) if (!live.has(key)) entry.cache.delete(key);
      entry.membersByDir.clear();
      for (const [dir, keys] of membersOf) entry.membersByDir.set(dir, keys);
    }
    const result = new Map<string, FamilySummary[]>();
    for (const [dir, list] of byDir) result.set(dir, list.map((p) => p.summary!));
    return result;
  };

  /**
   * What is known of a family whose files are not all analyzed yet: the generations as planned,
   * those with a member still to check marked `checking` (health unknown, no verdict), and no
   * fallback until the whole family is judged.
   */
  const checkingFamily = (entry: RootEntry, dir: ListedDir, plan: FamilyPlan, files: ReadonlyMap<string, HashedFileAnalysis>, tasks: readonly MemberTask[]): FamilySummary => {
    const waiting = tasks.filter((t) => !files.has(t.member.path));
    const left = new Set(waiting.map((t) => t.member.path));
    const known = judge(entry, dir, plan, files);
    const bytes = waiting.reduce((sum, t) => sum + t.member.size, 0);
    return {
      ...known,
      health: 'unknown',
      fallbackId: null,
      verdict: `Checking ${waiting.length} ${waiting.length === 1 ? 'file' : 'files'} (${formatBytes(bytes)})…`,
      findings: known.findings.filter((f) => !left.has(f.file)),
      generations: known.generations.map((g) =>
        g.members.some((m) => left.has(m.path)) || (g.members.length === 0 && left.size > 0)
          ? { ...g, health: 'unknown' as const, healthy: false, findings: g.findings.filter((f) => !left.has(f.file)), checking: true as const }
          : g,
      ),
      checking: true,
    };
  };

  /** Summarise one family from its files' analyses; a bug in the checks becomes an `unknown` family. */
  const judge = (entry: RootEntry, dir: ListedDir, plan: FamilyPlan, files: ReadonlyMap<string, HashedFileAnalysis>): FamilySummary => {
    const id = `${dir.abs}::${plan.name}`;
    try {
      return analyzeFamily({ id, name: plan.name, dir: dir.abs, root: entry.ref.path, plan, files }, analysisOf(entry));
    } catch (error) {
      return {
        id,
        name: plan.name,
        dir: dir.abs,
        root: entry.ref.path,
        kind: plan.kind,
        health: 'unknown',
        generations: [],
        currentId: null,
        fallbackId: null,
        verdict: `Checkpoint Doctor could not judge this family (${error instanceof Error ? error.message : String(error)}). Rescan to try again.`,
        findings: [],
      } satisfies FamilySummary;
    }
  };

  const scanOnce = async (entry: RootEntry): Promise<void> => {
    entry.dirty = false;
    const wasGone = entry.state.status === 'missing' || entry.state.status === 'unreadable';
    if (entry.fresh) {
      entry.cache.clear();
      entry.fresh = false;
      entry.full = true;
    }
    const listOptions = { discover: discoverFamilies, roots: roots.map((r) => r.ref) };
    const changedDirs = [...entry.changedDirs];
    entry.changedDirs.clear();
    const wantFull = entry.full || changedDirs.length === 0 || !entry.tree || entry.state.status !== 'ready';
    entry.full = false;
    // A file change lists again only the directories it touched, when that gives exactly what a
    // full listing would; otherwise (and on Rescan, root add, watcher errors) the whole root is listed.
    const partial = wantFull || !entry.tree ? null : await relistTree(entry.tree, changedDirs, listOptions);
    if (closed || !roots.includes(entry)) return;
    if (partial) {
      // The changed folders' families show as checking only when their files take a while.
      const judged = await familiesOf(entry, partial.dirs, partial.changed, {
        graceMs: CHECKING_GRACE_MS,
        show: (byDir) => {
          for (const [dir, families] of byDir) entry.familiesByDir.set(dir, families);
          publish(entry, partial.dirs, partial.problems, true);
        },
      });
      entry.progress = null;
      if (closed || !roots.includes(entry)) return;
      entry.tree = partial.state;
      for (const [dir, families] of judged) entry.familiesByDir.set(dir, families);
      publish(entry, partial.dirs, partial.problems);
      return;
    }
    entry.tree = null;
    entry.familiesByDir = new Map();
    const listing = await listTree(entry.ref, listOptions);
    if (closed || !roots.includes(entry)) return;
    if (listing.kind !== 'ok') {
      entry.cache.clear();
      entry.state = { path: entry.ref.path, status: listing.kind === 'missing' ? 'missing' : 'unreadable', error: listing.message, families: [] };
      changed();
      return;
    }
    if (wasGone && watchEnabled) {
      // The folder is back, but a watcher set up on the old one sees nothing inside the new one.
      // Watch afresh, then list once more to catch anything written before the watch began.
      await revive(entry);
      startWatcher(entry);
      entry.dirty = true;
      entry.full = true;
    }
    // A folder shown for the first time lists its families at once, checking or not; a rescan
    // keeps the previous verdicts on screen unless checking takes a while.
    const judged = await familiesOf(entry, listing.dirs, null, {
      graceMs: entry.state.status === 'ready' ? CHECKING_GRACE_MS : 0,
      show: (byDir) => {
        entry.familiesByDir = new Map(byDir);
        publish(entry, listing.dirs, listing.problems, true);
      },
    });
    entry.progress = null;
    if (closed || !roots.includes(entry)) return;
    entry.tree = listing.state;
    entry.familiesByDir = judged;
    publish(entry, listing.dirs, listing.problems);
  };

  /** Show the families of `dirs`; `checking` while the scan still runs (a first scan stays `scanning`). */
  const publish = (entry: RootEntry, dirs: readonly ListedDir[], problems: readonly string[], checking = false): void => {
    const families = dirs.flatMap((d) => entry.familiesByDir.get(d.abs) ?? []);
    entry.state = {
      path: entry.ref.path,
      status: checking && entry.state.status !== 'ready' ? 'scanning' : 'ready',
      ...(problems.length > 0 ? { error: problems.length === 1 ? problems[0] : `${problems.length} items were skipped: ${problems.join(' ')}` } : {}),
      families,
    };
    changed();
    if (watchEnabled && !entry.watcher) startWatcher(entry);
  };

  /**
   * Scan `entry` now, or once more after the running scan when one is under way. With `change`
   * (a watcher's file changes) only the directories it names are listed again; without, the whole root.
   */
  const scan = (entry: RootEntry, change?: RootChange | null): Promise<void> => {
    entry.dirty = true;
    if (change) for (const dir of change.dirs) entry.changedDirs.add(dir);
    else entry.full = true;
    if (entry.running) return entry.running;
    const run = (async () => {
      try {
        while (entry.dirty && !closed && roots.includes(entry)) {
          try {
            await scanOnce(entry);
          } catch (error) {
            entry.progress = null;
            entry.state = {
              ...entry.state,
              status: entry.state.status === 'scanning' ? 'unreadable' : entry.state.status,
              error: `Scanning ${entry.ref.path} failed unexpectedly (${error instanceof Error ? error.message : String(error)}). Rescan to try again.`,
            };
            changed();
            notice('error', entry.state.error!);
          }
        }
        settled();
      } finally {
        entry.running = null;
      }
    })();
    entry.running = run;
    return run;
  };

  const startWatcher = (entry: RootEntry): void => {
    if (!watchEnabled || entry.watcher || closed) return;
    try {
      entry.watcher = watchRoot(entry.ref.path, {
        debounceMs: options.debounceMs,
        onChange: (change) => void scan(entry, change),
        onError: (message) => {
          notice('warning', message);
          // Changes may have been missed: list everything again.
          void scan(entry);
        },
      });
    } catch (error) {
      notice('warning', `Cannot watch ${entry.ref.path} for changes (${error instanceof Error ? error.message : String(error)}). Use Rescan to refresh.`);
    }
  };

  const addEntry = (path: string, real: string, status: RootState['status'], error?: string): RootEntry => {
    const entry: RootEntry = {
      ref: { path, real },
      state: { path, status, ...(error ? { error } : {}), families: [] },
      watcher: null,
      running: null,
      dirty: false,
      fresh: false,
      expected: savedExpected(path),
      progress: null,
      cache: new Map(),
      tree: null,
      familiesByDir: new Map(),
      membersByDir: new Map(),
      changedDirs: new Set(),
      full: true,
    };
    roots.push(entry);
    changed();
    return entry;
  };

  const findRoot = (path: string): RootEntry | undefined => {
    const wanted = normalize(path).replace(/(.)[\\/]+$/, '$1');
    return roots.find((r) => r.ref.path === wanted);
  };

  /** Open a root from settings or the command line; a missing one is listed with its error. */
  const openInitialRoot = async (input: string): Promise<void> => {
    let path: string;
    try {
      path = absoluteFolder(isAbsolute(input) || input.startsWith('~') ? input : resolve(input));
    } catch (error) {
      startupNotices.push(isEngineError(error) ? error.message : String(error));
      return;
    }
    if (findRoot(path)) return;
    try {
      const real = await inspectFolder(path);
      const entry = addEntry(path, real, 'scanning');
      startWatcher(entry);
      void scan(entry);
    } catch (error) {
      const code = isEngineError(error) ? error.code : 'unreadable';
      addEntry(path, path, code === 'not_found' ? 'missing' : 'unreadable', isEngineError(error) ? error.message : String(error));
    }
  };

  /**
   * A folder that was missing or unreadable may be back (a disk mounted again, permissions fixed):
   * refresh its real path and start a fresh watcher, since the old one watched a folder that went away.
   */
  const revive = async (entry: RootEntry): Promise<void> => {
    try {
      const real = await fs.realpath(entry.ref.path);
      entry.ref = { path: entry.ref.path, real };
    } catch {
      return; // still gone: the scan reports it
    }
    const old = entry.watcher;
    entry.watcher = null;
    await old?.close().catch(() => undefined);
  };

  // Missing folders cannot be watched; look for them every few seconds so one that comes back
  // is picked up without a manual rescan.
  const revivalTimer = watchEnabled
    ? setInterval(() => {
        for (const entry of roots) {
          if (entry.state.status !== 'missing' || entry.running) continue;
          void fs.stat(entry.ref.path).then(
            async (stats) => {
              if (!stats.isDirectory() || closed || !roots.includes(entry)) return;
              await revive(entry);
              void scan(entry);
            },
            () => undefined,
          );
        }
      }, 3000)
    : null;
  revivalTimer?.unref();

  for (const root of options.roots ?? settings.roots) await openInitialRoot(root);
  recover(roots.map((r) => r.ref.path));
  if (options.roots && options.host !== 'cli') {
    for (const r of roots) settings = { ...settings, recent: pushRecent(settings.recent, r.ref.path) };
    if (roots.length > 0) void save();
  }

  const lookupGeneration = (generationId: string): { family: FamilySummary; generation: GenerationSummary; entry: RootEntry } => {
    for (const entry of roots) {
      for (const family of entry.state.families) {
        if (!generationId.startsWith(`${family.id}#`)) continue;
        const generation = family.generations.find((g) => g.id === generationId);
        if (generation) return { family, generation, entry };
      }
    }
    throw new EngineError('not_found', 'That generation is no longer on disk or no longer in the list (it was probably rotated away or deleted). Pick it again from the refreshed list.');
  };

  const engine: Engine = {
    startupNotices,
    rollback,
    getSnapshot: buildSnapshot,

    async addRoot(input: string): Promise<ActionResult> {
      try {
        const path = absoluteFolder(input);
        const existing = findRoot(path);
        const real = await inspectFolder(path);
        if (existing) {
          if (existing.state.status !== 'ready') void scan(existing);
          return { kind: 'ok' };
        }
        const entry = addEntry(path, real, 'scanning');
        settings = { ...settings, recent: pushRecent(settings.recent, path) };
        await save();
        startWatcher(entry);
        void scan(entry);
        recover([path]);
        return { kind: 'ok' };
      } catch (error) {
        return actionError(error);
      }
    },

    async removeRoot(input: string): Promise<ActionResult> {
      try {
        const entry = findRoot(absoluteFolder(input));
        if (!entry) return { kind: 'error', code: 'not_found', message: `${input} is not in the list of watched folders, so there is nothing to remove.` };
        roots.splice(roots.indexOf(entry), 1);
        entry.progress = null;
        await entry.watcher?.close();
        entry.watcher = null;
        entry.cache.clear();
        if (persistRoots && savedExpected(entry.ref.path) !== null) {
          const { [entry.ref.path]: _dropped, ...rest } = settings.expectedSchema ?? {};
          settings = { ...settings, expectedSchema: rest };
        }
        changed();
        await save();
        return { kind: 'ok' };
      } catch (error) {
        return actionError(error);
      }
    },

    async rescan(): Promise<ActionResult> {
      try {
        await Promise.all(
          roots.map(async (entry) => {
            // A folder that was missing may be back (a disk was mounted again).
            if (entry.state.status === 'missing' || entry.state.status === 'unreadable') await revive(entry);
            entry.fresh = true;
            await scan(entry);
          }),
        );
        return { kind: 'ok' };
      } catch (error) {
        return actionError(error);
      }
    },

    async setExpectedSchemaVersion(input: string, version: string | null): Promise<ActionResult> {
      try {
        const entry = findRoot(absoluteFolder(input));
        if (!entry) return { kind: 'error', code: 'not_found', message: `${input} is not in the list of watched folders. Add it first, then set the schema version it should have.` };
        const wanted = version?.trim() || null;
        if (wanted !== null && wanted.length > MAX_SCHEMA_VERSION_LENGTH) {
          throw new EngineError('bad_request', `A schema version is at most ${MAX_SCHEMA_VERSION_LENGTH} characters; that one has ${wanted.length}.`);
        }
        if (wanted === entry.expected) return { kind: 'ok' };
        entry.expected = wanted;
        const { [entry.ref.path]: _previous, ...others } = settings.expectedSchema ?? {};
        settings = { ...settings, expectedSchema: wanted === null ? others : { ...others, [entry.ref.path]: wanted } };
        changed();
        await save();
        // Unchanged files come from the cache, so this only judges the families again.
        await scan(entry);
        return { kind: 'ok' };
      } catch (error) {
        return actionError(error);
      }
    },

    async readGeneration(generationId: string, memberPath?: string): Promise<GenerationContent> {
      const { family, generation } = lookupGeneration(generationId);
      const member = memberPath ?? generation.mainPath;
      const abs = resolve(family.dir, member);
      const real = await resolveInsideRoots(roots.map((r) => r.ref), abs);
      const known = generation.members.find((m) => resolve(family.dir, m.path) === abs);
      if (!known || !isInside(family.dir, abs)) {
        throw new EngineError('not_found', `${member} is not a file of generation ${generation.label}. Its files are: ${generation.members.map((m) => m.path).join(', ')}.`);
      }
      const stored = [...generation.findings, ...family.findings].filter((f) => f.file === known.path);
      const pointers = [...new Set(stored.flatMap((f) => (f.pointer !== undefined ? [f.pointer] : [])))];
      const offsets = [...new Set(stored.flatMap((f) => (f.offset !== undefined ? [f.offset] : [])))];
      let reply;
      try {
        reply = await pool.run({ kind: 'read', path: real, file: known.path, maxBytes: maxAnalyzeBytes, maxChars: maxTextChars, pointers, offsets });
      } catch (error) {
        throw new EngineError('internal', `Checkpoint Doctor could not open ${known.path} for display (${error instanceof Error ? error.message : String(error)}). Try again; the health verdict is unaffected.`);
      }
      if (reply.kind === 'vanished') {
        throw new EngineError('not_found', `${known.path} is no longer on disk (it was probably rotated or deleted). The list refreshes on its own.`);
      }
      if (reply.kind === 'unreadable') throw new EngineError('unreadable', reply.message);
      const seen = new Set<string>();
      const findings = [...stored, ...reply.findings].filter((f) => {
        const key = findingKey(f);
        return !seen.has(key) && seen.add(key);
      });
      return {
        generationId,
        path: known.path,
        view: reply.view,
        language: reply.view === 'decoded' ? 'json' : 'plaintext',
        text: reply.text,
        truncated: reply.truncated,
        ...(reply.note ? { note: reply.note } : {}),
        locations: reply.locations,
        findings,
        members: generation.members.map((m) => m.path),
      };
    },

    diffGenerations: (aId, bId) => views.diffGenerations(aId, bId),

    driftOf: (generationId, loader) => views.driftOf(generationId, loader),

    async pickFolder(): Promise<string | null> {
      return options.pickFolder ? options.pickFolder() : null;
    },

    getCapabilities(): Capabilities {
      return { nativeFolderPicker: options.host === 'electron' && options.pickFolder !== undefined, host: options.host === 'electron' ? 'electron' : 'serve' };
    },

    onEvent(listener: (event: EngineEvent) => void): () => void {
      listeners.add(listener);
      if (startupNotices.length > 0) {
        queueMicrotask(() => {
          if (!listeners.has(listener)) return;
          for (const message of startupNotices) {
            try {
              listener({ type: 'notice', level: 'warning', message });
            } catch {
              // ignore a failing listener
            }
          }
        });
      }
      return () => listeners.delete(listener);
    },

    async whenIdle(): Promise<void> {
      for (;;) {
        const running = roots.map((r) => r.running).filter((p): p is Promise<void> => p !== null);
        if (running.length === 0) return;
        await Promise.all(running);
      }
    },

    stats: () => pool.stats(),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (emitTimer) clearTimeout(emitTimer);
      if (revivalTimer) clearInterval(revivalTimer);
      listeners.clear();
      await Promise.all(roots.map((r) => r.watcher?.close()));
      await pool.close();
      await Promise.all(roots.map((r) => r.running?.catch(() => undefined)));
      await store.idle();
    },
  };
  return engine;
}
