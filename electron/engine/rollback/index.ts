/**
 * Rollback: the one writing action of Checkpoint Doctor. Plan (what the dialog shows), execute
 * (journaled, verified, never deleting), recover (finish or undo after a crash), undo (additive,
 * itself undoable) and the history the audit log keeps. See `transaction.ts` for the invariants.
 */
export { planRollback, planQuarantine, type PlanOptions } from './plan';
export { executeRollback, executeQuarantine } from './execute-rollback';
export { recoverPending } from './recover-pending';
export { undoLast } from './undo';
export { readHistory } from './audit-log';
export { DEFAULT_QUIET_PERIOD_MS } from './run-operation';
export { STATE_DIR_NAME } from './member-path';
export type * from './types';
