/** The right side of the window: the selected family, or a message saying what to do. */
import { useAppStore } from '../store/app-store';
import { selectSelectedFamily } from '../store/selectors';
import { EmptyState } from './common/empty-state';
import { FamilyView } from './family/family-view';

/** What the main area shows. */
export function MainPane() {
  const startup = useAppStore((s) => s.startup);
  const family = useAppStore(selectSelectedFamily);
  const rootCount = useAppStore((s) => s.snapshot?.roots.length ?? 0);
  const scanning = useAppStore((s) => s.snapshot?.roots.some((root) => root.status === 'scanning') ?? false);
  const familyCount = useAppStore((s) => s.snapshot?.roots.reduce((n, root) => n + root.families.length, 0) ?? 0);
  const focusRequested = useAppStore((s) => s.focusRequested);

  if (startup.status === 'loading') {
    return (
      <EmptyState title="Connecting to the engine…" testId="startup-loading">
        <p>Reading the folders being watched.</p>
      </EmptyState>
    );
  }
  if (startup.status === 'error') {
    return (
      <EmptyState title="Cannot reach the engine" testId="startup-error">
        <p className="error-text">{startup.message}</p>
        <p>Checkpoint Doctor keeps retrying on its own. If the engine was stopped, start it again (ckpt-doctor serve) and reload this page.</p>
      </EmptyState>
    );
  }
  if (family) return <FamilyView key={family.id} family={family} />;
  if (rootCount === 0) {
    return (
      <EmptyState title="Add a folder that contains checkpoints" testId="no-roots">
        <p>
          Point Checkpoint Doctor at the directory your job writes its checkpoints to. It finds every checkpoint family in it (ring buffers like{' '}
          <code>agent.json</code>, <code>agent.1.json</code>; numbered <code>ckpt_007</code>; <code>step-120/</code> folders; pickle triples), checks every
          generation and names the newest healthy one.
        </p>
        <p>Nothing is changed on disk unless you confirm a rollback.</p>
        <button type="button" className="button primary" onClick={() => focusRequested('add-folder')}>
          Add a folder… <kbd>Ctrl</kbd>+<kbd>O</kbd>
        </button>
      </EmptyState>
    );
  }
  if (familyCount === 0 && scanning) {
    return (
      <EmptyState title="Scanning…" testId="scanning">
        <p>Looking for checkpoints in the added folders.</p>
      </EmptyState>
    );
  }
  if (familyCount === 0) {
    return (
      <EmptyState title="No checkpoints found" testId="no-families">
        <p>
          None of the watched folders holds files that look like checkpoints (JSON, pickle, their compressed forms, or step folders). Check that the
          path is the folder your job writes its checkpoints to, or a folder above it.
        </p>
      </EmptyState>
    );
  }
  return (
    <EmptyState title="Select a checkpoint family" testId="no-family">
      <p>Pick a family in the sidebar to see its generations.</p>
    </EmptyState>
  );
}
