/**
 * Renderer side of the IPC contract, run in the sandboxed preload. Exposes exactly
 * `window.ckptDoctor = { invoke, onEvent, pathForFile }`: no `ipcRenderer`, no event objects,
 * no Node. The page cannot pick a channel; it can only name an API method.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { EngineEvent, ResponseEnvelope } from '../../shared/api/contract';
import { IPC_CHANNELS, type CkptDoctorBridge } from './channels';

/** Build the bridge object (separate from exposing it, so its shape is easy to read). */
export function createBridge(): CkptDoctorBridge {
  let nextId = 1;
  return {
    invoke(method, params): Promise<ResponseEnvelope> {
      const id = nextId++;
      // Copy into a plain array: the dispatcher validates the contents, the bridge only the shape.
      const list = Array.isArray(params) ? Array.from(params) : [];
      return ipcRenderer.invoke(IPC_CHANNELS.invoke, { id, method: String(method), params: list }) as Promise<ResponseEnvelope>;
    },
    onEvent(listener) {
      if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
      const forward = (_event: IpcRendererEvent, engineEvent: EngineEvent) => listener(engineEvent);
      ipcRenderer.on(IPC_CHANNELS.event, forward);
      return () => {
        ipcRenderer.removeListener(IPC_CHANNELS.event, forward);
      };
    },
    pathForFile(file) {
      return webUtils.getPathForFile(file);
    },
  };
}

/** Expose the bridge to the page's main world as `window.ckptDoctor`. */
export function exposeBridge(): void {
  contextBridge.exposeInMainWorld('ckptDoctor', createBridge());
}
