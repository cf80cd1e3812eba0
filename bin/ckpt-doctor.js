#!/usr/bin/env node
// The `ckpt-doctor` command. Runs the bundled CLI (out/cli/cli.js); right after `npm ci` on a
// fresh clone nothing is built yet, so the first run builds it (and the browser UI, for `serve`).
// Build output goes to stderr: `serve` must print exactly one line, its URL, on stdout.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out', 'cli', 'cli.js');
const worker = join(root, 'out', 'cli', 'scan-worker.js');
const page = join(root, 'out', 'renderer', 'index.html');
const args = process.argv.slice(2);
const wantsUi = args[0] === 'serve';

if (!existsSync(cli) || !existsSync(worker) || (wantsUi && !existsSync(page))) {
  process.stderr.write('Building Checkpoint Doctor (first run)…\n');
  const full = join(root, 'scripts', 'build.mjs');
  const script = existsSync(full) ? full : join(root, 'scripts', 'build-cli.mjs');
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0 || !existsSync(cli)) {
    process.stderr.write(`ckpt-doctor: the build failed (${script}). Run \`npm run build\` in ${root} to see why.\n`);
    process.exit(2);
  }
}

const { main } = await import(pathToFileURL(cli).href);
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(args);
