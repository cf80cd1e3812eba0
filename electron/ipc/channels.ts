/**
 * The one IPC contract of the Electron shell. Two channels carry the whole `CheckpointApi`:
 * requests go out on `ckpt:invoke` as a `RequestEnvelope` and come back as a `ResponseEnvelope`
 * (validated by the engine's dispatcher, like every WebSocket message in serve mode); engine
 * events come in on `ckpt:event`. Only `electron/ipc/` touches `ipcMain` / `ipcRenderer`.
 */
import type { ApiMethod, EngineEvent, ResponseEnvelope } from '../../shared/api/contract';

/** Channel names, by purpose. */
export const IPC_CHANNELS = {
  /** renderer → main, `ipcRenderer.invoke`: one API request, answered with its envelope. */
  invoke: 'ckpt:invoke',
  /** main → renderer, `webContents.send`: one engine event. */
  event: 'ckpt:event',
} as const;

/** Argument and result types of every channel. */
export interface IpcContract {
  readonly 'ckpt:invoke': { readonly request: { readonly id: number; readonly method: ApiMethod; readonly params: readonly unknown[] }; readonly response: ResponseEnvelope };
  readonly 'ckpt:event': { readonly payload: EngineEvent };
}

/** What the preload exposes to the page as `window.ckptDoctor`, and nothing more. */
export interface CkptDoctorBridge {
  /** Send one API request; resolves with the engine's response envelope. */
  invoke(method: ApiMethod, params: readonly unknown[]): Promise<ResponseEnvelope>;
  /** Listen to engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Absolute path of a file or folder dropped on the window (drag and drop). */
  pathForFile?(file: File): string;
}

/** The id of a raw request if it has one, so even a refusal can be matched to its call. */
export function requestIdOf(raw: unknown): number {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return id;
  }
  return -1;
}
