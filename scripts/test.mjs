#!/usr/bin/env node
/**
 * `npm test`: install if needed, build, then typecheck, lint, unit tests (Vitest) and end-to-end
 * tests (Playwright driving Debian's Chromium against the real engine in serve mode). Every stage
 * runs even when an earlier one failed, so one run shows everything that is wrong.
 *
 * The last line is the plain summary CI reads, counted from the runners' JSON reports
 * (.reports/vitest.json, .reports/playwright.json); the build, typecheck and lint count as one
 * test each:  `N passed, N failed, N skipped`. Exit status is non-zero if anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, ensureDependencies, findElectron, repoRoot, run } from './build.mjs';

const REPORTS = path.join(repoRoot, '.reports');
const VITEST_REPORT = path.join(REPORTS, 'vitest.json');
const PLAYWRIGHT_REPORT = path.join(REPORTS, 'playwright.json');
const bin = (name) => path.join(repoRoot, 'node_modules', name);

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function record(name, outcome) {
  totals[outcome] += 1;
  if (outcome === 'failed') failures.push(name);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Counts from Vitest's JSON reporter; a file that failed to load counts as one failure. */
function countVitest(report) {
  let failedFiles = 0;
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
      failedFiles += 1;
      failures.push(`vitest: ${path.relative(repoRoot, file.name)} (${(file.message ?? 'failed to run').split('\n')[0]})`);
    }
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'failed') failures.push(`vitest: ${test.fullName}`);
    }
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + failedFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** Counts from Playwright's JSON reporter; errors outside tests (global setup) count as failures. */
function countPlaywright(report) {
  const stats = report.stats ?? {};
  const collect = (suite, trail) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status === 'unexpected') failures.push(`playwright: ${[...trail, spec.title].join(' › ')}`);
      }
    }
    for (const child of suite.suites ?? []) collect(child, [...trail, child.title]);
  };
  for (const suite of report.suites ?? []) collect(suite, [suite.title]);
  const errors = (report.errors ?? []).length;
  for (const error of report.errors ?? []) failures.push(`playwright: ${(error.message ?? 'error').split('\n')[0]}`);
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: (stats.unexpected ?? 0) + errors,
    skipped: stats.skipped ?? 0,
  };
}

function chromiumPath() {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : null;
}

function stage(title) {
  console.log(`\n=== ${title} ===`);
}

async function main() {
  await ensureDependencies();
  mkdirSync(REPORTS, { recursive: true });
  const node = process.execPath;

  stage('build');
  const built = await build();
  record('build', built ? 'passed' : 'failed');

  stage('typecheck (tsc --noEmit)');
  record('typecheck', (await run(node, [bin('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'])) === 0 ? 'passed' : 'failed');

  stage('lint (eslint)');
  record('lint', (await run(node, [bin('eslint/bin/eslint.js'), '--max-warnings', '0', '.'])) === 0 ? 'passed' : 'failed');

  stage('unit tests (vitest)');
  rmSync(VITEST_REPORT, { force: true });
  const vitestCode = await run(node, [bin('vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${VITEST_REPORT}`]);
  const vitest = readJson(VITEST_REPORT);
  if (vitest) {
    const counts = countVitest(vitest);
    for (const key of Object.keys(totals)) totals[key] += counts[key];
    if (vitestCode !== 0 && counts.failed === 0) record('vitest (exited with an error outside any test)', 'failed');
  } else {
    record('vitest (no report written)', 'failed');
  }

  stage('end-to-end tests (playwright)');
  const chromium = chromiumPath();
  if (!chromium) {
    console.error('Chromium was not found at /usr/bin/chromium (set CHROMIUM_PATH to use another). Install it with:\n  sudo apt-get install -y chromium');
    record('e2e (Chromium missing: sudo apt-get install -y chromium)', 'failed');
  } else if (!built) {
    console.error('Skipping end-to-end tests: the build failed, so there is no app to drive.');
    record('e2e (not run: build failed)', 'failed');
  } else {
    rmSync(PLAYWRIGHT_REPORT, { force: true });
    const env = { ...process.env, CHROMIUM_PATH: chromium, PLAYWRIGHT_JSON_OUTPUT_NAME: PLAYWRIGHT_REPORT };
    let command = node;
    let args = [bin('@playwright/test/cli.js'), 'test'];
    // Headless Chromium needs no display; only the Electron test does, and only where it can run.
    const needsDisplay = process.platform === 'linux' && findElectron() !== null && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
    if (needsDisplay && spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0) {
      command = 'xvfb-run';
      args = ['-a', node, ...args];
    }
    const code = await run(command, args, { env });
    const playwright = readJson(PLAYWRIGHT_REPORT);
    if (playwright) {
      const counts = countPlaywright(playwright);
      for (const key of Object.keys(totals)) totals[key] += counts[key];
      if (code !== 0 && counts.failed === 0) record('playwright (exited with an error outside any test)', 'failed');
    } else {
      record('playwright (no report written)', 'failed');
    }
  }

  const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  writeFileSync(path.join(REPORTS, 'summary.txt'), `${summary}\n`);
  if (failures.length > 0) {
    console.log('\nFailed:');
    for (const name of failures) console.log(`  - ${name}`);
  }
  console.log(`\n${summary}`);
  return totals.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    console.log('\n0 passed, 1 failed, 0 skipped');
    process.exit(1);
  },
);
