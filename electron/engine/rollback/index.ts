/**
 * Rollback: the one writing action of Checkpoint Doctor. Plan (what the dialog shows), execute
 * (journaled, verified, never deleting), recover (finish or undo after a crash), undo (additive,
 * itself undoable) and the history the audit log keeps. See `transaction.ts` for the invariants.
 *
 * Wiring, for the front doors:
 * - On start, for each root: `findPendingJournals(root)`, then `recoverPending(dir, { roots })`
 *   for each, and show its `message` as a notice. Until that runs, execution in such a folder is
 *   refused with `journal_pending`.
 * - The dialog shows `planRollback(...)` / `planQuarantine(...)`: `steps`, `warnings`, and keeps
 *   Confirm disabled while `problems` is not empty. Confirming calls `executeRollback(plan, { roots })`.
 * - Undo: `undoLast(dir, { roots })`; the history panel: `readHistory(dir)`.
 * - Discovery should skip `.ckpt-doctor/` and treat `.<name>.ckpt-doctor-<id>.tmp` files as ours.
 */
export { planRollback, planQuarantine, type PlanOptions } from './plan';
export { executeRollback, executeQuarantine } from './execute-rollback';
export { findPendingJournals, recoverPending } from './recover-pending';
export { undoLast } from './undo';
export { readHistory } from './audit-log';
export { DEFAULT_QUIET_PERIOD_MS } from './run-operation';
export { STATE_DIR_NAME } from './member-path';
export type * from './types';
