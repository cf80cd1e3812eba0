// Lint, with the layer rule enforced: shared/ is pure, the engine never imports Electron,
// renderer/ and electron/ never import each other, and only the IPC glue touches ipcMain/ipcRenderer.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'net', 'url', 'stream', 'zlib', 'util', 'events', 'process', 'buffer'];
const nodeOnly = [...nodeBuiltins, ...nodeBuiltins.map((m) => `node:${m}`), 'node:*'];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', '.reports/', 'demo/', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeOnly, 'electron', 'react', 'react-dom', 'chokidar', 'ws'].map((name) => ({ name, message: 'shared/ is pure TypeScript: no Node, DOM, Electron or UI imports.' })),
        patterns: [{ group: ['node:*', '**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing environment-specific.' }],
      }],
    },
  },
  {
    // Everything under electron/ but the thin shell runs in plain Node: the engine, the CLI, serve
    // mode and their helpers must work where no Electron binary exists.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts', 'electron/ipc/**', 'electron/window-options.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The engine, CLI and serve mode run without Electron: only electron/main.ts, electron/preload.ts and electron/ipc/ may import it.' }],
        patterns: [{ group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' }],
      }],
    },
  },
  {
    // One typed IPC contract: only electron/ipc/ touches ipcMain/ipcRenderer.
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/window-options.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Raw IPC lives in electron/ipc/ only; use its typed wrappers.' }],
        patterns: [{ group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' }],
      }],
    },
  },
  {
    files: ['electron/ipc/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'], message: 'electron/ never imports renderer/.' }] }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        paths: [...nodeOnly, 'electron', 'chokidar', 'ws'].map((name) => ({ name, message: 'renderer/ talks to the engine only through the CheckpointApi contract.' })),
        patterns: [{ group: ['node:*', '**/electron/**'], message: 'renderer/ imports shared/ only, never electron/.' }],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
