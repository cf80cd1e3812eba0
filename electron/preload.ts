/**
 * The preload: bundled to CommonJS (sandboxed preloads cannot load modules from disk) and doing
 * one thing, exposing the IPC bridge. See `electron/ipc/preload-bridge.ts`.
 */
import { exposeBridge } from './ipc/preload-bridge';

exposeBridge();
