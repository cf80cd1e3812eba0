/**
 * Picks the front door at startup: the preload bridge in the Electron window, a WebSocket to the
 * serving process in a browser.
 */
import type { CheckpointApi } from '../../shared/api/contract';
import { ApiError } from './api-error';
import { apiFromCall } from './api-from-call';
import { alwaysOpen, type ConnectionSource } from './connection';
import { createIpcClient, type PreloadBridge } from './ipc-client';
import { createWsClient, wsUrlFromLocation } from './ws-client';

/** The client the store talks to, plus what the window needs to know about the link. */
export interface EngineClient {
  readonly api: CheckpointApi;
  readonly connection: ConnectionSource;
  /** Path of a dropped file or folder, when the host can tell (Electron). */
  readonly pathForFile: ((file: File) => string) | null;
}

/** The right client for this window. */
export function createClient(win: Window = window): EngineClient {
  const bridge: PreloadBridge | undefined = win.ckptDoctor;
  if (bridge) {
    // Called as a method: contextBridge proxies do not need `this`, but a plain object might.
    const pathForFile = typeof bridge.pathForFile === 'function' ? (file: File) => bridge.pathForFile!(file) : null;
    return { api: createIpcClient(bridge), connection: alwaysOpen, pathForFile };
  }
  const target = wsUrlFromLocation(win.location);
  if ('error' in target) {
    const reason = target.error;
    const api = apiFromCall(() => Promise.reject(new ApiError('no_token', reason)), () => () => {});
    return { api, connection: { state: { status: 'failed', reason }, onChange: () => () => {} }, pathForFile: null };
  }
  const client = createWsClient({ url: target.url });
  return { api: client.api, connection: client.connection, pathForFile: null };
}
