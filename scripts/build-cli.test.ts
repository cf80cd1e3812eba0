import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeRingWithTruncatedCurrent } from '../electron/engine/test-fixtures';
// @ts-expect-error -- a plain ES module script without type declarations
import { buildCli } from './build-cli.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
// Inside the repository so the bundle resolves its external packages from node_modules, as out/cli does.
const outdir = join('out', `cli-test-${process.pid}`);
let base: string;

beforeAll(async () => {
  base = await tempDir('ckpt-bundle-');
  await mkdir(join(base, 'ring'));
  writeRingWithTruncatedCurrent(join(base, 'ring'));
  await buildCli({ quiet: true, outdir });
});

afterAll(async () => {
  await rm(join(repo, outdir), { recursive: true, force: true });
  await rm(base, { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  it('emits the CLI and its scan worker side by side', () => {
    expect(existsSync(join(repo, outdir, 'cli.js'))).toBe(true);
    expect(existsSync(join(repo, outdir, 'scan-worker.js'))).toBe(true);
  });

  it('checks a folder with worker threads loaded from the bundle', () => {
    const run = spawnSync(process.execPath, [join(repo, outdir, 'cli.js'), 'check', 'ring', '--json'], {
      cwd: base,
      env: { ...process.env, CKPT_DOCTOR_SETTINGS: join(base, 'settings.json') },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { families: { current: string; fallback: string }[] };
    expect(report.families[0]).toMatchObject({ current: 'ring/agent.json', fallback: 'ring/agent.1.json' });
  });
});
