import { mkdir, mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHistory } from './audit-log';
import { executeRollback } from './execute-rollback';
import { planRollback } from './plan';
import { snapshotTree } from './test-support/folder-tree';
import { makeRing, makeTriple, rewriteFile, sha256Of } from './test-support/python-checkpoints';
import { undoLast } from './undo';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ckpt-undo-'));
  dir = join(root, 'job');
  await mkdir(dir);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rollBackRing(): Promise<Record<string, string>> {
  const written = await makeRing(dir, 'agent', 3, true);
  const result = await executeRollback(
    planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: written['agent.json'] }],
      target: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    }),
    { roots: [root] },
  );
  expect(result.kind).toBe('ok');
  return written;
}

describe('undoLast', () => {
  it('restores the original bytes exactly; undoing the undo works; history lists all three', async () => {
    const written = await rollBackRing();
    // Read the broken original from the rollback's trash copy, then compare byte for byte after undo.
    const [rollback] = await readHistory(dir);
    const originalBytes = await readFile(join(dir, ...rollback.backupDir.split('/'), 'agent.json'));
    const targetBytes = await readFile(join(dir, 'agent.1.json'));

    // The default quiet period: our own rollback a moment ago must not count as a live writer.
    const undo = await undoLast(dir, { roots: [root] });
    expect(undo.kind, JSON.stringify(undo)).toBe('ok');
    expect(await readFile(join(dir, 'agent.json'))).toEqual(originalBytes);
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.json']);

    const redo = await undoLast(dir, { roots: [root] });
    expect(redo.kind, JSON.stringify(redo)).toBe('ok');
    expect(await readFile(join(dir, 'agent.json'))).toEqual(targetBytes);

    const history = await readHistory(dir);
    expect(history.map((e) => e.op)).toEqual(['rollback', 'undo', 'undo']);
    expect(history[1].undoes).toBe(history[0].id);
    expect(history[2].undoes).toBe(history[1].id);
    expect(new Set(history.map((e) => e.backupDir)).size).toBe(3);
    // Each undo kept what it replaced in its own trash folder.
    expect(await sha256Of(join(dir, ...history[1].backupDir.split('/'), 'agent.json'))).toBe(written['agent.1.json']);
    expect(await sha256Of(join(dir, ...history[2].backupDir.split('/'), 'agent.json'))).toBe(written['agent.json']);
    // The other generations never moved.
    expect(await sha256Of(join(dir, 'agent.2.json'))).toBe(written['agent.2.json']);
  });

  it('undoes a three-file rollback as one operation', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const members = ['pkl', 'state.json', 'meta.json'];
    const done = await executeRollback(
      planRollback({
        dir,
        familyName: 'run',
        current: members.map((m) => ({ path: `run.${m}`, sha256: written[`run.${m}`] })),
        target: members.map((m) => ({ path: `run.1.${m}`, sha256: written[`run.1.${m}`] })),
        mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
      }),
      { roots: [root] },
    );
    expect(done.kind).toBe('ok');
    const undo = await undoLast(dir, { roots: [root] });
    expect(undo.kind).toBe('ok');
    for (const m of members) expect(await sha256Of(join(dir, `run.${m}`))).toBe(written[`run.${m}`]);
  });

  it('refuses with nothing written when a job wrote the file after the rollback', async () => {
    await rollBackRing();
    await rewriteFile(join(dir, 'agent.json'), true);
    const before = await snapshotTree(dir);
    // The quiet period is off so that only the bytes can tell that a job wrote here.
    const result = await undoLast(dir, { roots: [root], quietPeriodMs: 0 });
    expect(result).toMatchObject({ kind: 'refused', code: 'changed_since_operation' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('refuses as a live writer when a job wrote the file a moment ago', async () => {
    await rollBackRing();
    await rewriteFile(join(dir, 'agent.json'), false);
    const result = await undoLast(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'writer_active' });
  });

  it('refuses when the copy to restore from is gone from the trash', async () => {
    await rollBackRing();
    const [entry] = await readHistory(dir);
    await unlink(join(dir, ...entry.backupDir.split('/'), 'agent.json'));
    const before = await snapshotTree(dir);
    const result = await undoLast(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'backup_missing' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('says there is nothing to undo in a folder with no history', async () => {
    await makeRing(dir, 'agent', 2);
    const result = await undoLast(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'nothing_to_undo' });
  });

  it('undoes a chosen entry by id, refusing when later operations changed its files', async () => {
    await rollBackRing();
    const first = await undoLast(dir, { roots: [root] });
    expect(first.kind).toBe('ok');
    const [rollback] = await readHistory(dir);
    // Undoing the rollback again would restore over bytes the undo already put back.
    const result = await undoLast(dir, { roots: [root], entryId: rollback.id });
    expect(result).toMatchObject({ kind: 'refused', code: 'changed_since_operation' });
  });

  it('refuses a folder outside the roots', async () => {
    await rollBackRing();
    const result = await undoLast(dir, { roots: [join(root, 'elsewhere')] });
    expect(result).toMatchObject({ kind: 'refused', code: 'outside_roots' });
  });
});
