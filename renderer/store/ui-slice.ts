/**
 * Window-level view state that is not about the engine: which detail tab is open and where the
 * keyboard focus was asked to go (shortcuts ask; the owning component moves the focus).
 */
import type { SliceCreator } from './slice';

/**
 * Tabs of the generation detail pane. `value` is the decoded text with its findings; a diff or
 * drift view is added by extending this union and the tab list in `generation-detail.tsx`.
 */
export type DetailTab = 'value' | 'diff' | 'drift';

/** Places a shortcut can send the keyboard focus to. */
export type FocusTarget = 'add-folder' | 'generations' | 'findings';

/** The ui slice. */
export interface UiSlice {
  readonly detailTab: DetailTab;
  /** The latest focus request; `seq` makes a repeated shortcut work again. */
  readonly focusRequest: { readonly target: FocusTarget; readonly seq: number } | null;
  detailTabSelected(tab: DetailTab): void;
  focusRequested(target: FocusTarget): void;
}

export const createUiSlice: SliceCreator<UiSlice> = () => (set, get) => ({
  detailTab: 'value',
  focusRequest: null,
  detailTabSelected(tab) {
    set({ detailTab: tab });
  },
  focusRequested(target) {
    set({ focusRequest: { target, seq: (get().focusRequest?.seq ?? 0) + 1 } });
  },
});
