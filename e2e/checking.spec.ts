/**
 * Opened mid-incident on a folder with one large (100 MB) generation: every family is listed at once, the
 * large one marked "Checking…" with nothing to roll back, the small ones judged meanwhile, and
 * the large one's verdict replaces the spinner when its file has been read.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { python } from './support/python';
import { startServe, type ServeHandle } from './support/serve';

let dir: string;
let server: ServeHandle | null = null;

test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-e2e-checking-'));
  mkdirSync(path.join(dir, 'big-run'));
  mkdirSync(path.join(dir, 'other-run'));
  python(
    `
import json, os, sys, time
root = sys.argv[1]
big_dir, other_dir = os.path.join(root, "big-run"), os.path.join(root, "other-run")
old = time.time() - 3600
row = {"step": 0, "loss": 0.123456789, "lr": 3e-4, "tags": ["a", "b"], "note": "x" * 40}
with open(os.path.join(big_dir, "trainer_state.1.json"), "w") as f: json.dump({"schema_version": 2, "log_history": [row]}, f)
os.utime(os.path.join(big_dir, "trainer_state.1.json"), (old, old))
for i in range(3):
    with open(os.path.join(other_dir, "ckpt_%03d.json" % i), "w") as f: json.dump({"schema_version": 1, "step": i}, f)
    os.utime(os.path.join(other_dir, "ckpt_%03d.json" % i), (old + i, old + i))
good = json.dumps({"schema_version": 1, "phase": "plan", "phase_outputs": {"plan": "ok"}})
for name, text in (("agent.1.json", good), ("agent.json", good[:-9])):
    with open(os.path.join(big_dir, name), "w") as f: f.write(text)
os.utime(os.path.join(big_dir, "agent.1.json"), (old, old))
`,
    [dir],
  );
});

/** Save a ~100 MB trainer_state.json the way a trainer does: written aside, then renamed into place. */
function saveLargeGeneration(): void {
  python(
    `
import json, os, sys
row = {"step": 0, "loss": 0.123456789, "lr": 3e-4, "tags": ["a", "b"], "note": "x" * 40}
n = 100 * 1024 * 1024 // len(json.dumps(row))
tmp = sys.argv[1] + ".writing"
with open(tmp, "w") as f: json.dump({"schema_version": 2, "log_history": [dict(row, step=i) for i in range(n)]}, f)
os.replace(tmp, os.path.join(sys.argv[2], "big-run", "trainer_state.json"))
`,
    [path.join(path.dirname(dir), `${path.basename(dir)}-trainer_state.json`), dir],
  );
}

test.afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('lists every family while a large generation is checked, and offers nothing on it', async ({ page }) => {
  test.setTimeout(180_000);
  server = await startServe([dir]);
  await page.goto(server.url);
  const items = page.getByTestId('family-item');
  const trainer = items.and(page.locator('[data-family^="trainer_state"]'));
  await expect(items).toHaveCount(3, { timeout: 20_000 });
  await expect(page.locator('[data-testid="root-item"]')).toHaveAttribute('data-status', 'ready');
  // The trainer saves its 100 MB generation: every family stays listed while it is read (the
  // first scan of a folder shows the same, tested in electron/engine/checking-scan.test.ts).
  saveLargeGeneration();
  await expect(trainer).toHaveAttribute('data-checking', 'true', { timeout: 60_000 });
  await expect(items).toHaveCount(3);
  await expect(trainer.getByTestId('health-badge')).toHaveText('Checking…');

  await trainer.click();
  const current = page.locator('[data-testid="generation-row"][data-current="true"]');
  await expect(current).toHaveAttribute('data-checking', 'true');
  await expect(current.getByTestId('health-badge')).toHaveText('Checking…');
  await expect(page.getByTestId('verdict')).toHaveText(/^Checking 1 file \(\d+(\.\d)? MB\)…$/);
  await expect(page.getByTestId('rollback-button')).toHaveCount(0);
  await expect(page.getByTestId('fallback-banner')).toHaveCount(0);
  await expect(page.getByTestId('content-checking')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('checking.png') });
  // The small families' verdicts do not wait for it (that they come first is the engine test's).
  await expect(items.and(page.locator('[data-family^="agent"]'))).toHaveAttribute('data-health', 'broken');

  // Its verdict replaces the spinner, and nothing is left checking.
  await expect(trainer).toHaveAttribute('data-health', 'healthy', { timeout: 150_000 });
  await expect(page.locator('[data-checking]')).toHaveCount(0);
  await expect(page.getByTestId('rollback-button')).toHaveCount(1);
});
