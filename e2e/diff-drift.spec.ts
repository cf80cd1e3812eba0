/**
 * The Diff and Drift tabs against the real engine: a JSON checkpoint with its typed pickle twin
 * read as a drift table, two generations of seed 000's task queue compared in Monaco's diff
 * editor with a change revealed on both sides, and a trainer whose current file was cut off
 * mid-write compared on the two generations that decode.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { python } from './support/python';
import { freshFolder, sharedServer } from './support/shared-server';

function family(page: Page, prefix: string) {
  const { demo } = sharedServer();
  return page.locator(`[data-testid="root-item"][data-path="${demo}"] [data-testid="family-item"][data-family^="${prefix}"]`);
}

async function openTab(page: Page, tab: 'diff' | 'drift'): Promise<void> {
  await page.locator(`[data-testid="detail-tab"][data-tab="${tab}"]`).click();
}

test('the drift table of a JSON with its pickle twin says what json.load gives back, and a row reveals its place', async ({ page }) => {
  await page.goto(sharedServer().url);
  await family(page, 'lit_result').click();
  await openTab(page, 'drift');

  const tab = page.getByTestId('drift-tab');
  await expect(tab).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('drift-source')).toHaveAttribute('data-source', 'pickle');
  await expect(page.getByTestId('drift-source')).toContainText('lit_result.pkl');

  const retrieved = page.locator('[data-testid="drift-row"][data-pointer$="/retrieved_at"]').first();
  await expect(retrieved).toHaveAttribute('data-verdict', 'coerced');
  await expect(retrieved).toContainText('datetime');
  const bytes = page.locator('[data-testid="drift-row"][data-pointer="/image_outputs/0/image_bytes"]');
  await expect(bytes).toHaveAttribute('data-verdict', 'lossy');
  await expect(bytes).toContainText('bytes');

  await bytes.click();
  await expect(page.getByTestId('drift-value')).toHaveAttribute('data-revealed-line', /"image_bytes"/);

  // Filters hide a verdict; the loader switch follows JSON.parse.
  await page.locator('[data-testid="drift-filter"][data-verdict="coerced"] input').uncheck();
  await expect(page.locator('[data-testid="drift-row"][data-verdict="coerced"]')).toHaveCount(0);
  await expect(bytes).toBeVisible();
  await page.locator('[data-testid="drift-filter"][data-verdict="coerced"] input').check();
  await page.screenshot({ path: path.join('test-results', 'drift-tab.png') });

  await page.getByTestId('drift-loader').locator('[data-loader="js"]').click();
  await expect(page.getByTestId('drift-loader')).toHaveAttribute('data-loader', 'js');
  await expect(tab).toHaveAttribute('data-status', 'ready');
  await expect(bytes).toHaveAttribute('data-verdict', 'lossy');
});

test('the diff of two generations lists phase_outputs emptied and reveals a change on both sides of the editor', async ({ page }) => {
  await page.goto(sharedServer().url);
  await family(page, 'current_work').click();
  await openTab(page, 'diff');

  const tab = page.getByTestId('diff-tab');
  await expect(tab).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('diff-pick-a').locator('option:checked')).toHaveText(/current_work\.1\.json/);
  await expect(page.getByTestId('diff-pick-b').locator('option:checked')).toHaveText(/current_work\.json/);
  await expect(page.locator('[data-testid="diff-summary"] [data-kind="removed"]')).toHaveAttribute('data-count', '1');
  const removed = page.locator('[data-testid="diff-change"][data-kind="removed"]');
  await expect(removed).toHaveAttribute('data-pointer', '/active_tasks/0/phase_outputs/lit_result');

  const phase = page.locator('[data-testid="diff-change"][data-pointer="/active_tasks/0/phase"]');
  await expect(phase).toHaveAttribute('data-kind', 'changed');
  // Keyboard: focus the list, walk to the phase change and press Enter.
  await page.locator('.change-list').focus();
  const pointers = await page.locator('[data-testid="diff-change"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pointer')));
  for (let i = 0; i < pointers.indexOf('/active_tasks/0/phase'); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');

  const editor = page.getByTestId('diff-editor');
  await expect(editor).toHaveAttribute('data-revealed-pointer', '/active_tasks/0/phase');
  await expect(editor).toHaveAttribute('data-revealed-before', /"phase": "lit_review"/);
  await expect(editor).toHaveAttribute('data-revealed-after', /"phase": "supervision"/);
  // The revealed lines are on screen in Monaco, on each side.
  // (Monaco draws spaces as no-break spaces, which \s matches.)
  await expect(editor.locator('.editor.original .view-line', { hasText: /"phase":\s"lit_review"/ })).toBeVisible();
  await expect(editor.locator('.editor.modified .view-line', { hasText: /"phase":\s"supervision"/ })).toBeVisible();
  await page.screenshot({ path: path.join('test-results', 'diff-tab.png') });

  // A click on the removed change reveals where lit_result was.
  await removed.click();
  await expect(editor).toHaveAttribute('data-revealed-before', /"lit_result"/);
  await expect(editor).toHaveAttribute('data-revealed-after', /"phase_outputs"/);
});

test('the diff of a family whose current file was cut off opens on the two older generations, with no "Try again"', async ({ page }) => {
  // A trainer saves three generations; the last save was killed mid-write (cut at byte 200).
  const folder = freshFolder('cut-off');
  python(
    `
import json, os, sys
folder = sys.argv[1]
def state(step, loss):
    return {"global_step": step, "best_metric": loss, "log_history": [{"step": s, "loss": round(2.0 / s, 4)} for s in range(100, step + 1, 100)]}
for name, step, loss in (("trainer_state.2.json", 100, 0.9), ("trainer_state.1.json", 200, 0.7)):
    with open(os.path.join(folder, name), "w") as f:
        json.dump(state(step, loss), f, indent=2)
text = json.dumps(state(300, 0.5), indent=2).encode()
with open(os.path.join(folder, "trainer_state.json"), "wb") as f:
    f.write(text[:200])
for age, name in enumerate(("trainer_state.json", "trainer_state.1.json", "trainer_state.2.json")):
    t = 1_700_000_000 - 600 * age
    os.utime(os.path.join(folder, name), (t, t))
`,
    [folder],
  );

  await page.goto(sharedServer().url);
  await page.getByTestId('add-folder-input').fill(folder);
  await page.getByTestId('add-folder-button').click();
  const item = page.locator(`[data-testid="root-item"][data-path="${folder}"] [data-testid="family-item"][data-family^="trainer_state"]`);
  await expect(item.getByTestId('health-badge')).toHaveAttribute('data-health', 'broken');
  await item.click();
  await expect(page.locator('[data-testid="generation-row"][data-current="true"]')).toHaveAttribute('data-label', 'trainer_state.json');
  await openTab(page, 'diff');

  const tab = page.getByTestId('diff-tab');
  await expect(tab).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('diff-pick-a').locator('option:checked')).toHaveText(/^trainer_state\.2\.json/);
  await expect(page.getByTestId('diff-pick-b').locator('option:checked')).toHaveText(/^trainer_state\.1\.json/);
  await expect(page.locator('[data-testid="diff-change"][data-pointer="/global_step"]')).toHaveAttribute('data-kind', 'changed');
  await expect(page.locator('[data-testid="diff-change"][data-pointer="/log_history/1"]')).toHaveAttribute('data-kind', 'added');
  await expect(page.getByTestId('diff-error')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);

  // Picking the cut-off file by hand says why it cannot be compared; trying again cannot help.
  await page.getByTestId('diff-pick-b').selectOption({ label: 'trainer_state.json (current) — broken' });
  await expect(tab).toHaveAttribute('data-status', 'error');
  await expect(page.getByTestId('diff-error')).toContainText('trainer_state.json does not decode (json.truncated');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
});
