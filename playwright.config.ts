/**
 * End-to-end tests: Debian's Chromium (never a downloaded browser) drives the built renderer
 * against the real engine in serve mode, started by e2e/global-setup.ts on a demo workspace
 * written by python3. e2e/electron.spec.ts drives the Electron app where a binary exists.
 */
import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './e2e/support/paths';

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  // Two shared cores: one worker, tests in order. A retry would hide a flaky app.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  outputDir: 'test-results',
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME || '.reports/playwright.json' }]],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', testIgnore: /electron\.spec\.ts$/ },
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
});
