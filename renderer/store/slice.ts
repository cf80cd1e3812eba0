/** The shape every slice creator shares. */
import type { StateCreator } from 'zustand';
import type { CheckpointApi } from '../../shared/api/contract';
import type { AppState } from './app-store';

/** What the store's actions may reach outside the store. Only actions talk to the API. */
export interface StoreDeps {
  readonly api: CheckpointApi;
}

/** A slice of the one app store, typed against the whole state so actions can read it. */
export type SliceCreator<Slice> = (deps: StoreDeps) => StateCreator<AppState, [], [], Slice>;
