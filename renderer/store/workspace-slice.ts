/**
 * What the engine knows: the latest snapshot and the capabilities of this front door, plus the
 * add-folder form's state. Snapshots can arrive out of order (an event racing a fetch); the
 * version decides which one wins.
 */
import type { Capabilities } from '../../shared/api/contract';
import type { WorkspaceSnapshot } from '../../shared/model/workspace';
import { errorMessage } from '../api/api-error';
import type { SliceCreator } from './slice';

/** Why the last "Add folder" did not work. */
export interface AddFolderError {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** Startup progress of the window. */
export type StartupState = { readonly status: 'loading' } | { readonly status: 'ready' } | { readonly status: 'error'; readonly message: string };

/** The workspace slice. */
export interface WorkspaceSlice {
  readonly snapshot: WorkspaceSnapshot | null;
  readonly capabilities: Capabilities | null;
  readonly startup: StartupState;
  readonly addFolder: { readonly busy: boolean; readonly error: AddFolderError | null };
  /** A folder just added: select its first family once the scan finds one. */
  readonly pendingRoot: string | null;
  /**
   * True until the first snapshot after (re)connecting: an engine that restarted counts versions
   * from zero again, so that first one is taken whatever its version.
   */
  readonly acceptAnyVersion: boolean;

  /** The engine sent (or we fetched) a snapshot. Older versions than the one shown are dropped. */
  snapshotReceived(snapshot: WorkspaceSnapshot): void;
  /** Fetch the snapshot and capabilities, at startup and after a reconnect. */
  workspaceRequested(): Promise<void>;
  /** The person submitted a folder path (typed, picked or dropped). Resolves true when the engine took it. */
  addFolderSubmitted(path: string): Promise<boolean>;
  /** The person asked for the native folder picker. */
  folderPickRequested(): Promise<void>;
  /** The person dismissed the add-folder error. */
  addFolderErrorDismissed(): void;
  /** The person stopped watching a folder. Nothing on disk is touched. */
  rootRemoved(path: string): Promise<void>;
  /** The person asked for a rescan (F5 / Ctrl+R / the button). */
  rescanRequested(): Promise<void>;
  /**
   * The person set the schema version expected under `root` (blank clears it). Resolves true when
   * the engine took it; a refusal becomes a notice. The verdicts arrive with the next snapshot.
   */
  expectedSchemaSubmitted(root: string, value: string): Promise<boolean>;
}

export const createWorkspaceSlice: SliceCreator<WorkspaceSlice> = ({ api }) => (set, get) => ({
  snapshot: null,
  capabilities: null,
  startup: { status: 'loading' },
  addFolder: { busy: false, error: null },
  pendingRoot: null,
  acceptAnyVersion: true,

  snapshotReceived(snapshot) {
    const previous = get().snapshot;
    if (previous && !get().acceptAnyVersion && snapshot.version < previous.version) return;
    set({ snapshot, startup: { status: 'ready' }, acceptAnyVersion: false });
    get().selectionReconciled();
  },

  async workspaceRequested() {
    try {
      const [capabilities, snapshot] = await Promise.all([api.getCapabilities(), api.getSnapshot()]);
      set({ capabilities });
      get().snapshotReceived(snapshot);
    } catch (error) {
      if (get().snapshot === null) set({ startup: { status: 'error', message: errorMessage(error) } });
      else get().noticeRaised('error', `Could not refresh from the engine: ${errorMessage(error)}`);
    }
  },

  async addFolderSubmitted(rawPath) {
    const path = rawPath.trim();
    if (!path) {
      set({ addFolder: { busy: false, error: { path, code: 'empty', message: 'Type the path of a folder that contains checkpoints.' } } });
      return false;
    }
    set({ addFolder: { busy: true, error: null } });
    try {
      const result = await api.addRoot(path);
      if (result.kind === 'ok') {
        set({ addFolder: { busy: false, error: null }, pendingRoot: path });
        get().selectionReconciled();
        return true;
      }
      set({ addFolder: { busy: false, error: { path, code: result.code, message: result.message } } });
    } catch (error) {
      set({ addFolder: { busy: false, error: { path, code: 'failed', message: errorMessage(error) } } });
    }
    return false;
  },

  async folderPickRequested() {
    try {
      const path = await api.pickFolder();
      if (path) await get().addFolderSubmitted(path);
    } catch (error) {
      get().noticeRaised('error', `Could not open the folder picker: ${errorMessage(error)}`);
    }
  },

  addFolderErrorDismissed() {
    set({ addFolder: { ...get().addFolder, error: null } });
  },

  async rootRemoved(path) {
    try {
      const result = await api.removeRoot(path);
      if (result.kind === 'error') get().noticeRaised('error', result.message);
    } catch (error) {
      get().noticeRaised('error', `Could not stop watching ${path}: ${errorMessage(error)}`);
    }
  },

  async rescanRequested() {
    try {
      const result = await api.rescan();
      if (result.kind === 'error') get().noticeRaised('error', result.message);
    } catch (error) {
      get().noticeRaised('error', `Could not rescan: ${errorMessage(error)}`);
    }
  },

  async expectedSchemaSubmitted(root, value) {
    const version = value.trim() || null;
    try {
      const result = await api.setExpectedSchemaVersion(root, version);
      if (result.kind === 'ok') return true;
      get().noticeRaised('error', result.message);
    } catch (error) {
      get().noticeRaised('error', `Could not set the expected schema version of ${root}: ${errorMessage(error)}`);
    }
    return false;
  },
});
