/**
 * The one store of the window, made of typed slices. Components read single fields with
 * `useAppStore`; only the actions in the slices talk to the engine client.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { CheckpointApi } from '../../shared/api/contract';
import type { ConnectionSource } from '../api/connection';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice';
import { createContentSlice, type ContentSlice } from './content-slice';
import { createDiffDriftSlice, type DiffDriftSlice } from './diff-drift-slice';
import { createNoticesSlice, type NoticesSlice } from './notices-slice';
import { createPopupsSlice, type PopupsSlice } from './popups-slice';
import { createRollbackSlice, type RollbackSlice } from './rollback-slice';
import { createSelectionSlice, type SelectionSlice } from './selection-slice';
import type { StoreDeps } from './slice';
import { createUiSlice, type UiSlice } from './ui-slice';
import { createWorkspaceSlice, type WorkspaceSlice } from './workspace-slice';

/** Everything the window knows. */
export type AppState = WorkspaceSlice & SelectionSlice & ContentSlice & NoticesSlice & PopupsSlice & ConnectionSlice & UiSlice & DiffDriftSlice & RollbackSlice;

/** A store instance. */
export type AppStore = StoreApi<AppState>;

/** Make a store that talks to `api`. */
export function createAppStore(api: CheckpointApi): AppStore {
  const deps: StoreDeps = { api };
  return createStore<AppState>()((...a) => ({
    ...createWorkspaceSlice(deps)(...a),
    ...createSelectionSlice(deps)(...a),
    ...createContentSlice(deps)(...a),
    ...createNoticesSlice(deps)(...a),
    ...createPopupsSlice(deps)(...a),
    ...createConnectionSlice(deps)(...a),
    ...createUiSlice(deps)(...a),
    ...createDiffDriftSlice(deps)(...a),
    ...createRollbackSlice(deps)(...a),
  }));
}

/**
 * Wire a store to its engine: engine events and connection changes become store events, and the
 * workspace is fetched. Returns the function that unhooks everything.
 */
export function connectStore(store: AppStore, api: CheckpointApi, connection: ConnectionSource): () => void {
  const offEvent = api.onEvent((event) => {
    if (event.type === 'snapshot') store.getState().snapshotReceived(event.snapshot);
    else if (event.type === 'progress') store.getState().jobProgressReceived(event.progress);
    else store.getState().noticeRaised(event.level, event.message);
  });
  const offConnection = connection.onChange((state) => store.getState().connectionChanged(state));
  store.getState().connectionChanged(connection.state);
  if (connection.state.status !== 'failed') void store.getState().workspaceRequested();
  else store.setState({ startup: { status: 'error', message: connection.state.reason } });
  return () => {
    offEvent();
    offConnection();
  };
}

const StoreContext = createContext<AppStore | null>(null);

/** Makes `store` the one `useAppStore` reads. */
export function StoreProvider({ store, children }: { readonly store: AppStore; readonly children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

/** The store instance, for event handlers that need `getState()`. */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore needs a <StoreProvider> above it');
  return store;
}

/** Read one field (or one derived value) of the store; re-renders only when it changes. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
