import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHistory } from './audit-log';
import { executeRollback } from './execute-rollback';
import { planQuarantine } from './plan';
import { ageTree, snapshotTree } from './test-support/folder-tree';
import { makeRing, makeTriple, sha256Of } from './test-support/python-checkpoints';
import { undoLast } from './undo';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ckpt-quarantine-'));
  dir = join(root, 'job');
  await mkdir(dir);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('quarantine', () => {
  it('moves a broken generation into the trash with its bytes intact, and undo puts it back', async () => {
    const written = await makeRing(dir, 'agent', 3);
    // Break the older generation the way a killed non-atomic writer does.
    const bytes = await readFile(join(dir, 'agent.1.json'));
    await writeFile(join(dir, 'agent.1.json'), bytes.subarray(0, 40));
    await ageTree(dir);
    const brokenBytes = await readFile(join(dir, 'agent.1.json'));
    const brokenMtime = (await stat(join(dir, 'agent.1.json'))).mtimeMs;

    const plan = planQuarantine({ dir, familyName: 'agent', generation: [{ path: 'agent.1.json', sha256: await sha256Of(join(dir, 'agent.1.json')) }] });
    expect(plan.problems).toEqual([]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['backup', 'move']);
    const result = await executeRollback(plan, { roots: [root] });
    expect(result.kind, JSON.stringify(result)).toBe('ok');
    if (result.kind !== 'ok') return;

    // Gone from where a resume loop looks, kept in the trash byte for byte (the original file, with its mtime).
    expect((await readdir(dir)).filter((n) => n.startsWith('agent'))).toEqual(['agent.2.json', 'agent.json']);
    const kept = join(result.backupDir, 'agent.1.json');
    expect(await readFile(kept)).toEqual(brokenBytes);
    expect((await stat(kept)).mtimeMs).toBe(brokenMtime);
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.json']);
    const [entry] = await readHistory(dir);
    expect(entry).toMatchObject({ op: 'quarantine', files: [{ path: 'agent.1.json', after: null, backup: expect.stringContaining('.ckpt-doctor/trash/') }] });

    const undo = await undoLast(dir, { roots: [root] });
    expect(undo.kind, JSON.stringify(undo)).toBe('ok');
    expect(await readFile(join(dir, 'agent.1.json'))).toEqual(brokenBytes);
    // Undo copies back: the evidence stays in the trash too.
    expect(await readFile(kept)).toEqual(brokenBytes);
  });

  it('moves all three members of a set', async () => {
    const written = await makeTriple(dir, 'run', 3);
    const members = ['pkl', 'state.json', 'meta.json'].map((m) => `run.1.${m}`);
    const result = await executeRollback(planQuarantine({ dir, familyName: 'run', generation: members.map((path) => ({ path, sha256: written[path] })) }), { roots: [root] });
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    for (const path of members) {
      await expect(stat(join(dir, path))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await sha256Of(join(result.backupDir, path))).toBe(written[path]);
    }
  });

  it('refuses to move aside the generation the job resumes from', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const plan = planQuarantine({ dir, familyName: 'agent', generation: [{ path: 'agent.json', sha256: written['agent.json'] }], current: true });
    expect(plan.problems.map((p) => p.code)).toEqual(['current_generation']);
    const before = await snapshotTree(dir);
    const result = await executeRollback(plan, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'current_generation' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('will not undo a quarantine over a new file of the same name', async () => {
    const written = await makeRing(dir, 'agent', 3);
    const done = await executeRollback(planQuarantine({ dir, familyName: 'agent', generation: [{ path: 'agent.2.json', sha256: written['agent.2.json'] }] }), { roots: [root] });
    expect(done.kind).toBe('ok');
    await writeFile(join(dir, 'agent.2.json'), '{"rotated": "in by the job"}');
    await ageTree(dir);
    const before = await snapshotTree(dir);
    const result = await undoLast(dir, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'changed_since_operation' });
    expect(await snapshotTree(dir)).toEqual(before);
  });
});
