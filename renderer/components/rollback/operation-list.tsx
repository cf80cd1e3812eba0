/**
 * The exact file operations of a plan, in the order they run, capped with a count (a step folder
 * can hold hundreds of files) and expandable, so the person sees what moves where before confirming.
 */
import { useState } from 'react';
import type { PlanOperation } from '../../../shared/api/rollback-contract';

/** Operations shown before "and N more". */
export const OPERATIONS_SHOWN = 8;

function verb(op: PlanOperation): { readonly label: string; readonly text: string } {
  switch (op.kind) {
    case 'backup':
      return { label: 'copy to trash', text: `${op.path} → ${op.backupPath}` };
    case 'replace':
      return { label: op.toSha256Before === null ? 'create' : 'overwrite', text: `${op.to} ← ${op.from}` };
    case 'move':
      return { label: 'move to trash', text: `${op.path} → ${op.trashPath}` };
    case 'keep':
      return { label: 'leave as is', text: op.path };
  }
}

/** The operations list. */
export function OperationList({ operations }: { readonly operations: readonly PlanOperation[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? operations : operations.slice(0, OPERATIONS_SHOWN);
  const hidden = operations.length - shown.length;
  return (
    <div className="rollback-operations">
      <div className="rollback-section-title">What will happen, in order</div>
      <ol>
        {shown.map((op, index) => {
          const { label, text } = verb(op);
          return (
            <li key={index} data-testid="rollback-operation" data-kind={op.kind} title={op.description}>
              <span className={`rollback-op-kind op-${op.kind}`}>{label}</span>
              <span className="mono rollback-op-text">{text}</span>
            </li>
          );
        })}
      </ol>
      {hidden > 0 ? (
        <button type="button" className="button link" onClick={() => setAll(true)} data-testid="rollback-operations-more">
          and {hidden} more file operation{hidden === 1 ? '' : 's'} — show all
        </button>
      ) : null}
    </div>
  );
}
