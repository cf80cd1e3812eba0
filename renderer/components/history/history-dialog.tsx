/**
 * The history of a folder, read from its audit log: every rollback, undo and quarantine, when,
 * from which bytes to which, and where the backup is. The newest entry can be undone from here
 * (the undo is itself recorded and undoable, as VS Code's local history restores additively).
 */
import type { HistoryEntry } from '../../../shared/api/rollback-contract';
import { absoluteTime } from '../../format/time';
import { useAppStore } from '../../store/app-store';
import { DialogFrame } from '../chrome/dialog-host';
import '../../styles/rollback.css';

const OP_LABEL: Readonly<Record<HistoryEntry['op'], string>> = { rollback: 'Rollback', undo: 'Undo', quarantine: 'Quarantine' };

function short(sha: string | null): string {
  return sha === null ? 'none' : sha.slice(0, 12);
}

function Entry({ entry, undoable }: { readonly entry: HistoryEntry; readonly undoable: boolean }) {
  const undoRequested = useAppStore((s) => s.undoRequested);
  const when = Date.parse(entry.when);
  return (
    <li className="history-entry" data-testid="history-entry" data-op={entry.op} data-id={entry.id}>
      <div className="history-entry-head">
        <span className={`history-op op-${entry.op}`}>{OP_LABEL[entry.op]}</span>
        <span className="mono">{entry.family}</span>
        <time dateTime={entry.when} className="muted" title={entry.when}>
          {Number.isNaN(when) ? entry.when : absoluteTime(when)}
        </time>
        {entry.recovered ? <span className="chip">finished after a crash</span> : null}
        {undoable ? (
          <button type="button" className="button link history-undo" onClick={() => void undoRequested({ dir: entry.dir, entryId: entry.id, familyName: entry.family })}>
            Undo…
          </button>
        ) : null}
      </div>
      <ul className="history-files">
        {entry.files.map((f) => (
          <li key={f.path} className="mono">
            {f.path}: {short(f.before)} → {short(f.after)}
            {f.source ? <span className="muted"> (from {f.source})</span> : null}
          </li>
        ))}
      </ul>
      <div className="history-backup">
        Backup: <span className="mono rollback-path">{entry.backupDir}</span>
      </div>
    </li>
  );
}

/** The history panel (a dialog over the family view). */
export function HistoryDialog() {
  const history = useAppStore((s) => s.history);
  const historyClosed = useAppStore((s) => s.historyClosed);
  if (!history) return null;
  return (
    <DialogFrame title="Rollback history" onClose={historyClosed} testId="history-panel">
      <p className="muted">
        Recorded in <span className="mono">{history.folder}</span> (<span className="mono">.ckpt-doctor/audit.jsonl</span>). Nothing is ever deleted: every
        backup stays in <span className="mono">.ckpt-doctor/trash/</span>.
      </p>
      {history.kind === 'loading' ? <p className="muted">Reading the audit log…</p> : null}
      {history.kind === 'failed' ? <p role="alert">{history.message}</p> : null}
      {history.kind === 'loaded' && history.entries.length === 0 ? <p data-testid="history-empty">No rollback, undo or quarantine has been done here yet.</p> : null}
      {history.kind === 'loaded' && history.entries.length > 0 ? (
        <ol className="history-list">
          {history.entries.map((entry) => (
            <Entry key={`${entry.dir}\u0000${entry.id}`} entry={entry} undoable={history.entries.find((e) => e.dir === entry.dir) === entry} />
          ))}
        </ol>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={historyClosed} data-autofocus data-testid="history-close">
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
