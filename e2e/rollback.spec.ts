/**
 * The rollback as a person mid-incident does it, in Chromium against the real serve mode: a
 * python3-written ring buffer whose current file was cut mid-write; cancel changes nothing on
 * disk; confirm makes the fallback current and names the backup; undo puts the original bytes
 * back; the history panel lists both. The server runs with a short quiet period so the undo right
 * after the rollback does not wait the default 10 s.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { python } from './support/python';
import { startServe, type ServeHandle } from './support/serve';
import { freshFolder } from './support/shared-server';

let server: ServeHandle | null = null;
let folder: string;

/** relative path → sha256 of every file under `dir`, our own `.ckpt-doctor` included. */
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = path.join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else out[path.relative(dir, abs)] = createHash('sha256').update(readFileSync(abs)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** A ring buffer `agent.json`, `.1`, `.2` as a job's atomic saves leave it, the current one cut in half; aged an hour. */
function writeRing(dir: string): void {
  python(
    `
import json, os, sys, time
d = sys.argv[1]
now = time.time()
for i in range(3):
    name = "agent.json" if i == 0 else f"agent.{i}.json"
    state = {"schema_version": 3, "step": 100 - 10 * i, "phase": "supervision", "phase_outputs": {"lit_review": {"papers": list(range(5 - i))}}}
    text = json.dumps(state, indent=2)
    with open(os.path.join(d, name), "w") as f:
        f.write(text[: len(text) // 2] if i == 0 else text)
    os.utime(os.path.join(d, name), (now - 3600 - 60 * i, now - 3600 - 60 * i))
os.utime(d, (now - 3600, now - 3600))
`,
    [dir],
  );
}

async function openFamily(page: Page): Promise<void> {
  await page.goto(server!.url);
  const family = page.locator(`[data-testid="root-item"][data-path="${folder}"] [data-testid="family-item"]`);
  await expect(family).toHaveCount(1);
  await family.click();
  await expect(page.locator('[data-testid="generation-row"][data-current="true"]')).toHaveAttribute('data-health', 'broken');
}

test.beforeAll(async () => {
  folder = freshFolder('rollback');
  writeRing(folder);
  process.env.CKPT_DOCTOR_QUIET_PERIOD_MS = '300';
  try {
    server = await startServe([folder]);
  } finally {
    delete process.env.CKPT_DOCTOR_QUIET_PERIOD_MS;
  }
});

test.afterAll(async () => {
  await server?.stop();
});

test('cancel writes nothing; confirm rolls back and lists the backup; undo restores the bytes; history shows both', async ({ page }) => {
  const original = hashTree(folder);
  await openFamily(page);

  // The dialog from the fallback banner: an alertdialog with Cancel focused and the exact operations.
  await page.getByTestId('rollback-fallback-button').click();
  const dialog = page.getByTestId('rollback-dialog');
  await expect(dialog).toHaveAttribute('role', 'alertdialog');
  await expect(dialog.getByTestId('rollback-cancel')).toBeFocused();
  await expect(dialog.getByTestId('rollback-operation')).toHaveCount(2);
  await expect(dialog.getByTestId('rollback-operation').nth(0)).toHaveAttribute('data-kind', 'backup');
  await expect(dialog.getByTestId('rollback-operation').nth(1)).toContainText('agent.json ← agent.1.json');
  await expect(dialog.getByTestId('rollback-side-current').getByTestId('health-badge')).toHaveAttribute('data-health', 'broken');
  await expect(dialog.getByTestId('rollback-side-target').getByTestId('health-badge')).toHaveAttribute('data-health', 'healthy');
  await expect(dialog.getByTestId('rollback-confirm')).toBeEnabled();
  await page.screenshot({ path: test.info().outputPath('rollback-dialog.png') });

  // Escape cancels, and so does the Cancel button; neither writes a byte.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('rollback-fallback-button').click();
  await expect(dialog.getByTestId('rollback-confirm')).toBeEnabled();
  await dialog.getByTestId('rollback-cancel').click();
  await expect(dialog).toHaveCount(0);
  expect(hashTree(folder), 'cancel leaves every file byte-identical').toEqual(original);

  // Confirm from the row of the generation.
  const target = page.locator('[data-testid="generation-row"][data-label="agent.1.json"]');
  await target.click();
  await target.getByTestId('rollback-button').click();
  await expect(dialog.getByTestId('rollback-confirm')).toBeEnabled();
  await dialog.getByTestId('rollback-confirm').click();
  const result = dialog.getByTestId('rollback-result');
  await expect(result).toHaveAttribute('data-kind', 'ok');
  const backup = (await result.getByTestId('rollback-backup').textContent())!.trim();
  expect(path.dirname(backup)).toBe(path.join(folder, '.ckpt-doctor', 'trash'));
  const rolled = hashTree(folder);
  expect(rolled['agent.json']).toBe(original['agent.1.json']);
  expect(rolled[path.join(path.relative(folder, backup), 'agent.json')]).toBe(original['agent.json']);
  await expect(page.locator('[data-testid="generation-row"][data-current="true"]')).toHaveAttribute('data-health', 'healthy');

  // Undo from the result.
  await result.getByTestId('undo-button').click();
  await expect(result).toHaveAttribute('data-op', 'undo');
  expect(hashTree(folder)['agent.json'], 'undo restores the original bytes').toBe(original['agent.json']);
  await expect(page.locator('[data-testid="generation-row"][data-current="true"]')).toHaveAttribute('data-health', 'broken');
  await dialog.getByTestId('rollback-close').click();
  await expect(dialog).toHaveCount(0);

  // The history panel.
  await page.getByTestId('history-button').click();
  const panel = page.getByTestId('history-panel');
  await expect(panel.getByTestId('history-entry')).toHaveCount(2);
  await expect(panel.getByTestId('history-entry').nth(0)).toHaveAttribute('data-op', 'undo');
  await expect(panel.getByTestId('history-entry').nth(1)).toHaveAttribute('data-op', 'rollback');
  await expect(panel.getByTestId('history-entry').nth(1)).toContainText(backup);
  await page.screenshot({ path: test.info().outputPath('history-panel.png') });
});

test('a risky target needs the family name, and a file changed after review is refused in plain words', async ({ page }) => {
  await openFamily(page);
  // Rolling back to the oldest generation: older step, fewer papers; make it risky by cutting it.
  const oldest = path.join(folder, 'agent.2.json');
  python(`import sys\np = sys.argv[1]\nb = open(p, "rb").read()\nopen(p, "wb").write(b[:40])`, [oldest]);
  await expect(page.locator('[data-testid="generation-row"][data-label="agent.2.json"]')).toHaveAttribute('data-health', 'broken');
  const row = page.locator('[data-testid="generation-row"][data-label="agent.2.json"]');
  await row.click();
  await row.getByTestId('rollback-button').click();
  const dialog = page.getByTestId('rollback-dialog');
  const typed = dialog.getByTestId('rollback-typed-name');
  await expect(typed).toBeVisible();
  await expect(dialog.getByTestId('rollback-confirm')).toBeDisabled();
  const family = (await page.getByTestId('family-header').getAttribute('data-family'))!;
  await typed.fill(family.slice(0, -1));
  await expect(dialog.getByTestId('rollback-confirm')).toBeDisabled();
  await typed.fill(family);
  await expect(dialog.getByTestId('rollback-confirm')).toBeEnabled();

  // A job writes the current file after the person reviewed it (same length, same mtime: only the hash tells).
  const before = hashTree(folder);
  python(
    `import os, sys\np = sys.argv[1]\nst = os.stat(p)\nb = bytearray(open(p, "rb").read())\nb[0:1] = b"["\nopen(p, "wb").write(bytes(b))\nos.utime(p, (st.st_atime, st.st_mtime))\nos.utime(os.path.dirname(p), (st.st_atime, st.st_mtime))`,
    [path.join(folder, 'agent.json')],
  );
  const changed = hashTree(folder);
  expect(changed['agent.json']).not.toBe(before['agent.json']);
  await dialog.getByTestId('rollback-confirm').click();
  const refusal = dialog.getByTestId('rollback-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'changed_since_review');
  await expect(refusal).toContainText('changed since you reviewed it');
  expect(hashTree(folder), 'a refusal writes nothing').toEqual(changed);
  await dialog.getByTestId('rollback-cancel').click();
  await expect(dialog).toHaveCount(0);
});
