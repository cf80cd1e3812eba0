/**
 * "Scanning agent-runs — 120 of 400 files", with a bar, while the engine reads a folder. Screen
 * readers hear when a scan starts and ends, not every file count.
 */
import { formatCount } from '../../format/bytes';
import { baseName, relativeTo } from '../../format/paths';
import { useAppStore } from '../../store/app-store';

/** The scan progress strip; nothing when no scan runs. */
export function ScanProgressBar() {
  const progress = useAppStore((s) => s.snapshot?.progress ?? null);
  const rootName = progress ? baseName(progress.root) : null;
  return (
    <>
      <span className="visually-hidden" aria-live="polite">
        {rootName ? `Scanning ${rootName}` : ''}
      </span>
      {progress ? (
        <div className="scan-progress" data-testid="scan-progress" data-done={progress.done} data-total={progress.total}>
          <span className="scan-text">
            Scanning <strong title={progress.root}>{rootName}</strong> — {formatCount(progress.done)} of {formatCount(progress.total)}{' '}
            {progress.total === 1 ? 'file' : 'files'}
          </span>
          <progress max={Math.max(progress.total, 1)} value={Math.min(progress.done, progress.total)} aria-label={`Scanning ${rootName}`} />
          {progress.current ? (
            <span className="scan-current mono" title={progress.current}>
              {relativeTo(progress.root, progress.current)}
            </span>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
