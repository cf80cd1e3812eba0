/**
 * Things the person should know that are not about one checkpoint: engine notices ("watcher
 * restarted"), failed actions. Shown as dismissible toasts; repeats are folded into a count
 * rather than stacked.
 */
import type { SliceCreator } from './slice';

/** How much a notice matters. `info` ones go away on their own. */
export type NoticeLevel = 'info' | 'warning' | 'error';

/** One toast. */
export interface Notice {
  readonly id: number;
  readonly level: NoticeLevel;
  readonly message: string;
  /** How many times this same message arrived in a row. */
  readonly count: number;
}

/** At most this many toasts stay on screen; older ones are dropped first. */
export const MAX_NOTICES = 4;

/** The notices slice. */
export interface NoticesSlice {
  readonly notices: readonly Notice[];
  readonly nextNoticeId: number;
  /** The engine or an action reported something. */
  noticeRaised(level: NoticeLevel, message: string): void;
  /** The person closed a toast (or an info toast timed out). */
  noticeDismissed(id: number): void;
}

export const createNoticesSlice: SliceCreator<NoticesSlice> = () => (set, get) => ({
  notices: [],
  nextNoticeId: 1,

  noticeRaised(level, message) {
    const { notices, nextNoticeId } = get();
    const last = notices[notices.length - 1];
    if (last && last.level === level && last.message === message) {
      set({ notices: [...notices.slice(0, -1), { ...last, count: last.count + 1 }] });
      return;
    }
    set({
      notices: [...notices, { id: nextNoticeId, level, message, count: 1 }].slice(-MAX_NOTICES),
      nextNoticeId: nextNoticeId + 1,
    });
  },

  noticeDismissed(id) {
    set({ notices: get().notices.filter((notice) => notice.id !== id) });
  },
});
