/**
 * Monaco, bundled with the app: no CDN, no request leaving the app's origin.
 *
 * `setupMonaco()` must run before the first editor mounts: it tells @monaco-editor/react to use
 * this bundled copy (`loader.config({ monaco })`) instead of fetching one, and hands Monaco its
 * workers from the bundle. Workers are loaded as same-origin module files; under `file://` (an
 * Electron window loading from disk) Chromium refuses those, so there the inline (blob) variants
 * are loaded instead — the CSP allows `worker-src blob:` for exactly this.
 */
import { loader } from '@monaco-editor/react';
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { defineThemes } from './themes';

type WorkerCtor = new (options?: { name?: string }) => Worker;

async function inlineWorker(label: string): Promise<WorkerCtor> {
  if (label === 'json') return (await import('monaco-editor/languages/features/json/json.worker?worker&inline')).default;
  return (await import('monaco-editor/editor/editor.worker?worker&inline')).default;
}

function workerFor(label: string): Worker | Promise<Worker> {
  if (location.protocol === 'file:') return inlineWorker(label).then((Ctor) => new Ctor({ name: label }));
  const Ctor: WorkerCtor = label === 'json' ? JsonWorker : EditorWorker;
  return new Ctor({ name: label });
}

let done = false;

/** Configure Monaco once; safe to call again. */
export function setupMonaco(): typeof monaco {
  if (done) return monaco;
  done = true;
  self.MonacoEnvironment = { getWorker: (_workerId, label) => workerFor(label) };
  // The engine already reports what is wrong with a checkpoint, and the Python JSON dialect
  // (NaN, Infinity) would draw false squiggles; folding and outline still come from the worker.
  jsonDefaults.setDiagnosticsOptions({ validate: false, enableSchemaRequest: false });
  defineThemes(monaco);
  loader.config({ monaco });
  return monaco;
}

export type { monaco };
