/**
 * Vite config for the renderer. Used as is by `vite build -c renderer/vite.config.ts` (serve mode
 * serves `out/renderer`) and reused by electron.vite.config.ts as its renderer section, so the
 * Electron window and the browser get the very same bundle.
 *
 * Offline by construction: Monaco and its workers are bundled (see monaco/setup-monaco.ts), there
 * are no web fonts, and index.html carries the CSP that serve mode also sends as a header.
 */
// The build config runs in Node, not in the renderer: it may use Node's path helpers.
// eslint-disable-next-line no-restricted-imports
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

/**
 * The dev server injects an inline React Refresh preamble, which the production CSP forbids.
 * Only `vite dev` loosens script-src; built files keep the strict policy untouched.
 */
function devCspRelaxation(): Plugin {
  return {
    name: 'ckpt-doctor:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: http:");
    },
  };
}

/** The renderer's Vite settings, for reuse as electron-vite's `renderer` section. */
export const rendererConfig: UserConfig = {
  root: rendererRoot,
  base: './',
  plugins: [react(), devCspRelaxation()],
  build: {
    outDir,
    emptyOutDir: true,
    // Unminified, Monaco makes the main chunk ~8 MB; minified it loads noticeably faster in Electron.
    minify: true,
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
    target: 'chrome120',
  },
  worker: { format: 'es' },
};

export default defineConfig(rendererConfig);
