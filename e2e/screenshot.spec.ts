/**
 * The README's screenshot, taken of the real UI on a fresh demo workspace: the training run whose
 * current checkpoint was cut off mid-write, with its finding, verdict and fallback. Every run takes it
 * (into test-results/); `CKPT_UPDATE_SCREENSHOT=1 npm test` also refreshes docs/screenshot.png, so an
 * ordinary test run leaves the working tree clean.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from './support/paths';
import { makeDemo } from './support/python';
import { startServe } from './support/serve';
import { freshFolder } from './support/shared-server';

test('docs/screenshot.png shows the demo workspace', async ({ page }, testInfo) => {
  const demo = path.join(freshFolder('screenshot'), 'demo');
  makeDemo(demo);
  const server = await startServe([demo]);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await page.goto(server.url);
    await expect(page.getByTestId('family-item')).toHaveCount(6, { timeout: 30_000 });
    await expect(page.getByTestId('scan-progress')).toHaveCount(0);
    await page.locator('[data-testid="family-item"][data-family^="trainer_state"]').click();
    await page.locator('[data-testid="generation-row"][data-current="true"]').click();
    await expect(page.locator('[data-testid="finding-item"][data-code="json.truncated"]')).toBeVisible();
    await expect(page.getByTestId('fallback-banner')).toBeVisible();
    await expect(page.locator('[data-testid="value-editor"] .monaco-editor').first()).toBeVisible();

    const file = process.env.CKPT_UPDATE_SCREENSHOT === '1' ? path.join(repoRoot, 'docs/screenshot.png') : testInfo.outputPath('screenshot.png');
    mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    const png = readFileSync(file);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1440, 900]);
  } finally {
    await server.stop();
  }
});
