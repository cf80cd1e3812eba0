/**
 * `ckpt-doctor scan` / `check` print and exit on the engine's final word: the engine lists
 * families as "checking" while a scan reads their files, and none of that may reach the CLI
 * (it waits for `whenIdle`, when nothing is checking any more).
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { python, tempDir, writeRingWithTruncatedCurrent } from './engine/test-fixtures';
import { runCli, type CliRun } from './test-support/run-cli';

let base: string;

function cli(args: string[]): Promise<CliRun> {
  return runCli(base, args);
}

beforeAll(async () => {
  base = await tempDir('ckpt-cli-idle-');
  await mkdir(join(base, 'runs', 'big'), { recursive: true });
  python(
    [
      'import json, os, sys',
      'row = {"step": 0, "loss": 0.5, "note": "x" * 40}',
      'n = 30 * 1024 * 1024 // len(json.dumps(row))',
      'with open(os.path.join(sys.argv[1], "trainer_state.json"), "w") as f: json.dump({"schema_version": 1, "log_history": [dict(row, step=i) for i in range(n)]}, f)',
    ].join('\n'),
    join(base, 'runs', 'big'),
  );
  writeRingWithTruncatedCurrent(join(base, 'runs', 'big'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('the CLI and checking families', () => {
  it('check --json reports only final verdicts, with a 30 MB generation in the folder', { timeout: 120_000 }, async () => {
    const run = await cli(['check', join(base, 'runs'), '--json']);
    expect(run.code).toBe(1); // the truncated ring is broken
    expect(run.stdout).not.toMatch(/Checking \d+ files?|"checking"|checking…/i);
    const report = JSON.parse(run.stdout) as { families: { name: string; health: string; verdict: string }[] };
    const trainer = report.families.find((f) => f.name.startsWith('trainer_state'))!;
    expect(trainer.health).toBe('healthy');
    expect(report.families.every((f) => f.health !== 'unknown')).toBe(true);
  });

  it('scan prints no "Checking…" verdict either', { timeout: 120_000 }, async () => {
    const run = await cli(['scan', join(base, 'runs')]);
    expect(run.stderr).not.toMatch(/Checking \d+ files?|"checking"|checking…/i);
    expect(run.stdout).not.toMatch(/Checking \d+ files?|"checking"|checking…/i);
    expect(run.stdout).toContain('trainer_state');
  });
});
