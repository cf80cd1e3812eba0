/**
 * The Diff and Drift tabs: which two generations are compared, the engine's answers, progress
 * of a long diff, filters, and which row the person asked to see.
 *
 * Like the content slice, a load is keyed by what it is for (ids plus the generations'
 * fingerprints): an answer for another key arrived too late and is dropped, and a new write of
 * either generation reloads while the old answer stays on screen.
 */
import type { DiffView, DriftView, DriftViewVerdict, JobProgress } from '../../shared/api/contract';
import { decodeFailureOf, type FamilySummary, type GenerationSummary } from '../../shared/model/workspace';
import { ApiError, errorMessage } from '../api/api-error';
import { findFamily, findGeneration } from './selectors';
import type { AppState } from './app-store';
import type { SliceCreator } from './slice';

/** A diff being shown, or why not. */
export type DiffState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly key: string; readonly progress: { readonly done: number; readonly total: number } | null; readonly previous: DiffView | null }
  | { readonly status: 'ready'; readonly key: string; readonly view: DiffView }
  | { readonly status: 'error'; readonly key: string; readonly message: string; readonly retryable: boolean };

/** A drift table being shown, or why not. */
export type DriftState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly key: string; readonly previous: DriftView | null }
  | { readonly status: 'ready'; readonly key: string; readonly view: DriftView }
  | { readonly status: 'error'; readonly key: string; readonly message: string; readonly retryable: boolean };

/** A row the person activated; `seq` makes activating it again reveal again. */
export interface RowReveal {
  readonly index: number;
  readonly seq: number;
}

/** Every verdict the drift table can filter on, most severe first. */
export const DRIFT_VERDICTS: readonly DriftViewVerdict[] = ['dropped', 'lossy', 'coerced'];

/** The two generations to compare: `a` on the left (older), `b` on the right. */
export interface DiffPair {
  readonly a: GenerationSummary;
  readonly b: GenerationSummary;
}

/** The diff-and-drift slice. */
export interface DiffDriftSlice {
  /** Sides the person picked, for one family; null uses the default pair. */
  readonly diffPick: { readonly familyId: string; readonly aId: string; readonly bId: string } | null;
  readonly diff: DiffState;
  readonly diffReveal: RowReveal | null;
  readonly drift: DriftState;
  readonly driftLoader: 'python' | 'js';
  /** Verdicts shown in the table. */
  readonly driftFilter: readonly DriftViewVerdict[];
  readonly driftReveal: RowReveal | null;

  /** The person picked the two sides of the diff. */
  diffSidesPicked(aId: string, bId: string): void;
  /** Load the diff of the current pair unless it is loaded (or loading) already. */
  diffRequested(options?: { readonly retry?: boolean }): Promise<void>;
  /** The person clicked (or pressed Enter on) change `index`. */
  diffChangeActivated(index: number): void;
  /** The engine reported how far a diff got. */
  jobProgressReceived(progress: JobProgress): void;
  /** Load the drift of the selected generation unless it is loaded (or loading) already. */
  driftRequested(options?: { readonly retry?: boolean }): Promise<void>;
  /** The person switched the loader whose semantics the table follows. */
  driftLoaderSelected(loader: 'python' | 'js'): void;
  /** The person showed or hid one verdict. */
  driftFilterToggled(verdict: DriftViewVerdict): void;
  /** The person clicked (or pressed Enter on) entry `index` of the drift view. */
  driftEntryActivated(index: number): void;
}

function fingerprint(g: GenerationSummary): string {
  return `${g.sha256}:${g.size}:${g.mtimeMs}`;
}

/**
 * Engine and transport codes of a failure that can pass on a second try: the file vanished or
 * changed while it was read (`not_found`), the worker crashed, timed out or was stopped
 * (`internal`), the answer was lost on the way. Anything else (`unreadable`: the file does not
 * decode, is too large or cannot be read; `not_applicable`; …) fails the same way again.
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['not_found', 'internal', 'timeout', 'disconnected', 'bad_response']);

/** True when trying the same request again may succeed; an error without a code may. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError ? RETRYABLE_CODES.has(error.code) : true;
}

/**
 * The default sides for `selected`, among the generations that decode (a diff of one that does
 * not can only fail): against the current generation (or the newest that decodes, when the current
 * does not), the fallback or the previous generation, newer on the right. A selected generation
 * that does not decode gives way to the two newest that do. With fewer than two that decode, the
 * pair is chosen among all generations as if each decoded, and {@link nothingToCompare} says why
 * it is not compared.
 */
