/**
 * The confirmation dialog of the one writing action, GitHub Desktop's destructive-dialog rules:
 * `role="alertdialog"`; Cancel is the default and has the focus; Escape cancels; clicks and
 * dismissal are ignored for the first moments (a double click that opened it must not confirm
 * it); both buttons are disabled while the operation runs; the affected files are listed, capped
 * with a count. A risky plan needs the family name typed. Nothing is written before Confirm.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { OperationOutcome, PlanSide, PlanView } from '../../../shared/api/rollback-contract';
import { useAppStore } from '../../store/app-store';
import { DialogFrame } from '../chrome/dialog-host';
import { HealthBadge } from '../common/health-badge';
import { RelativeTime } from '../common/relative-time';
import { OperationList } from './operation-list';
import '../../styles/rollback.css';

/** Clicks and dismissals in the first this-many ms after opening are ignored. */
export const ARM_DELAY_MS = 250;

function Side({ title, side }: { readonly title: string; readonly side: PlanSide }) {
  return (
    <div className="rollback-side" data-testid={`rollback-side-${title.toLowerCase()}`}>
      <div className="rollback-side-title">{title}</div>
      <div className="rollback-side-label mono">{side.label}</div>
      <div className="rollback-side-meta">
        <HealthBadge health={side.health} />
        {side.schemaVersion !== null ? <span className="chip">schema {side.schemaVersion}</span> : null}
        <span className="muted">
          written <RelativeTime ms={side.mtimeMs} />
        </span>
      </div>
      {side.firstProblem ? (
        <p className="rollback-side-problem" title={side.firstProblem}>
          {side.firstProblem}
        </p>
      ) : null}
      <div className="rollback-side-sha mono" title={side.members.map((m) => `${m.path}  sha256 ${m.sha256}`).join('\n')}>
        sha256 {side.members[0]?.sha256.slice(0, 12) ?? '—'}
        {side.members.length > 1 ? ` +${side.members.length - 1} files` : ''}
      </div>
    </div>
  );
}

function DiffLine({ plan }: { readonly plan: Extract<PlanView, { kind: 'rollback' }> }) {
  const diff = plan.diff;
  if (diff.kind === 'unavailable') return <p className="rollback-diff muted">{diff.reason}</p>;
  const total = diff.added + diff.removed + diff.changed + diff.typeChanged;
  return (
    <p className="rollback-diff" data-testid="rollback-diff">
      {total === 0 ? (
        'The two generations hold the same value.'
      ) : (
        <>
          From current to target: <strong>{diff.changed}</strong> changed, <strong>{diff.added}</strong> added, <strong>{diff.removed}</strong> removed
          {diff.typeChanged > 0 ? (
            <>
              , <strong>{diff.typeChanged}</strong> changed type
            </>
          ) : null}
          {diff.samplePointers.length > 0 ? <span className="muted mono"> ({diff.samplePointers.slice(0, 3).join(', ')}…)</span> : null}
        </>
      )}
    </p>
  );
}

