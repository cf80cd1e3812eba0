/** Folders watched before and not watched now: one click watches one again. */
import { useShallow } from 'zustand/react/shallow';
import { baseName } from '../../format/paths';
import { useAppStore } from '../../store/app-store';
import { FolderIcon } from '../common/icons';

const MAX_RECENT = 6;

/** The "Recent folders" list. */
export function RecentFolders() {
  const recent = useAppStore(
    useShallow((s) => {
      const watched = new Set(s.snapshot?.roots.map((root) => root.path) ?? []);
      return (s.snapshot?.recent ?? []).filter((path) => !watched.has(path)).slice(0, MAX_RECENT);
    }),
  );
  const addFolderSubmitted = useAppStore((s) => s.addFolderSubmitted);
  const busy = useAppStore((s) => s.addFolder.busy);
  if (recent.length === 0) return null;
  return (
    <section className="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="section-label">
        Recent folders
      </h2>
      <ul>
        {recent.map((path) => (
          <li key={path}>
            <button
              type="button"
              className="recent-folder"
              data-testid="recent-folder"
              data-path={path}
              disabled={busy}
              title={`Watch ${path} again`}
              onClick={() => void addFolderSubmitted(path)}
            >
              <FolderIcon size={12} />
              <span className="recent-name">{baseName(path)}</span>
              {/* Right-to-left so a long path is cut at its start; the marks keep its slashes in place. */}
              <span className="recent-path">{`\u200e${path}\u200e`}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
