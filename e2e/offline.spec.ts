/**
 * No request leaves the app: over a whole session (every demo family opened, a generation of
 * each shown in the editor, which loads Monaco and its workers) every request the page, its
 * workers and its WebSocket make goes to the server that served it.
 *
 * The CSP is bypassed for this test: it would block a foreign load before it became a request,
 * and this test is about what the renderer itself asks for. Foreign requests are answered by
 * aborting them, so nothing reaches the network either way.
 */
import { expect, test } from '@playwright/test';
import { sharedServer } from './support/shared-server';

test.use({ bypassCSP: true });

test('the renderer makes no request outside its own origin', async ({ page, context }) => {
  const { url, origin, demo } = sharedServer();
  const own = new URL(origin);
  const seen: string[] = [];
  await context.route((u) => u.host !== own.host, (route) => route.abort('blockedbyclient'));
  context.on('request', (request) => seen.push(request.url()));
  page.on('websocket', (ws) => seen.push(ws.url()));
  page.on('worker', (worker) => seen.push(worker.url()));

  await page.goto(url);
  const families = page.locator(`[data-testid="root-item"][data-path="${demo}"] [data-testid="family-item"]`);
  await expect(families.first()).toBeVisible();
  const count = await families.count();
  expect(count).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < count; i++) {
    await families.nth(i).click();
    await expect(page.getByTestId('family-header')).toBeVisible();
    const row = page.getByTestId('generation-row').first();
    await row.click();
    await expect(page.getByTestId('value-editor')).toBeVisible();
  }
  await expect(page.locator('[data-testid="value-editor"] .monaco-editor').first()).toBeVisible();

  const foreign = seen.filter((raw) => {
    if (raw.startsWith('data:') || raw.startsWith('blob:')) return false;
    const u = new URL(raw);
    return u.host !== own.host || !['http:', 'ws:'].includes(u.protocol);
  });
  expect(foreign).toEqual([]);
  // The session really loaded the app: the page, its scripts, the API socket and Monaco's workers.
  expect(seen.some((u) => u.startsWith(`ws://${own.host}/api`))).toBe(true);
  expect(seen.filter((u) => u.includes('/assets/')).length).toBeGreaterThan(2);
  expect(seen.some((u) => /worker/i.test(u))).toBe(true);
});
