/**
 * The state of the link between this window and the engine. IPC is always `open`; a WebSocket
 * drops when the serve process stops, the laptop sleeps or the SSH tunnel dies.
 */

/** Where the link to the engine stands. */
export type ConnectionState =
  | { readonly status: 'connecting' }
  | { readonly status: 'open' }
  /** The link dropped; the client is retrying. `attempt` counts retries since it dropped. */
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly nextRetryMs: number }
  /** The client cannot connect at all and will not retry (e.g. the page has no token). */
  | { readonly status: 'failed'; readonly reason: string };

/** Something that reports connection changes. */
export interface ConnectionSource {
  readonly state: ConnectionState;
  /** Listen to changes; returns an unsubscribe function. */
  onChange(listener: (state: ConnectionState) => void): () => void;
}

/** A link that never drops (Electron IPC). */
export const alwaysOpen: ConnectionSource = {
  state: { status: 'open' },
  onChange: () => () => {},
};
