/**
 * Popups are data: a stack of dialog descriptions, the top one rendered by `DialogHost`. A new
 * dialog (rollback confirmation, undo) is one more member of `Popup` and one more case there.
 */
import type { SliceCreator } from './slice';

/** Every dialog the window can show. */
export type Popup =
  | { readonly type: 'keyboard-shortcuts' }
  /** The rollback / quarantine confirmation; its progress lives in the rollback slice. */
  | { readonly type: 'rollback' }
  /** The history panel of a folder; its content lives in the rollback slice. */
  | { readonly type: 'history' };

/** The popups slice. */
export interface PopupsSlice {
  readonly popups: readonly Popup[];
  /** Something asked for a dialog; it goes on top. */
  popupOpened(popup: Popup): void;
  /** The top dialog was closed (Escape, Cancel, or done). */
  popupClosed(): void;
}

export const createPopupsSlice: SliceCreator<PopupsSlice> = () => (set, get) => ({
  popups: [],
  popupOpened(popup) {
    set({ popups: [...get().popups, popup] });
  },
  popupClosed() {
    set({ popups: get().popups.slice(0, -1) });
  },
});
