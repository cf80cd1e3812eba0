/**
 * The serve-mode client: the same `CheckpointApi` over one WebSocket to `ws://<host>/api?token=T`.
 *
 * Invariants:
 * - Every request settles: with the engine's answer, with a `timeout` error after its deadline,
 *   or with a `disconnected` error when the socket drops before the answer arrives. A dropped
 *   request is never re-sent on its own (addRoot or a rollback must not run twice).
 * - Requests made while the socket is down wait for it (their deadline still runs).
 * - After a drop the client reconnects with growing delays, forever, and reports each step via
 *   `connection`, so the window can say "Reconnecting to the engine…" instead of going stale.
 */
import type { ApiMethod, EngineEvent, ServerMessage } from '../../shared/api/contract';
import { ApiError } from './api-error';
import { apiFromCall } from './api-from-call';
import type { ConnectionSource, ConnectionState } from './connection';
import type { CheckpointApi } from '../../shared/api/contract';

/** Options for `createWsClient`. */
export interface WsClientOptions {
  /** Full WebSocket URL, token included. */
  readonly url: string;
  /** Deadline for a request, by method; `null` waits forever (the native folder picker). */
  readonly timeoutsMs?: Partial<Record<ApiMethod, number | null>>;
  /** Default deadline for methods not listed in `timeoutsMs`. */
  readonly defaultTimeoutMs?: number;
  /** Delays between reconnect attempts; the last one repeats. */
  readonly backoffMs?: readonly number[];
}

/** A serve-mode client. */
export interface WsClient {
  readonly api: CheckpointApi;
  readonly connection: ConnectionSource;
  /** Close the socket for good (no reconnect). */
  close(): void;
}

const DEFAULT_BACKOFF_MS = [250, 500, 1000, 2000, 4000, 5000] as const;
const DEFAULT_TIMEOUTS_MS: Partial<Record<ApiMethod, number | null>> = {
  // Decoding a large pickle or a multi-hundred-megabyte JSON file takes a while.
  readGeneration: 90_000,
  // The engine's worker time limit (5 minutes) ends a diff or drift job first; progress events
  // show it is still going.
  diffGenerations: 330_000,
  driftOf: 330_000,
  pickFolder: null,
  // Copying a multi-gigabyte checkpoint to the trash takes as long as the disk needs; a timeout
  // would tell the person "failed" about an operation that is still running. Planning hashes and
  // decodes the members, so it gets the decoding allowance.
  planRollback: 90_000,
  planQuarantine: 90_000,
  executeRollback: null,
  executeQuarantine: null,
  undoLast: null,
};

interface Pending {
  readonly method: ApiMethod;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: ApiError) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
  /** The encoded request, kept until it has been written to an open socket. */
  frame: string | null;
}

/** The WebSocket URL for this page, or why there is none. */
export function wsUrlFromLocation(loc: Pick<Location, 'protocol' | 'host' | 'search'>): { readonly url: string } | { readonly error: string } {
  const token = new URLSearchParams(loc.search).get('token');
  if (!token) {
    return {
      error:
        'This page was opened without its access token. Open the full address that `ckpt-doctor serve` printed (it ends in ?token=…).',
    };
  }
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: `${scheme}//${loc.host}/api?token=${encodeURIComponent(token)}` };
}

/** Connect to the engine over a WebSocket. */
export function createWsClient(options: WsClientOptions): WsClient {
  const backoff = options.backoffMs?.length ? options.backoffMs : DEFAULT_BACKOFF_MS;
  const defaultTimeout = options.defaultTimeoutMs ?? 30_000;
  const timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
  const pending = new Map<number, Pending>();
  const eventListeners = new Set<(event: EngineEvent) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = { status: 'connecting' };
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const flush = () => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    for (const entry of pending.values()) {
      if (entry.frame !== null) {
        socket.send(entry.frame);
        entry.frame = null;
      }
    }
  };

  const settle = (id: number): Pending | undefined => {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    return entry;
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (message.kind === 'event') {
      for (const listener of eventListeners) {
        try {
          listener(message.event);
        } catch (error) {
          console.error('Engine event listener failed', error);
        }
      }
      return;
    }
    if (message.kind !== 'response') return;
    const entry = settle(message.id);
    if (!entry) return;
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new ApiError(message.error.code, message.error.message));
  };

  const dropInFlight = () => {
    for (const [id, entry] of [...pending]) {
      // Requests never written can still go out on the next socket; written ones are lost.
      if (entry.frame !== null) continue;
      settle(id);
      entry.reject(
        new ApiError(
          'disconnected',
          `Lost the connection to the engine before it answered (${entry.method}). The view refreshes when the connection returns; try again then.`,
        ),
      );
    }
  };

  const scheduleReconnect = () => {
    if (closed) return;
    const delay = backoff[Math.min(attempt, backoff.length - 1)];
    attempt += 1;
    setState({ status: 'reconnecting', attempt, nextRetryMs: delay });
    retryTimer = setTimeout(connect, delay);
  };

  function connect() {
    retryTimer = undefined;
    if (closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url);
    } catch (error) {
      setState({ status: 'failed', reason: `Cannot open a connection to the engine: ${String(error)}` });
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      attempt = 0;
      setState({ status: 'open' });
      flush();
    };
    ws.onmessage = (event) => {
      if (socket === ws) onMessage(event.data);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      dropInFlight();
      scheduleReconnect();
    };
    // An error is always followed by a close; the close does the work.
    ws.onerror = () => {};
  }

  const call = (method: ApiMethod, params: unknown[]): Promise<unknown> => {
    if (state.status === 'failed') return Promise.reject(new ApiError('disconnected', state.reason));
    if (closed) return Promise.reject(new ApiError('disconnected', 'The connection to the engine was closed.'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const limit = method in timeouts ? timeouts[method] : defaultTimeout;
      const timer =
        limit === null || limit === undefined
          ? undefined
          : setTimeout(() => {
              if (!settle(id)) return;
              const seconds = Math.round(limit / 100) / 10;
              reject(
                new ApiError(
                  'timeout',
                  `The engine did not answer within ${seconds} s (${method}). It may be busy with a large folder, or it has stopped: check the terminal where ckpt-doctor runs.`,
                ),
              );
            }, limit);
      pending.set(id, { method, resolve, reject, timer, frame: JSON.stringify({ id, method, params }) });
      flush();
    });
  };

  const onEvent = (listener: (event: EngineEvent) => void) => {
    eventListeners.add(listener);
    return () => {
      eventListeners.delete(listener);
    };
  };

  connect();

  return {
    api: apiFromCall(call, onEvent),
    connection: {
      get state() {
        return state;
      },
      onChange(listener) {
        connectionListeners.add(listener);
        return () => {
          connectionListeners.delete(listener);
        };
      },
    },
    close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      ws?.close();
      for (const [id, entry] of [...pending]) {
        settle(id);
        entry.reject(new ApiError('disconnected', 'The connection to the engine was closed.'));
      }
    },
  };
}
