/** "Scanning agent-runs — 120 of 400 files", with a bar, while the engine reads a folder. */
import { baseName } from '../../format/paths';
import { formatCount } from '../../format/bytes';
import { useAppStore } from '../../store/app-store';

/** The scan progress strip; nothing when no scan runs. */
export function ScanProgressBar() {
  const progress = useAppStore((s) => s.snapshot?.progress ?? null);
  return (
    <div className="scan-progress-slot" aria-live="polite">
      {progress ? (
        <div className="scan-progress" data-testid="scan-progress" data-done={progress.done} data-total={progress.total}>
          <span className="scan-text">
            Scanning <strong title={progress.root}>{baseName(progress.root)}</strong> — {formatCount(progress.done)} of {formatCount(progress.total)}{' '}
            {progress.total === 1 ? 'file' : 'files'}
          </span>
          <progress max={Math.max(progress.total, 1)} value={Math.min(progress.done, progress.total)} aria-label="Scan progress" />
          {progress.current ? (
            <span className="scan-current mono" title={progress.current}>
              {progress.current}
            </span>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
