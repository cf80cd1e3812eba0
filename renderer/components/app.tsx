/** The window: toolbar, connection and scan strips, sidebar and main pane, toasts, dialogs. */
import { useEffect } from 'react';
import { HEALTH_LABEL } from '../format/labels';
import { useAppStore, useAppStoreApi } from '../store/app-store';
import { selectSelectedFamily } from '../store/selectors';
import { useGlobalShortcuts } from '../hooks/use-global-shortcuts';
import { ConnectionBanner } from './chrome/connection-banner';
import { DialogHost } from './chrome/dialog-host';
import { Notices } from './chrome/notices';
import { ScanProgressBar } from './chrome/scan-progress';
import { Toolbar } from './chrome/toolbar';
import { MainPane } from './main-pane';
import { Sidebar } from './sidebar/sidebar';

/** The whole app. `pathForFile` (Electron) enables dropping folders on the sidebar. */
export function App({ pathForFile }: { readonly pathForFile: ((file: File) => string) | null }) {
  useGlobalShortcuts(useAppStoreApi());
  // The window title names the family and its health, so a glance at the taskbar or tab says it.
  const title = useAppStore((s) => {
    const family = selectSelectedFamily(s);
    return family ? `${family.name} — ${HEALTH_LABEL[family.health]} · Checkpoint Doctor` : 'Checkpoint Doctor';
  });
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <div className="app">
      <Toolbar />
      <ConnectionBanner />
      <ScanProgressBar />
      <div className="workspace">
        <Sidebar pathForFile={pathForFile} />
        <main className="main" id="main">
          <MainPane />
        </main>
      </div>
      <Notices />
      <DialogHost />
    </div>
  );
}
