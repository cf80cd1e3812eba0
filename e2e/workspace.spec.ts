/**
 * The acceptance checks of the main flow: open a folder, see its families and generations, see a
 * broken current generation explained, and see new generations arrive while you watch.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { scanJson } from './support/cli';
import { makeDemo, saveRingGeneration } from './support/python';
import { freshFolder, sharedServer } from './support/shared-server';
import { countPattern } from './support/text';

function rootItem(page: Page, folder: string) {
  return page.locator(`[data-testid="root-item"][data-path="${folder}"]`);
}

async function addFolder(page: Page, folder: string): Promise<void> {
  await page.getByTestId('add-folder-input').fill(folder);
  await page.getByTestId('add-folder-button').click();
  await expect(rootItem(page, folder)).toBeVisible();
}

test('opening a folder lists its checkpoint families and their generations', async ({ page }) => {
  const workspace = freshFolder('opened');
  makeDemo(workspace);
  const folder = path.join(workspace, 'research-agent');

  await page.goto(sharedServer().url);
  await addFolder(page, folder);

  const family = rootItem(page, folder).locator('[data-testid="family-item"][data-family^="agent_state"]');
  await expect(family).toHaveCount(1);
  await expect(family.getByTestId('health-badge')).toHaveAttribute('data-health', 'healthy');
  await family.click();

  await expect(page.getByTestId('family-header')).toHaveAttribute('data-family', /^agent_state/);
  const rows = page.getByTestId('generation-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute('data-label', 'agent_state.json');
  await expect(rows.nth(0)).toHaveAttribute('data-current', 'true');
  await expect(rows.nth(1)).toHaveAttribute('data-label', 'agent_state.1.json');
  await expect(rows.nth(2)).toHaveAttribute('data-label', 'agent_state.2.json');
  for (const row of await rows.all()) await expect(row).toHaveAttribute('data-health', 'healthy');
  await expect(page.getByTestId('fallback-banner')).toHaveCount(0);
});

test('a current generation cut off mid-write shows the finding at its byte offset and names the fallback', async ({ page }) => {
  const { url, demo } = sharedServer();
  const folder = path.join(demo, 'training-run');
  const scan = scanJson(folder);
  const current = scan.families[0].generations.find((g) => g.current);
  const truncated = current?.findings.find((f) => f.code === 'json.truncated');
  expect(truncated?.offset, 'ckpt-doctor scan --json reports json.truncated with an offset').toEqual(expect.any(Number));

  await page.goto(url);
  const family = rootItem(page, demo).locator('[data-testid="family-item"][data-family^="trainer_state"]');
  await expect(family.getByTestId('health-badge')).toHaveAttribute('data-health', 'broken');
  await family.click();

  await expect(page.getByTestId('verdict')).not.toBeEmpty();
  const banner = page.getByTestId('fallback-banner');
  await expect(banner).toHaveAttribute('data-fallback', 'trainer_state.1.json');
  await expect(banner).toContainText('trainer_state.1.json');

  const currentRow = page.locator('[data-testid="generation-row"][data-current="true"]');
  await expect(currentRow).toHaveAttribute('data-label', 'trainer_state.json');
  await expect(currentRow).toHaveAttribute('data-health', 'broken');
  await expect(page.locator('[data-testid="generation-row"][data-label="trainer_state.1.json"]')).toHaveAttribute('data-health', 'healthy');

  await currentRow.click();
  const finding = page.locator('[data-testid="finding-item"][data-code="json.truncated"]');
  await expect(finding).toBeVisible();
  await expect(finding).toContainText(countPattern(truncated!.offset!));
});

test('a generation saved by another process appears without a click', async ({ page }) => {
  const folder = freshFolder('live');
  saveRingGeneration(folder, 'agent_state', { step: 1, status: 'running', messages: ['plan'] });
  saveRingGeneration(folder, 'agent_state', { step: 2, status: 'running', messages: ['plan', 'search'] });

  await page.goto(sharedServer().url);
  await addFolder(page, folder);
  await rootItem(page, folder).locator('[data-testid="family-item"][data-family^="agent_state"]').click();
  const rows = page.getByTestId('generation-row');
  await expect(rows).toHaveCount(2);

  // From here on the test only watches: python3 rotates the ring and saves step 3.
  saveRingGeneration(folder, 'agent_state', { step: 3, status: 'running', messages: ['plan', 'search', 'answer'] });
  await expect(rows).toHaveCount(3);
  await expect(page.locator('[data-testid="generation-row"][data-label="agent_state.2.json"]')).toHaveCount(1);
  await expect(rows.nth(0)).toHaveAttribute('data-label', 'agent_state.json');
  await expect(rows.nth(0)).toHaveAttribute('data-current', 'true');
});
