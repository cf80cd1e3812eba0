/**
 * The left column: add a folder, the watched folders with their checkpoint families, recent
 * folders. In Electron a folder can also be dropped here (when the preload can tell its path).
 */
import { useState, type DragEvent } from 'react';
import { useAppStore } from '../../store/app-store';
import { AddFolder } from './add-folder';
import { RecentFolders } from './recent-folders';
import { RootTree } from './root-tree';

/** The sidebar. `pathForFile` enables dropping folders. */
export function Sidebar({ pathForFile }: { readonly pathForFile: ((file: File) => string) | null }) {
  const addFolderSubmitted = useAppStore((s) => s.addFolderSubmitted);
  const hasRoots = useAppStore((s) => (s.snapshot?.roots.length ?? 0) > 0);
  const [dropping, setDropping] = useState(false);

  const dropProps = pathForFile
    ? {
        onDragOver: (event: DragEvent) => {
          if (!event.dataTransfer.types.includes('Files')) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'link';
          setDropping(true);
        },
        onDragLeave: (event: DragEvent) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
        },
        onDrop: async (event: DragEvent) => {
          event.preventDefault();
          setDropping(false);
          for (const file of Array.from(event.dataTransfer.files)) {
            const path = pathForFile(file);
            if (path) await addFolderSubmitted(path);
          }
        },
      }
    : {};

  return (
    <nav className={`sidebar${dropping ? ' dropping' : ''}`} aria-label="Checkpoint folders" data-testid="sidebar" {...dropProps}>
      <AddFolder />
      <div className="sidebar-scroll">
        {hasRoots ? <h2 className="section-label">Watched folders</h2> : null}
        <RootTree />
        {hasRoots ? null : <p className="sidebar-hint">No folders yet. Add the folder your job writes its checkpoints to.</p>}
        <RecentFolders />
      </div>
      {pathForFile ? <p className="drop-hint">{dropping ? 'Drop to watch this folder' : 'Tip: drop a folder here to watch it.'}</p> : null}
    </nav>
  );
}
