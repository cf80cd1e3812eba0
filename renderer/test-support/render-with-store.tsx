/** Render a component under a real store fed with a snapshot. */
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { WorkspaceSnapshot } from '../../shared/model/workspace';
import { createAppStore, StoreProvider, type AppStore } from '../store/app-store';
import { ScriptedApi } from './scripted-api';

/** The rendered tree, its store and the API the store talks to. */
export interface Rendered extends RenderResult {
  readonly store: AppStore;
  readonly api: ScriptedApi;
}

/** Render `ui` with a store that has received `snapshot` (if given). */
export function renderWithStore(ui: ReactElement, snapshot?: WorkspaceSnapshot): Rendered {
  const api = new ScriptedApi();
  const store = createAppStore(api);
  if (snapshot) store.getState().snapshotReceived(snapshot);
  const result = render(<StoreProvider store={store}>{ui}</StoreProvider>);
  return { ...result, store, api };
}
