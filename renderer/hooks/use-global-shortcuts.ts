/**
 * Window-wide keys: Ctrl/Cmd+O adds a folder, F5 and Ctrl/Cmd+R rescan (instead of reloading
 * the page and losing the view), `?` lists the shortcuts. The browser's own meaning of these
 * keys is suppressed on purpose.
 */
import { useEffect } from 'react';
import type { AppStore } from '../store/app-store';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.closest('.monaco-editor') !== null;
}

/** Install the shortcuts on `window` for the life of the component. */
export function useGlobalShortcuts(store: AppStore): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const state = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (state.popups.length > 0) return;
      if (mod && !event.shiftKey && !event.altKey && key === 'o') {
        event.preventDefault();
        if (state.capabilities?.nativeFolderPicker) void state.folderPickRequested();
        else state.focusRequested('add-folder');
      } else if (event.key === 'F5' || (mod && !event.shiftKey && key === 'r')) {
        event.preventDefault();
        void state.rescanRequested();
      } else if (event.key === '?' && !mod && !typingIn(event.target)) {
        event.preventDefault();
        state.popupOpened({ type: 'keyboard-shortcuts' });
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store]);
}
