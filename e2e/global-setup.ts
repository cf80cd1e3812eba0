/**
 * Before the suite: build if the sources changed (scripts/build.mjs skips an up-to-date build),
 * write the demo workspace with python3 into a temp folder, and start the real serve mode on it.
 * Tests reach that server through CKPT_E2E_* variables (see support/shared-server.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './support/paths';
import { makeDemo } from './support/python';
import { startServe } from './support/serve';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const built = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed: there is no app to test.');

  const workspace = mkdtempSync(path.join(os.tmpdir(), 'ckpt-e2e-'));
  const demo = path.join(workspace, 'demo');
  makeDemo(demo);
  const server = await startServe([demo]);
  process.env.CKPT_E2E_URL = server.url;
  process.env.CKPT_E2E_ORIGIN = server.origin;
  process.env.CKPT_E2E_TOKEN = server.token;
  process.env.CKPT_E2E_DEMO = demo;
  process.env.CKPT_E2E_WORKSPACE = workspace;

  return async () => {
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
}
