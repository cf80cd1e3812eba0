/**
 * The Electron window itself, where an Electron binary exists (node_modules/electron/dist or
 * ELECTRON_OVERRIDE_DIST_PATH). Elsewhere this test is skipped and says so; the same renderer and
 * engine are covered in Chromium against serve mode by the other specs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronBinary, repoRoot } from './support/paths';
import { makeDemo } from './support/python';

const binary = electronBinary();

test('the Electron window is sandboxed, exposes only the bridge, and shows the folder from argv', async () => {
  test.skip(
    binary === null,
    'Skipped: no Electron binary on this machine (node_modules/electron/dist or ELECTRON_OVERRIDE_DIST_PATH). The renderer and engine are tested in Chromium against serve mode instead.',
  );
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ckpt-e2e-electron-'));
  const demo = path.join(scratch, 'demo');
  makeDemo(demo);
  const app = await electron.launch({
    executablePath: binary!,
    args: [repoRoot, demo],
    cwd: repoRoot,
    env: { ...process.env, CKPT_DOCTOR_SETTINGS: path.join(scratch, 'settings.json'), ELECTRON_RUN_AS_NODE: '' },
  });
  try {
    const win = await app.firstWindow();
    await expect.poll(() => win.url()).toBe('app://bundle/index.html');

    // The options themselves are asserted in electron/window-options.test.ts; here, their effect.
    const page = await win.evaluate(() => {
      const w = window as unknown as { ckptDoctor?: Record<string, unknown>; require?: unknown; process?: unknown };
      return { bridge: Object.keys(w.ckptDoctor ?? {}).sort(), require: typeof w.require, process: typeof w.process, ipc: typeof (w as Record<string, unknown>).ipcRenderer };
    });
    expect(page).toEqual({ bridge: ['invoke', 'onEvent', 'pathForFile'], require: 'undefined', process: 'undefined', ipc: 'undefined' });

    await expect(win.locator(`[data-testid="root-item"][data-path="${demo}"]`)).toBeVisible();
    await expect(win.locator('[data-testid="family-item"][data-family^="trainer_state"] [data-testid="health-badge"]')).toHaveAttribute('data-health', 'broken');

    const outside = await win.evaluate(() => fetch('https://example.com/').then(() => 'loaded', () => 'refused'));
    expect(outside).toBe('refused');
    expect(await win.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(win.url()).toBe('app://bundle/index.html');
  } finally {
    await app.close();
    rmSync(scratch, { recursive: true, force: true });
  }
});