export function defaultDiffPair(family: FamilySummary, selected: GenerationSummary): DiffPair | null {
  const current = family.generations.find((g) => g.id === family.currentId) ?? null;
  const decoding = family.generations.filter((g) => !decodeFailureOf(g));
  if (decoding.length < 2) return pairAmong(family.generations, current, family, selected);
  if (!decoding.includes(selected)) return { a: decoding[1], b: decoding[0] };
  // A current generation that does not decode is stood in for by the newest that does.
  return pairAmong(decoding, current && !decoding.includes(current) ? decoding[0] : current, family, selected);
}

function pairAmong(gens: readonly GenerationSummary[], current: GenerationSummary | null, family: FamilySummary, selected: GenerationSummary): DiffPair | null {
  const index = gens.findIndex((g) => g.id === selected.id);
  const fallback = gens.find((g) => g.id === family.fallbackId) ?? null;
  const previous = gens[index + 1] ?? null;
  if (current && current.id !== selected.id) return { a: selected, b: current };
  if (fallback && fallback.id !== selected.id) return { a: fallback, b: selected };
  if (previous) return { a: previous, b: selected };
  const newer = gens[index - 1];
  return newer ? { a: selected, b: newer } : null;
}

/** Labels of `gens`, the first three and how many more. */
function labels(gens: readonly GenerationSummary[]): string {
  const named = gens.slice(0, 3).map((g) => `${g.label} (${decodeFailureOf(g)?.code ?? 'unknown'})`);
  if (gens.length > 3) named.push(`${gens.length - 3} more`);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

/**
 * Why `family` has no default pair worth comparing: fewer than two of its generations decode.
 * Null when two do (or the family has one generation, which the tab says on its own).
 */
export function nothingToCompare(family: FamilySummary): string | null {
  const gens = family.generations;
  if (gens.length < 2) return null;
  const decoding: GenerationSummary[] = [];
  const broken: GenerationSummary[] = [];
  for (const g of gens) (decodeFailureOf(g) ? broken : decoding).push(g);
  if (decoding.length >= 2) return null;
  const verb = broken.length === 1 ? 'does' : 'do';
  if (decoding.length === 1) {
    return `Only one generation of ${family.name} decodes (${decoding[0].label}); there is nothing to compare it with. ${labels(broken)} ${verb} not decode.`;
  }
  return `No generation of ${family.name} decodes, so there is nothing to compare: ${labels(broken)} ${verb} not decode.`;
}

/** The sides of the selected family the person picked, when both still exist. */
function pickedPair(state: AppState, family: FamilySummary): DiffPair | null {
  const pick = state.diffPick;
  if (!pick || pick.familyId !== family.id) return null;
  const a = findGeneration(family, pick.aId);
  const b = findGeneration(family, pick.bId);
  return a && b ? { a, b } : null;
}

/** The pair the Diff tab compares now: the person's pick when it still exists, else the default. */
export function selectDiffPair(state: AppState): DiffPair | null {
  const family = findFamily(state.snapshot, state.selectedFamilyId);
  const selected = findGeneration(family, state.selectedGenerationId);
  if (!family || !selected) return null;
  return pickedPair(state, family) ?? defaultDiffPair(family, selected);
}

/**
 * Why the Diff tab does not compare its default pair (fewer than two generations decode), or
 * null. A pair the person picked is always compared: the engine then says what does not decode.
 */
export function selectDiffBlocked(state: AppState): string | null {
  const family = findFamily(state.snapshot, state.selectedFamilyId);
  if (!family || !findGeneration(family, state.selectedGenerationId) || pickedPair(state, family)) return null;
  return nothingToCompare(family);
}

/** The load key of a pair. */
export function diffKey(pair: DiffPair): string {
  return JSON.stringify([pair.a.id, pair.b.id, fingerprint(pair.a), fingerprint(pair.b)]);
}

function driftKey(g: GenerationSummary, loader: 'python' | 'js'): string {
  return JSON.stringify([g.id, loader, g.members.map((m) => `${m.path}:${m.sha256}:${m.size}:${m.mtimeMs}`)]);
}

export const createDiffDriftSlice: SliceCreator<DiffDriftSlice> = ({ api }) => (set, get) => ({
  diffPick: null,
  diff: { status: 'idle' },
  diffReveal: null,
  drift: { status: 'idle' },
  driftLoader: 'python',
  driftFilter: DRIFT_VERDICTS,
  driftReveal: null,

  diffSidesPicked(aId, bId) {
    const familyId = get().selectedFamilyId;
    if (!familyId) return;
    set({ diffPick: { familyId, aId, bId }, diffReveal: null });
    void get().diffRequested();
  },

  async diffRequested(options) {
    const pair = selectDiffPair(get());
    if (!pair || selectDiffBlocked(get())) {
      if (get().diff.status !== 'idle') set({ diff: { status: 'idle' }, diffReveal: null });
      return;
    }
    const key = diffKey(pair);
    const shown = get().diff;
    if (shown.status !== 'idle' && shown.key === key && !(options?.retry && shown.status === 'error')) return;
    const previous = shown.status === 'ready' ? shown.view : shown.status === 'loading' ? shown.previous : null;
    set({ diff: { status: 'loading', key, progress: null, previous }, diffReveal: null });
    try {
      const view = await api.diffGenerations(pair.a.id, pair.b.id);
      const now = get().diff;
      if (now.status === 'loading' && now.key === key) set({ diff: { status: 'ready', key, view } });
    } catch (error) {
      const now = get().diff;
      if (now.status === 'loading' && now.key === key) set({ diff: { status: 'error', key, message: errorMessage(error), retryable: isRetryable(error) } });
    }
  },

  diffChangeActivated(index) {
    set({ diffReveal: { index, seq: (get().diffReveal?.seq ?? 0) + 1 } });
  },

  jobProgressReceived(progress) {
    const now = get().diff;
    if (progress.job !== 'diff' || now.status !== 'loading') return;
    const [aId, bId] = JSON.parse(now.key) as string[];
    if (progress.key !== `${aId}\n${bId}`) return;
    set({ diff: { ...now, progress: { done: progress.done, total: progress.total } } });
  },

  async driftRequested(options) {
    const family = findFamily(get().snapshot, get().selectedFamilyId);
    const generation = findGeneration(family, get().selectedGenerationId);
    if (!generation) {
      if (get().drift.status !== 'idle') set({ drift: { status: 'idle' }, driftReveal: null });
      return;
    }
    const loader = get().driftLoader;
    const key = driftKey(generation, loader);
    const shown = get().drift;
    if (shown.status !== 'idle' && shown.key === key && !(options?.retry && shown.status === 'error')) return;
    const previous = shown.status === 'ready' ? shown.view : shown.status === 'loading' ? shown.previous : null;
    set({ drift: { status: 'loading', key, previous }, driftReveal: null });
    try {
      const view = await api.driftOf(generation.id, loader);
      const now = get().drift;
      if (now.status === 'loading' && now.key === key) set({ drift: { status: 'ready', key, view } });
    } catch (error) {
      const now = get().drift;
      if (now.status === 'loading' && now.key === key) set({ drift: { status: 'error', key, message: errorMessage(error), retryable: isRetryable(error) } });
    }
  },

  driftLoaderSelected(loader) {
    if (get().driftLoader === loader) return;
    set({ driftLoader: loader });
    void get().driftRequested();
  },

  driftFilterToggled(verdict) {
    const shown = get().driftFilter;
    set({ driftFilter: shown.includes(verdict) ? shown.filter((v) => v !== verdict) : DRIFT_VERDICTS.filter((v) => v === verdict || shown.includes(v)) });
  },

  driftEntryActivated(index) {
    set({ driftReveal: { index, seq: (get().driftReveal?.seq ?? 0) + 1 } });
  },
});
