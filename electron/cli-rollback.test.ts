/**
 * `ckpt-doctor rollback`, `undo` and `history` as a person and a script use them: the real CLI in
 * a child process (no terminal on stdin) on families python3 wrote, and `main` with an injected
 * confirmation service for the questions a terminal would ask.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli';
import type { ConfirmService } from './cli-rollback';
import { snapshotTree } from './engine/rollback/test-support/folder-tree';
import { makeRing, sha256Of } from './engine/rollback/test-support/python-checkpoints';
import { tempDir } from './engine/test-fixtures';
import { runCli, type CliRun } from './test-support/run-cli';

let base: string;
let dir: string;

/** The real CLI in a child process; stdin is not a terminal, as in a script or CI. */
function cli(args: string[]): Promise<CliRun> {
  return runCli(base, args, { CKPT_DOCTOR_QUIET_PERIOD_MS: '0' });
}

/** `main` in-process with a scripted terminal that answers `answers` in order. */
async function withTerminal(args: string[], answers: string[]): Promise<{ code: number; stdout: string; stderr: string; asked: string[] }> {
  let stdout = '';
  let stderr = '';
  const asked: string[] = [];
  const confirm: ConfirmService = {
    interactive: true,
    ask: async (question) => {
      asked.push(question);
      return answers.shift() ?? '';
    },
  };
  const io: CliIo = {
    stdout: async (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    color: false,
    env: { CKPT_DOCTOR_SETTINGS: join(base, 'settings.json') },
    confirm,
  };
  const previous = process.env.CKPT_DOCTOR_QUIET_PERIOD_MS;
  process.env.CKPT_DOCTOR_QUIET_PERIOD_MS = '0';
  try {
    const code = await main(args, io);
    return { code, stdout, stderr, asked };
  } finally {
    if (previous === undefined) delete process.env.CKPT_DOCTOR_QUIET_PERIOD_MS;
    else process.env.CKPT_DOCTOR_QUIET_PERIOD_MS = previous;
  }
}

beforeEach(async () => {
  base = await tempDir('ckpt-cli-rollback-');
  dir = join(base, 'run');
  await mkdir(dir);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('ckpt-doctor rollback / undo', () => {
  it('refuses without a terminal unless --yes (exit 2, nothing written), then rolls back with --yes and undoes it', async () => {
    const written = await makeRing(dir, 'agent', 3, true);
    const before = await snapshotTree(dir);

    const asked = await cli(['rollback', join(dir, 'agent.json'), '--to', join(dir, 'agent.1.json')]);
    expect(asked.code, asked.stderr).toBe(2);
    expect(asked.stderr).toMatch(/--yes/);
    expect(asked.stdout).toMatch(/copy to trash\s+agent\.json/);
    expect(asked.stdout).toMatch(/write\s+agent\.json\s+←\s+agent\.1\.json/);
    expect(await snapshotTree(dir), 'nothing written').toEqual(before);

    const done = await cli(['rollback', join(dir, 'agent.json'), '--to', join(dir, 'agent.1.json'), '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.1.json']);
    const backup = /Backup: (.+)/.exec(done.stdout)?.[1];
    expect(backup, done.stdout).toBeDefined();
    expect(await sha256Of(join(backup!, 'agent.json'))).toBe(written['agent.json']);
    expect(done.stdout).toMatch(/ckpt-doctor undo /);

    const noTty = await cli(['undo', dir]);
    expect(noTty.code).toBe(2);
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.1.json']);

    const undone = await cli(['undo', dir, '--yes']);
    expect(undone.code, undone.stderr).toBe(0);
    expect(await readFile(join(dir, 'agent.json'))).toEqual(await readFile(join(backup!, 'agent.json')));
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.json']);

    const history = await cli(['history', dir, '--json']);
    expect(history.code).toBe(0);
    const entries = (JSON.parse(history.stdout) as { entries: { op: string }[] }).entries;
    expect(entries.map((e) => e.op)).toEqual(['undo', 'rollback']);
  });

  it('asks on a terminal: "y" rolls back, anything else leaves every file as it was', async () => {
    const written = await makeRing(dir, 'agent', 3, true);
    const before = await snapshotTree(dir);
    const args = ['rollback', join(dir, 'agent.json'), '--to', join(dir, 'agent.1.json')];

    const declined = await withTerminal(args, ['n']);
    expect(declined.code).toBe(1);
    expect(declined.asked[0]).toMatch(/Roll back .* to agent\.1\.json\? \[y\/N\]/);
    expect(await snapshotTree(dir)).toEqual(before);

    const confirmed = await withTerminal(args, ['y']);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.1.json']);
  });

  it('exits 2 on usage errors (no --to, a file that is not the current one) and 1 when there is nothing to undo', async () => {
    await makeRing(dir, 'agent', 3, true);
    expect((await cli(['rollback', join(dir, 'agent.json')])).code).toBe(2);
    const wrongCurrent = await cli(['rollback', join(dir, 'agent.1.json'), '--to', join(dir, 'agent.2.json'), '--yes']);
    expect(wrongCurrent.code).toBe(2);
    expect(wrongCurrent.stderr).toMatch(/not the current generation/);
    const nothing = await cli(['undo', dir, '--yes']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/nothing to undo/);
  });
});
