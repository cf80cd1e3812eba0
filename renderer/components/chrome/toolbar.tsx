/** The top bar: where you are, whether the engine is there, and the window-wide actions. */
import { baseName } from '../../format/paths';
import { useAppStore } from '../../store/app-store';
import { selectSelectedFamily } from '../../store/selectors';
import { KeyboardIcon, RefreshIcon } from '../common/icons';

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  failed: 'Not connected',
} as const;

/** The toolbar. */
export function Toolbar() {
  const family = useAppStore(selectSelectedFamily);
  const connection = useAppStore((s) => s.connection.status);
  const host = useAppStore((s) => s.capabilities?.host);
  const scanning = useAppStore((s) => s.snapshot?.progress != null);
  const rescanRequested = useAppStore((s) => s.rescanRequested);
  const popupOpened = useAppStore((s) => s.popupOpened);

  return (
    <header className="toolbar" role="banner">
      <div className="app-name">
        <span className="app-mark" aria-hidden="true" />
        Checkpoint Doctor
      </div>
      <nav className="breadcrumb" aria-label="Location">
        {family ? (
          <>
            <span title={family.root}>{baseName(family.root)}</span>
            <span aria-hidden="true" className="crumb-sep">
              ›
            </span>
            <span className="crumb-current" aria-current="page">
              {family.name}
            </span>
          </>
        ) : null}
      </nav>
      <div className="toolbar-actions">
        {host === 'serve' || connection !== 'open' ? (
          <span className={`connection-pill connection-${connection}`} data-testid="connection-status" data-status={connection} title={host === 'serve' ? `Engine at ${location.host}` : undefined}>
            <span className="dot" aria-hidden="true" />
            {CONNECTION_TEXT[connection]}
          </span>
        ) : null}
        <button type="button" className="button" data-testid="rescan-button" onClick={() => void rescanRequested()} disabled={connection !== 'open'} title="Rescan every folder (F5)">
          <RefreshIcon size={14} className={scanning ? 'spin' : undefined} />
          Rescan
        </button>
        <button type="button" className="icon-button" onClick={() => popupOpened({ type: 'keyboard-shortcuts' })} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          <KeyboardIcon size={16} />
        </button>
      </div>
    </header>
  );
}
