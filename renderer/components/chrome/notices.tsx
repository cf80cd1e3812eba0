/**
 * Engine notices and failed actions as toasts in the corner. Errors and warnings stay until
 * dismissed (at 3 a.m. nobody should have to catch a message before it fades); info fades.
 */
import { useEffect } from 'react';
import { useAppStore } from '../../store/app-store';
import type { Notice } from '../../store/notices-slice';
import { AlertIcon, CloseIcon, InfoIcon, StopIcon } from '../common/icons';

const INFO_LIFETIME_MS = 6000;

function Toast({ notice }: { readonly notice: Notice }) {
  const noticeDismissed = useAppStore((s) => s.noticeDismissed);
  useEffect(() => {
    if (notice.level !== 'info') return;
    const timer = setTimeout(() => noticeDismissed(notice.id), INFO_LIFETIME_MS);
    return () => clearTimeout(timer);
  }, [notice.id, notice.level, notice.count, noticeDismissed]);
  const Icon = notice.level === 'error' ? StopIcon : notice.level === 'warning' ? AlertIcon : InfoIcon;
  return (
    <div className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'} data-testid="notice" data-level={notice.level}>
      <span className="notice-icon">
        <Icon size={16} />
      </span>
      <p className="notice-message">
        {notice.message}
        {notice.count > 1 ? <span className="notice-count"> ×{notice.count}</span> : null}
      </p>
      <button type="button" className="icon-button" aria-label="Dismiss" data-testid="notice-dismiss" onClick={() => noticeDismissed(notice.id)}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

/** The toast stack. */
export function Notices() {
  const notices = useAppStore((s) => s.notices);
  return (
    <section className="notices" aria-label="Notifications">
      {notices.map((notice) => (
        <Toast key={notice.id} notice={notice} />
      ))}
    </section>
  );
}
