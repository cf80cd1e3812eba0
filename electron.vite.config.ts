/**
 * electron-vite build of the three Electron bundles (runs without the Electron binary):
 * - main: electron/main.ts → out/main/index.js (ESM), plus the engine's scan worker as
 *   out/main/scan-worker.js, because the engine resolves `new URL('./scan-worker.js', import.meta.url)`
 *   beside whatever bundle contains it. Runtime dependencies stay external (they ship in node_modules).
 * - preload: electron/preload.ts → out/preload/index.cjs, CommonJS and self-contained, as
 *   sandboxed preloads require.
 * - renderer: the very config of renderer/vite.config.ts (out/renderer), so the window and serve
 *   mode get the same bundle.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      emptyOutDir: true,
      externalizeDeps: true,
      sourcemap: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main.ts'),
          'scan-worker': resolve(root, 'electron/engine/scan-worker.ts'),
        },
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      emptyOutDir: true,
      // Bundle everything but `electron`: a sandboxed preload can only require('electron').
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
