/**
 * Renders the top popup of the store's stack. A dialog is modal: focus moves into it, Tab stays
 * inside, Escape closes it, and focus returns to where it was.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useAppStore } from '../../store/app-store';
import type { Popup } from '../../store/popups-slice';
import { HistoryDialog } from '../history/history-dialog';
import { RollbackDialog } from '../rollback/rollback-dialog';
import { KeyboardShortcutsDialog } from './keyboard-shortcuts-dialog';

/** A modal frame shared by every dialog. `role` is `alertdialog` for destructive confirmations. */
export function DialogFrame({
  title,
  role = 'dialog',
  onClose,
  children,
  testId,
}: {
  readonly title: string;
  readonly role?: 'dialog' | 'alertdialog';
  readonly onClose: () => void;
  readonly children: ReactNode;
  readonly testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? box.current?.querySelector<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])');
    (first ?? box.current)?.focus();
    return () => previous?.focus?.();
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !box.current) return;
    const focusable = Array.from(box.current.querySelectorAll<HTMLElement>('button:not([disabled]), [href], input, select, textarea, [tabindex]:not([tabindex="-1"])'));
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div className="dialog" role={role} aria-modal="true" aria-labelledby="dialog-title" ref={box} tabIndex={-1} onKeyDown={onKeyDown} data-testid={testId ?? 'dialog'}>
        <h2 id="dialog-title">{title}</h2>
        {children}
      </div>
    </div>
  );
}

function renderPopup(popup: Popup, close: () => void) {
  switch (popup.type) {
    case 'keyboard-shortcuts':
      return <KeyboardShortcutsDialog onClose={close} />;
    case 'rollback':
      return <RollbackDialog />;
    case 'history':
      return <HistoryDialog />;
  }
}

/** The top popup, if any. */
export function DialogHost() {
  const top = useAppStore((s) => s.popups[s.popups.length - 1] ?? null);
  const popupClosed = useAppStore((s) => s.popupClosed);
  return top ? renderPopup(top, popupClosed) : null;
}
