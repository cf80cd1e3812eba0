/**
 * The Electron shell: one window onto the engine. It owns what only a desktop app can do (the
 * native folder picker, the menu, single-instance handoff) and the window's security posture;
 * everything about checkpoints lives in the engine, reached through the same validated
 * dispatcher serve mode uses.
 *
 * Security invariants: the renderer is untrusted. It is served from app://bundle (never file://
 * or the network), runs sandboxed and context-isolated without Node, may not navigate, open
 * windows, attach webviews or get any permission, and every response carries a strict CSP.
 * Requests to any other origin are cancelled before they leave the machine.
 */
import { app, BrowserWindow, dialog, Menu, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiMethod, EngineEvent, ResponseEnvelope } from '../shared/api/contract';
import type { WorkspaceSnapshot } from '../shared/model/workspace';
import { createApiDispatcher, type ApiDispatcher } from './engine/api-dispatcher';
import { createEngine } from './engine/engine';
import { createAppRequestHandler } from './app-protocol';
import { registerIpc } from './ipc/main-ipc';
import { foldersFromArgv, foldersFromInstanceData, type SecondInstanceData } from './launch-args';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  createWindowOptions,
  isAllowedRequestUrl,
  isAppUrl,
  isSafeExternalUrl,
} from './window-options';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, '../renderer');
const preloadPath = path.join(here, '../preload/index.cjs');
const isDev = !app.isPackaged;

// Must run before `ready`: a standard, secure scheme gets a real origin, so CSP 'self', fetch and
// module workers (Monaco) behave as on https.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
]);

const startFolders = foldersFromArgv(process.argv, { packaged: app.isPackaged, cwd: process.cwd() });
const instanceData: SecondInstanceData = { folders: startFolders };

if (!app.requestSingleInstanceLock(instanceData)) {
  // Another instance runs: it receives our folders in `second-instance` and focuses its window.
  app.quit();
} else {
  run();
}

function run(): void {
  let mainWindow: BrowserWindow | null = null;
  let recent: readonly string[] = [];
  let nextRequestId = 1;
  const pendingFolders: string[] = [...startFolders];

  const enginePromise = createEngine({
    // CKPT_DOCTOR_SETTINGS lets `npm start` keep its scratch demo out of the person's settings.
    settingsPath: process.env.CKPT_DOCTOR_SETTINGS || path.join(app.getPath('userData'), 'settings.json'),
    host: 'electron',
    pickFolder: async () => {
      const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
      const options: Electron.OpenDialogOptions = { title: 'Open a checkpoint folder', properties: ['openDirectory'] };
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
  });
  const dispatcherPromise = enginePromise.then(createApiDispatcher);

  /** Calls made by the shell itself go through the same validated path as the renderer's. */
  async function call(method: ApiMethod, params: unknown[]): Promise<ResponseEnvelope> {
    return (await dispatcherPromise).handle({ id: nextRequestId++, method, params });
  }

  async function openFolder(folder: string): Promise<void> {
    const response = await call('addRoot', [folder]);
    const result = response.ok ? (response.result as { kind: string; message?: string }) : { kind: 'error', message: response.error.message };
    if (result.kind !== 'ok') {
      const options: Electron.MessageBoxOptions = { type: 'warning', message: `Could not open ${folder}`, detail: result.message ?? 'Unknown error.' };
      if (mainWindow) void dialog.showMessageBox(mainWindow, options);
      else void dialog.showMessageBox(options);
      return;
    }
    app.addRecentDocument(folder);
  }

  async function openPickedFolder(): Promise<void> {
    const response = await call('pickFolder', []);
    if (response.ok && typeof response.result === 'string') await openFolder(response.result);
  }

  function focusWindow(): void {
    if (!mainWindow) {
      createWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  }

  function buildMenu(): void {
    const isMac = process.platform === 'darwin';
    const recentItems: MenuItemConstructorOptions[] =
      recent.length === 0
        ? [{ label: 'No recent folders', enabled: false }]
        : recent.map((folder) => ({ label: folder, click: () => void openFolder(folder) }));
    const template: MenuItemConstructorOptions[] = [
      ...(isMac ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'File',
        submenu: [
          { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: () => void openPickedFolder() },
          { label: 'Open Recent', submenu: recentItems },
          { type: 'separator' },
          { label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => void call('rescan', []) },
          { type: 'separator' },
          isMac ? { role: 'close' } : { role: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q' },
        ],
      },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
          ...(isDev ? [{ type: 'separator' as const }, { role: 'reload' as const, label: 'Reload Window' }, { role: 'toggleDevTools' as const }] : []),
        ],
      },
      {
        role: 'help',
        submenu: [{ label: 'About Checkpoint Doctor', click: () => app.showAboutPanel() }],
      },
    ];
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  function onEngineEvent(event: EngineEvent): void {
    if (event.type !== 'snapshot') return;
    const next = event.snapshot.recent;
    if (next.length !== recent.length || next.some((folder, i) => folder !== recent[i])) {
      recent = next;
      buildMenu();
    }
  }

  function createWindow(): void {
    mainWindow = new BrowserWindow(createWindowOptions({ preloadPath, devTools: isDev }));
    mainWindow.once('ready-to-show', () => mainWindow?.show());
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    void mainWindow.loadURL(APP_ENTRY_URL);
  }

  function hardenSession(): void {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
    ses.protocol.handle(APP_SCHEME, createAppRequestHandler(rendererDir));
  }

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    focusWindow();
    const folders = foldersFromInstanceData(additionalData) ?? foldersFromArgv(argv, { packaged: app.isPackaged, cwd: workingDirectory });
    for (const folder of folders) void openFolder(folder);
  });

  // macOS: a folder dropped on the Dock icon or opened with "Open With".
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (app.isReady()) void openFolder(file);
    else pendingFolders.push(file);
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-frame-navigate', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) createWindow();
  });

  let disposeIpc: (() => void) | null = null;
  let engineClosed = false;
  app.on('will-quit', (event) => {
    disposeIpc?.();
    disposeIpc = null;
    if (engineClosed) return;
    // Let the engine stop its watchers and workers, then quit for real.
    event.preventDefault();
    engineClosed = true;
    void enginePromise
      .then((engine) => engine.close())
      .catch(() => undefined)
      .finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    app.setAboutPanelOptions({
      applicationName: 'Checkpoint Doctor',
      applicationVersion: app.getVersion(),
      copyright: 'MIT License',
    });
    hardenSession();
    let dispatcher: ApiDispatcher;
    try {
      dispatcher = await dispatcherPromise;
    } catch (error) {
      dialog.showErrorBox('Checkpoint Doctor could not start', error instanceof Error ? error.message : String(error));
      engineClosed = true;
      app.quit();
      return;
    }
    disposeIpc = registerIpc(dispatcher, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    dispatcher.onEvent(onEngineEvent);
    const snapshot = await call('getSnapshot', []);
    if (snapshot.ok) recent = (snapshot.result as WorkspaceSnapshot).recent;
    buildMenu();
    createWindow();
    for (const folder of pendingFolders.splice(0)) await openFolder(folder);
  });
}
