/** The window: toolbar, connection and scan strips, sidebar and main pane, toasts, dialogs. */
import { useAppStoreApi } from '../store/app-store';
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
