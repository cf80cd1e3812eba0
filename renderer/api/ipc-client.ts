/**
 * The Electron client: the same `CheckpointApi` over the preload bridge (`window.ckptDoctor`).
 * IPC does not drop, so there is no reconnecting here; a failed call is the engine's answer.
 */
import type { ApiMethod, CheckpointApi, EngineEvent, ResponseEnvelope } from '../../shared/api/contract';
import { ApiError } from './api-error';
import { apiFromCall } from './api-from-call';

/** What the preload exposes on `window.ckptDoctor` (contextBridge); mirrors `CkptDoctorBridge` in electron/ipc/channels.ts. */
export interface PreloadBridge {
  invoke(method: ApiMethod, params: readonly unknown[]): Promise<ResponseEnvelope>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /**
   * The absolute path of a dropped file or folder (Electron's `webUtils.getPathForFile`). Optional:
   * sandboxed renderers have no `File.path`, and without this helper drag and drop is not offered.
   */
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    /** Present in the Electron window only. */
    ckptDoctor?: PreloadBridge;
  }
}

/** A `CheckpointApi` over the preload bridge. */
export function createIpcClient(bridge: PreloadBridge): CheckpointApi {
  return apiFromCall(async (method, params) => {
    const response = await bridge.invoke(method, params);
    if (!response || typeof response !== 'object' || !('ok' in response)) {
      throw new ApiError('bad_response', `The engine sent an unreadable answer to ${method}.`);
    }
    if (response.ok) return response.result;
    throw new ApiError(response.error.code, response.error.message);
  }, (listener) => bridge.onEvent(listener));
}
