/**
 * The link to the engine. When it comes back after a drop, everything shown may be stale (and
 * the engine may have restarted), so the workspace is fetched again and the first snapshot to
 * arrive is taken whatever its version.
 */
import type { ConnectionState } from '../api/connection';
import type { SliceCreator } from './slice';

/** The connection slice. */
export interface ConnectionSlice {
  readonly connection: ConnectionState;
  /** The client reported a change of the link. */
  connectionChanged(state: ConnectionState): void;
}

export const createConnectionSlice: SliceCreator<ConnectionSlice> = () => (set, get) => ({
  connection: { status: 'connecting' },
  connectionChanged(state) {
    const before = get().connection;
    set({ connection: state });
    if (state.status === 'open' && before.status === 'reconnecting') {
      set({ acceptAnyVersion: true });
      void get().workspaceRequested().then(() => get().contentRequested({ retry: true }));
    }
  },
});
