/**
 * Rollback, quarantine, undo and history, as the window runs them. The dialog is a popup (data);
 * this slice holds where the operation it shows stands. Nothing is written before
 * `rollbackConfirmed`: requesting only asks the engine for a plan.
 */
import type { HistoryEntry, OperationOutcome, PlanView, UndoHandle } from '../../shared/api/rollback-contract';
import { errorMessage } from '../api/api-error';
import type { SliceCreator } from './slice';

/** Where the operation in the dialog stands. */
export type RollbackStage =
  | { readonly kind: 'planning' }
  | { readonly kind: 'plan-failed'; readonly message: string }
  /** The plan is shown; `refusal` is the engine's last "no" (nothing written), to be read before retrying. */
  | { readonly kind: 'reviewing'; readonly plan: PlanView; readonly refusal: Extract<OperationOutcome, { kind: 'refused' }> | null }
  | { readonly kind: 'running'; readonly plan: PlanView | null; readonly what: 'operation' | 'undo' }
  | { readonly kind: 'finished'; readonly plan: PlanView | null; readonly outcome: OperationOutcome };

/** The history panel's content. */
export type HistoryState =
  | { readonly kind: 'loading'; readonly folder: string }
  | { readonly kind: 'loaded'; readonly folder: string; readonly entries: readonly HistoryEntry[] }
  | { readonly kind: 'failed'; readonly folder: string; readonly message: string };

/** The rollback slice. */
export interface RollbackSlice {
  readonly rollbackStage: RollbackStage | null;
  readonly history: HistoryState | null;
  /** The person asked to roll a family back to a generation: open the dialog and fetch the plan. */
  rollbackRequested(familyId: string, targetGenerationId: string): Promise<void>;
  /** The person asked to move a broken generation aside. */
  quarantineRequested(generationId: string): Promise<void>;
  /** The person confirmed the plan in the dialog. */
  rollbackConfirmed(typedName: string): Promise<void>;
  /** The person asked to undo the operation that just ran (or an entry of the history). */
  undoRequested(handle: UndoHandle): Promise<void>;
  /** The dialog was closed (Cancel, Escape, Close). */
  rollbackDialogClosed(): void;
  /** The person opened the history of a folder. */
  historyOpened(folder: string): Promise<void>;
  /** The history panel was closed. */
  historyClosed(): void;
}

export const createRollbackSlice: SliceCreator<RollbackSlice> =
  ({ api }) =>
  (set, get) => {
    /** A plan answer for a dialog that is still the one open (the person may have closed it). */
    const planArrived = (stage: RollbackStage): void => {
      if (get().rollbackStage?.kind === 'planning') set({ rollbackStage: stage });
    };
    const openPlan = async (ask: () => Promise<PlanView>): Promise<void> => {
      set({ rollbackStage: { kind: 'planning' } });
      if (get().popups[get().popups.length - 1]?.type !== 'rollback') get().popupOpened({ type: 'rollback' });
      try {
        planArrived({ kind: 'reviewing', plan: await ask(), refusal: null });
      } catch (error) {
        planArrived({ kind: 'plan-failed', message: errorMessage(error) });
      }
    };
    const refreshHistory = (): void => {
      const history = get().history;
      if (history) void get().historyOpened(history.folder);
    };

    return {
      rollbackStage: null,
      history: null,

      rollbackRequested: (familyId, targetGenerationId) => openPlan(() => api.planRollback(familyId, targetGenerationId)),

      quarantineRequested: (generationId) => openPlan(() => api.planQuarantine(generationId)),

      async rollbackConfirmed(typedName) {
        const stage = get().rollbackStage;
        if (stage?.kind !== 'reviewing' || stage.plan.blockers.length > 0) return;
        const { plan } = stage;
        set({ rollbackStage: { kind: 'running', plan, what: 'operation' } });
        let outcome: OperationOutcome;
        try {
          const request = { token: plan.token, confirmation: plan.risky ? { typedName } : {} };
          outcome = plan.kind === 'rollback' ? await api.executeRollback(request) : await api.executeQuarantine(request);
        } catch (error) {
          // The request may or may not have reached the engine: say so rather than guess.
          outcome = {
            kind: 'failed',
            code: 'no_answer',
            message: `No answer from Checkpoint Doctor (${errorMessage(error)}). The operation may or may not have run: open the History to see, before trying again.`,
            generation: 'mixed',
            backupDir: null,
          };
        }
        set({ rollbackStage: outcome.kind === 'refused' ? { kind: 'reviewing', plan, refusal: outcome } : { kind: 'finished', plan, outcome } });
        refreshHistory();
      },

      async undoRequested(handle) {
        const stage = get().rollbackStage;
        const plan = stage && 'plan' in stage ? stage.plan : null;
        if (get().popups[get().popups.length - 1]?.type !== 'rollback') get().popupOpened({ type: 'rollback' });
        set({ rollbackStage: { kind: 'running', plan, what: 'undo' } });
        let outcome: OperationOutcome;
        try {
          outcome = await api.undoLast(handle.dir, handle.entryId);
        } catch (error) {
          outcome = { kind: 'failed', code: 'no_answer', message: `No answer from Checkpoint Doctor (${errorMessage(error)}). Open the History to see whether the undo ran.`, generation: 'mixed', backupDir: null };
        }
        set({ rollbackStage: { kind: 'finished', plan, outcome } });
        refreshHistory();
      },

      rollbackDialogClosed() {
        if (get().rollbackStage?.kind === 'running') return;
        set({ rollbackStage: null });
        if (get().popups[get().popups.length - 1]?.type === 'rollback') get().popupClosed();
      },

      async historyOpened(folder) {
        if (get().history?.folder !== folder) set({ history: { kind: 'loading', folder } });
        if (!get().popups.some((p) => p.type === 'history')) get().popupOpened({ type: 'history' });
        try {
          const entries = await api.getHistory(folder);
          if (get().history?.folder === folder) set({ history: { kind: 'loaded', folder, entries } });
        } catch (error) {
          if (get().history?.folder === folder) set({ history: { kind: 'failed', folder, message: errorMessage(error) } });
        }
      },

      historyClosed() {
        set({ history: null });
        if (get().popups[get().popups.length - 1]?.type === 'history') get().popupClosed();
      },
    };
  };
