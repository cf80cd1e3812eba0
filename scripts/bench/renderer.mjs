/**
 * The renderer case of `npm run bench`: serve mode (the bench bundle of electron/serve.ts, serving
 * the built out/renderer) on a folder whose current generation is large, opened in Debian's
 * Chromium through playwright-core. Measures, from navigation start:
 * - the family appearing in the sidebar, and the first rendered generation list after it is opened;
 * - every main-thread task over 50 ms (Long Tasks API, observed from the first script on), split
 *   into those while the engine was still scanning and those after (opening the 100 MB value).
 *
 * Usage: node renderer.mjs BUNDLE_DIR FOLDER STATIC_DIR  -> one JSON line on stdout.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [bundleDir, folder, staticDir] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const server = spawn(process.execPath, [path.join(bundleDir, 'ours.js'), 'serve', folder, staticDir], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: server.stdout });
const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('serve printed no URL within 60 s')), 60_000);
  lines.once('line', (line) => {
    clearTimeout(timer);
    resolve(line.trim());
  });
  server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
});

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
let result;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.__bench = { longTasks: [], marks: {} };
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      w.__bench.unsupported = true;
    }
    const mark = (name, selector) => {
      if (w.__bench.marks[name] === undefined && document.querySelector(selector)) w.__bench.marks[name] = performance.now();
    };
    const watch = () => {
      new MutationObserver(() => {
        mark('family', '[data-testid="family-item"]');
        mark('rows', '[data-testid="generation-row"]');
        mark('health', '[data-testid="generation-row"][data-current="true"]:not([data-health="unknown"])');
      }).observe(document, { childList: true, subtree: true, attributes: true });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
    else watch();
  });
  const t0 = Date.now();
  await page.goto(url);
  const family = page.locator('[data-testid="family-item"]').first();
  await family.waitFor({ timeout: 120_000 });
  await family.click();
  await page.locator('[data-testid="generation-row"]').first().waitFor({ timeout: 120_000 });
  // The scan of the big member runs on; wait until the current generation has a verdict.
  const scanDone = page.locator('[data-testid="generation-row"][data-current="true"]:not([data-health="unknown"])');
  await scanDone.first().waitFor({ timeout: 300_000 });
  const scanEnd = await page.evaluate(() => performance.now());
  // Then the current generation's value opens in the editor (decoded in a worker, capped text).
  let valueMs = null;
  try {
    await page.locator('[data-testid="value-editor"]').first().waitFor({ timeout: 180_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="content-loading"]'), null, { timeout: 180_000, polling: 200 });
    valueMs = await page.evaluate(() => performance.now());
  } catch {
    // leave valueMs null: the table says the value never showed
  }
  await page.waitForTimeout(3000);
  const data = await page.evaluate(() => /** @type {any} */ (window).__bench);
  const during = data.longTasks.filter((t) => t.start < scanEnd);
  const after = data.longTasks.filter((t) => t.start >= scanEnd);
  const max = (xs) => xs.reduce((m, t) => Math.max(m, t.duration), 0);
  result = {
    ms: data.marks.rows,
    familyMs: data.marks.family,
    scanDoneMs: scanEnd,
    valueMs,
    wallMs: Date.now() - t0,
    longTasksDuringScan: during.length,
    maxTaskDuringScanMs: max(during),
    longTasksAfterScan: after.length,
    maxTaskAfterScanMs: max(after),
    longTaskApi: !data.unsupported,
  };
} finally {
  await browser.close();
  server.stdin.end();
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      resolve();
    }, 15_000);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
process.stdout.write(`${JSON.stringify(result)}\n`);
