/**
 * Main-process side of the IPC contract. Every request is checked twice: here, that it comes
 * from the top frame of a page on our own app:// origin (a frame that navigated elsewhere, or an
 * injected subframe, gets `forbidden`); then by the dispatcher, against the request schemas.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { EngineEvent, ResponseEnvelope } from '../../shared/api/contract';
import { isAppUrl } from '../window-options';
import type { ApiDispatcher } from '../engine/api-dispatcher';
import { IPC_CHANNELS, requestIdOf } from './channels';

/** Where events go: the web contents of the app's windows. */
export type EventTargets = () => readonly WebContents[];

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  // Top frame only (no parent): an iframe, even one on our origin, gets no engine access.
  if (!frame || frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/** Wire the dispatcher to `ckpt:invoke` and fan its events out on `ckpt:event`. Returns a disposer. */
export function registerIpc(dispatcher: ApiDispatcher, targets: EventTargets): () => void {
  ipcMain.handle(IPC_CHANNELS.invoke, async (event, raw: unknown): Promise<ResponseEnvelope> => {
    if (!isTrustedSender(event)) {
      return { id: requestIdOf(raw), ok: false, error: { code: 'forbidden', message: 'Requests are only accepted from the Checkpoint Doctor window.' } };
    }
    return dispatcher.handle(raw);
  });
  const unsubscribe = dispatcher.onEvent((engineEvent: EngineEvent) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(IPC_CHANNELS.event, engineEvent);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.invoke);
  };
}
