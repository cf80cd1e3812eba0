/**
 * Recovery's decisions, each from a real interrupted operation (a child process killed at a
 * step), then a change on disk that forces one way or the other.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readHistory } from './audit-log';
import { executeRollback } from './execute-rollback';
import { isOurTempName, journalPath } from './journal';
import { planRollback } from './plan';
import { findPendingJournals, recoverPending } from './recover-pending';
import { snapshotTree } from './test-support/folder-tree';
import { bundleChild, startOperationChild } from './test-support/operation-child';
import { makeRing, makeTriple, rewriteFile, sha256Of } from './test-support/python-checkpoints';

let bundleDir: string;
let command: string[];
let root: string;
let dir: string;
const members = ['pkl', 'state.json', 'meta.json'];

beforeAll(async () => {
  const bundle = await bundleChild();
  bundleDir = dirname(bundle);
  command = [process.execPath, bundle];
});

afterAll(async () => {
  await rm(bundleDir, { recursive: true, force: true });
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ckpt-recover-'));
  dir = join(root, 'job');
  await mkdir(dir);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function triplePlan(written: Record<string, string>) {
  return planRollback({
    dir,
    familyName: 'run',
    current: members.map((m) => ({ path: `run.${m}`, sha256: written[`run.${m}`] })),
    target: members.map((m) => ({ path: `run.1.${m}`, sha256: written[`run.1.${m}`] })),
    mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
  });
}

/** Start a triple rollback in a child and stop it after `step`; returns the still-running child. */
async function pausedAt(written: Record<string, string>, step: string) {
  const child = startOperationChild(command, { mode: 'execute', roots: [root], plan: triplePlan(written), pauseAt: step });
  await child.waitFor((l) => l === `paused ${step}`);
  return child;
}

describe('recoverPending', () => {
  it('has nothing to do in a folder without a journal', async () => {
    await makeRing(dir, 'agent', 2);
    expect(await recoverPending(dir, { roots: [root] })).toMatchObject({ kind: 'ok', action: 'nothing_pending' });
  });

  it('leaves a journal alone while its process still runs, and settles it once the process is gone', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const child = await pausedAt(written, 'write.renamed:run.pkl');
    try {
      expect(await findPendingJournals(root)).toEqual([dir]);
      const before = await snapshotTree(dir);
      expect(await recoverPending(dir, { roots: [root] })).toMatchObject({ kind: 'refused', code: 'operation_in_progress' });
      expect(await snapshotTree(dir)).toEqual(before);
    } finally {
      await child.kill();
    }
    const result = await recoverPending(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'ok', action: 'completed', op: 'rollback', family: 'run' });
    for (const m of members) expect(await sha256Of(join(dir, `run.${m}`))).toBe(written[`run.1.${m}`]);
    const history = await readHistory(dir);
    expect(history).toHaveLength(1);
    expect(history[0].recovered).toBe(true);
    expect(await findPendingJournals(root)).toEqual([]);
    if (result.kind === 'ok') expect(result.message).toMatch(/was completed/);
  });

  it('undoes an interrupted rollback from the backups when a file still to be written no longer holds the reviewed bytes', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const child = await pausedAt(written, 'write.renamed:run.pkl');
    await child.kill();
    // run.pkl already holds the target's bytes; the next source changes before recovery runs.
    expect(await sha256Of(join(dir, 'run.pkl'))).toBe(written['run.1.pkl']);
    await rewriteFile(join(dir, 'run.1.state.json'), false);

    const result = await recoverPending(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'ok', action: 'reverted' });
    for (const m of members) expect(await sha256Of(join(dir, `run.${m}`))).toBe(written[`run.${m}`]);
    expect(await readHistory(dir)).toEqual([]);
    await expect(readFile(journalPath(dir))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await readdir(dir)).filter(isOurTempName)).toEqual([]);
  });

  it('touches nothing when a job wrote a file after the interruption, and keeps the journal aside', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const child = await pausedAt(written, 'write.dir-synced:run.pkl');
    await child.kill();
    // The job resumed and saved over run.pkl.
    await rewriteFile(join(dir, 'run.pkl'), false);
    const jobBytes = await readFile(join(dir, 'run.pkl'));
    const before = await snapshotTree(dir);

    const result = await recoverPending(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'ok', action: 'set_aside' });
    if (result.kind === 'ok') expect(result.message).toContain('run.pkl');
    expect(await readFile(join(dir, 'run.pkl'))).toEqual(jobBytes);
    const after = await snapshotTree(dir);
    const journalName = Object.keys(after).find((p) => p.startsWith('.ckpt-doctor/journal-') && p.endsWith('.set-aside.json'));
    expect(journalName).toBeDefined();
    // Only the journal's name changed.
    const { ['.ckpt-doctor/journal.json']: _moved, ...rest } = before;
    const { [journalName as string]: _kept, ...restAfter } = after;
    expect(restAfter).toEqual(rest);

    // The folder is usable again: a new rollback is not blocked by the old journal.
    const again = await executeRollback(
      planRollback({
        dir,
        familyName: 'run',
        current: members.map((m) => ({ path: `run.${m}`, sha256: after[`run.${m}`].slice('file:'.length) })),
        target: members.map((m) => ({ path: `run.1.${m}`, sha256: written[`run.1.${m}`] })),
        mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
      }),
      { roots: [root], quietPeriodMs: 0 },
    );
    expect(again.kind, JSON.stringify(again)).toBe('ok');
  });

  it('refuses a journal it cannot read and touches nothing', async () => {
    await makeRing(dir, 'agent', 2);
    await mkdir(join(dir, '.ckpt-doctor'));
    await writeFile(join(dir, '.ckpt-doctor', 'journal.json'), '{"format": "ckpt-doctor-journal/1", "id": "x"');
    const before = await snapshotTree(dir);
    expect(await recoverPending(dir, { roots: [root] })).toMatchObject({ kind: 'refused', code: 'journal_unreadable' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('refuses a journal edited to reach outside the family\'s folder', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const child = await pausedAt(written, 'backup.copied:run.pkl');
    await child.kill();
    const journal = JSON.parse(await readFile(journalPath(dir), 'utf8'));
    journal.writes[0].dest = '../../etc/passwd';
    await writeFile(journalPath(dir), JSON.stringify(journal));
    const before = await snapshotTree(dir);
    expect(await recoverPending(dir, { roots: [root] })).toMatchObject({ kind: 'refused', code: 'journal_unreadable' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('removes the temp file of a journal whose writing was interrupted', async () => {
    await makeRing(dir, 'agent', 2);
    await mkdir(join(dir, '.ckpt-doctor'));
    await writeFile(join(dir, '.ckpt-doctor', 'journal.json.0b5c7d3e-1111-4222-8333-944455556666.tmp'), '{"format": "ckpt-doctor-jour');
    expect(await recoverPending(dir, { roots: [root] })).toMatchObject({ kind: 'ok', action: 'nothing_pending' });
    expect(await readdir(join(dir, '.ckpt-doctor'))).toEqual([]);
  });
});
