/**
 * Says plainly when the window has lost the engine, so nobody trusts a stale screen. The view
 * stays as it was; it refreshes by itself once the link is back.
 */
import { useAppStore } from '../../store/app-store';

/** A strip under the toolbar while the link is down. */
export function ConnectionBanner() {
  const connection = useAppStore((s) => s.connection);
  const hasSnapshot = useAppStore((s) => s.snapshot !== null);
  if (connection.status === 'reconnecting') {
    const seconds = Math.max(1, Math.round(connection.nextRetryMs / 1000));
    return (
      <div className="connection-banner" role="status" data-testid="connection-banner" data-status="reconnecting">
        <span className="spinner" aria-hidden="true" />
        <strong>Reconnecting to the engine…</strong>
        <span>
          {hasSnapshot ? 'What you see may be out of date. ' : ''}
          {connection.attempt > 3
            ? `Still trying (attempt ${connection.attempt}, next in ${seconds} s). Is ckpt-doctor serve still running, and the SSH tunnel still open? If you restarted it, open the new address it printed: the token changes on every start.`
            : 'The connection dropped; retrying.'}
        </span>
      </div>
    );
  }
  if (connection.status === 'failed' && hasSnapshot) {
    return (
      <div className="connection-banner failed" role="alert" data-testid="connection-banner" data-status="failed">
        <strong>Not connected to the engine.</strong> <span>{connection.reason}</span>
      </div>
    );
  }
  return null;
}