function Result({ outcome, onUndo, busy }: { readonly outcome: OperationOutcome; readonly onUndo: () => void; readonly busy: boolean }) {
  if (outcome.kind === 'ok') {
    return (
      <div className="rollback-result ok" data-testid="rollback-result" data-kind="ok" data-op={outcome.op} role="status">
        <p>{outcome.message}</p>
        <p>
          Backup: <span className="mono rollback-path" data-testid="rollback-backup">{outcome.backupDir}</span>
        </p>
        <div className="rollback-result-actions">
          <button type="button" className="button" data-testid="undo-button" onClick={onUndo} disabled={busy}>
            {outcome.op === 'undo' ? 'Undo this undo' : `Undo ${outcome.op}`}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="rollback-result failed" data-testid="rollback-result" data-kind={outcome.kind} role="alert">
      <p>
        <strong>{outcome.kind === 'refused' ? 'Nothing was written.' : 'The operation stopped.'}</strong> {outcome.message}
      </p>
      {outcome.kind === 'failed' && outcome.backupDir ? (
        <p>
          Copies of what was replaced: <span className="mono rollback-path">{outcome.backupDir}</span>
        </p>
      ) : null}
    </div>
  );
}

/** The rollback / quarantine dialog (the top popup when the store says so). */
export function RollbackDialog() {
  const stage = useAppStore((s) => s.rollbackStage);
  const rollbackConfirmed = useAppStore((s) => s.rollbackConfirmed);
  const rollbackDialogClosed = useAppStore((s) => s.rollbackDialogClosed);
  const undoRequested = useAppStore((s) => s.undoRequested);
  const [armed, setArmed] = useState(false);
  const [typed, setTyped] = useState('');

  const closeButton = useRef<HTMLButtonElement>(null);
  const finished = stage?.kind === 'finished';

  useEffect(() => {
    const timer = setTimeout(() => setArmed(true), ARM_DELAY_MS);
    return () => clearTimeout(timer);
  }, []);

  // The buttons that had the focus are gone once the result shows; keep the keyboard in the dialog.
  useEffect(() => {
    if (finished) closeButton.current?.focus();
  }, [finished]);

  if (!stage) return null;
  const plan = 'plan' in stage ? stage.plan : null;
  const running = stage.kind === 'running';
  const close = () => {
    if (!armed || running) return;
    rollbackDialogClosed();
  };
  const isQuarantine = plan?.kind === 'quarantine';
  const title = isQuarantine ? 'Move a generation to the trash?' : plan ? `Roll back ${plan.familyName}?` : 'Roll back';
  const blocked = plan !== null && plan.blockers.length > 0;
  const nameOk = plan === null || !plan.risky || typed.trim() === plan.familyName;
  const canConfirm = stage.kind === 'reviewing' && armed && !blocked && nameOk;

  const confirm = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canConfirm) return;
    void rollbackConfirmed(typed.trim());
  };

  return (
    <DialogFrame title={title} role="alertdialog" onClose={close} testId="rollback-dialog">
      <div className="rollback-body" data-stage={stage.kind} aria-busy={running || stage.kind === 'planning'}>
        {stage.kind === 'planning' ? <p className="muted">Checking the files and working out the exact operations…</p> : null}
        {stage.kind === 'plan-failed' ? (
          <p className="rollback-error" role="alert">
            {stage.message}
          </p>
        ) : null}
        {plan ? (
          <>
            <p className="rollback-summary">{plan.summary}</p>
            <p className="rollback-family muted">
              Family <strong className="mono">{plan.familyName}</strong> in <span className="mono">{plan.dir}</span>
            </p>
            {plan.kind === 'rollback' ? (
              <>
                <div className="rollback-sides">
                  <Side title="Current" side={plan.current} />
                  <span className="rollback-arrow" aria-hidden="true">
                    →
                  </span>
                  <Side title="Target" side={plan.target} />
                </div>
                <DiffLine plan={plan} />
              </>
            ) : (
              <div className="rollback-sides">
                <Side title="Generation" side={plan.generation} />
              </div>
            )}
            <OperationList operations={plan.operations} />
            {plan.warnings.length > 0 ? (
              <ul className="rollback-warnings" aria-label="Warnings">
                {plan.warnings.map((w) => (
                  <li key={w.code + w.message} data-testid="rollback-warning" data-code={w.code}>
                    {w.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {blocked ? (
              <ul className="rollback-blockers" role="alert" aria-label="Why this cannot run">
                {plan.blockers.map((b) => (
                  <li key={b.code + b.message} data-testid="rollback-blocker" data-code={b.code}>
                    {b.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
        {stage.kind === 'reviewing' && stage.refusal ? (
          <p className="rollback-error" role="alert" data-testid="rollback-refusal" data-code={stage.refusal.code}>
            <strong>Nothing was written.</strong> {stage.refusal.message}
          </p>
        ) : null}
        {stage.kind === 'finished' ? <Result outcome={stage.outcome} busy={false} onUndo={() => stage.outcome.kind === 'ok' && void undoRequested(stage.outcome.undo)} /> : null}
        {stage.kind === 'running' ? (
          <p className="muted" role="status">
            {stage.what === 'undo' ? 'Undoing…' : isQuarantine ? 'Moving to the trash…' : 'Rolling back…'} Keep this window open.
          </p>
        ) : null}
      </div>
      <form className="rollback-confirm-form" onSubmit={confirm}>
        {plan?.risky && (stage.kind === 'reviewing' || stage.kind === 'running') && !blocked ? (
          <label className="rollback-typed">
            <span>
              This target is risky (see the warnings). Type <strong className="mono">{plan.familyName}</strong> to confirm:
            </span>
            <input
              type="text"
              className="text-input mono"
              data-testid="rollback-typed-name"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              disabled={running}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
        ) : null}
        <div className="dialog-actions">
          {stage.kind === 'finished' ? (
            <button type="button" className="button" data-testid="rollback-close" onClick={close} ref={closeButton} data-autofocus>
              Close
            </button>
          ) : (
            <>
              <button type="button" className="button" data-testid="rollback-cancel" onClick={close} disabled={running} data-autofocus>
                Cancel
              </button>
              <button type="submit" className="button danger" data-testid="rollback-confirm" disabled={!canConfirm || running}>
                {running ? (isQuarantine ? 'Moving…' : 'Rolling back…') : isQuarantine ? 'Move to trash' : stage.kind === 'reviewing' && stage.refusal ? 'Try again' : 'Roll back'}
              </button>
            </>
          )}
        </div>
      </form>
    </DialogFrame>
  );
}
