import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHistory } from './audit-log';
import { executeRollback } from './execute-rollback';
import { planRollback } from './plan';
import { makeRing, makeTriple, rewriteFile, sha256Of } from './test-support/python-checkpoints';
import { ageTree, snapshotTree } from './test-support/folder-tree';
import type { RollbackPlan } from './types';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ckpt-rollback-'));
  dir = join(root, 'job');
  await mkdir(dir);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function ringPlan(written: Record<string, string>, familyDir = dir): RollbackPlan {
  return planRollback({
    dir: familyDir,
    familyName: 'agent',
    current: [{ path: 'agent.json', sha256: written['agent.json'] }],
    target: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
    mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
  });
}

describe('executeRollback', () => {
  it('makes the target current, keeps a verified copy of the old bytes and records one audit line', async () => {
    const written = await makeRing(dir, 'agent', 3, true);
    const oldBytes = await readFile(join(dir, 'agent.json'));
    const result = await executeRollback(ringPlan(written), { roots: [root] });

    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.1.json']);
    expect(await readFile(join(result.backupDir, 'agent.json'))).toEqual(oldBytes);
    // The other generations are untouched.
    expect(await sha256Of(join(dir, 'agent.1.json'))).toBe(written['agent.1.json']);
    expect(await sha256Of(join(dir, 'agent.2.json'))).toBe(written['agent.2.json']);
    // No journal and no temp file stay behind.
    expect(await readdir(join(dir, '.ckpt-doctor'))).toEqual(expect.not.arrayContaining(['journal.json']));
    expect((await readdir(dir)).filter((n) => n.includes('ckpt-doctor-'))).toEqual([]);

    const history = await readHistory(dir);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      op: 'rollback',
      family: 'agent',
      from: [{ path: 'agent.json', sha256: written['agent.json'] }],
      to: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
      files: [{ path: 'agent.json', before: written['agent.json'], after: written['agent.1.json'], source: 'agent.1.json' }],
    });
    expect(result.message).toContain('agent.json');
  });

  it('rolls a three-file set back through one journal', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const members = ['pkl', 'state.json', 'meta.json'];
    const plan = planRollback({
      dir,
      familyName: 'run',
      current: members.map((m) => ({ path: `run.${m}`, sha256: written[`run.${m}`] })),
      target: members.map((m) => ({ path: `run.1.${m}`, sha256: written[`run.1.${m}`] })),
      mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
    });
    expect(plan.problems).toEqual([]);
    const result = await executeRollback(plan, { roots: [root] });
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    for (const m of members) {
      expect(await sha256Of(join(dir, `run.${m}`))).toBe(written[`run.1.${m}`]);
      expect(await sha256Of(join(result.backupDir, `run.${m}`))).toBe(written[`run.${m}`]);
    }
    const history = await readHistory(dir);
    expect(history).toHaveLength(1);
    expect(history[0].files.map((f) => f.path)).toEqual(members.map((m) => `run.${m}`));
  });

  it('keeps the permission bits of the file it replaces', async () => {
    const written = await makeRing(dir, 'agent', 2);
    await chmod(join(dir, 'agent.json'), 0o600);
    await chmod(join(dir, 'agent.1.json'), 0o644);
    const result = await executeRollback(ringPlan(written), { roots: [root] });
    expect(result.kind).toBe('ok');
    expect((await stat(join(dir, 'agent.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses with nothing written when the current file changed between review and execution', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const plan = ringPlan(written);
    // Same mtime as before, so only the hash can tell.
    await rewriteFile(join(dir, 'agent.json'), true);
    const before = await snapshotTree(dir);
    const result = await executeRollback(plan, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'changed_since_review' });
    if (result.kind === 'refused') expect(result.message).toMatch(/changed since you reviewed it — review again/);
    expect(await snapshotTree(dir)).toEqual(before);
    expect(before['.ckpt-doctor']).toBeUndefined();
  });

  it('refuses with nothing written when the target changed between review and execution', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const plan = ringPlan(written);
    await rewriteFile(join(dir, 'agent.1.json'), true);
    const before = await snapshotTree(dir);
    const result = await executeRollback(plan, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'changed_since_review' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('refuses a folder outside the roots', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const otherRoot = await mkdtemp(join(tmpdir(), 'ckpt-other-root-'));
    try {
      const before = await snapshotTree(dir);
      const result = await executeRollback(ringPlan(written), { roots: [otherRoot] });
      expect(result).toMatchObject({ kind: 'refused', code: 'outside_roots' });
      expect(await snapshotTree(dir)).toEqual(before);
    } finally {
      await rm(otherRoot, { recursive: true, force: true });
    }
  });

  it('refuses a family folder that is a link leading outside the roots', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ckpt-outside-'));
    try {
      const written = await makeRing(outside, 'agent', 2);
      await symlink(outside, join(root, 'linked'));
      const before = await snapshotTree(outside);
      const result = await executeRollback(ringPlan(written, join(root, 'linked')), { roots: [root] });
      expect(result).toMatchObject({ kind: 'refused', code: 'outside_roots' });
      expect(await snapshotTree(outside)).toEqual(before);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a target that is a link escaping the root', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ckpt-outside-'));
    try {
      const written = await makeRing(dir, 'agent', 1);
      const secret = join(outside, 'secret.json');
      await writeFile(secret, '{"secret": true}');
      await symlink(secret, join(dir, 'agent.1.json'));
      const plan = planRollback({
        dir,
        familyName: 'agent',
        current: [{ path: 'agent.json', sha256: written['agent.json'] }],
        target: [{ path: 'agent.1.json', sha256: await sha256Of(secret) }],
        mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
      });
      const before = await snapshotTree(dir);
      const result = await executeRollback(plan, { roots: [root] });
      expect(result).toMatchObject({ kind: 'refused', code: 'outside_roots' });
      expect(await snapshotTree(dir)).toEqual(before);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses to replace a current name that is a symbolic link', async () => {
    const written = await makeRing(dir, 'agent', 2);
    await mkdir(join(dir, 'real'));
    await writeFile(join(dir, 'real', 'agent.json'), '{}');
    await rm(join(dir, 'agent.json'));
    await symlink(join(dir, 'real', 'agent.json'), join(dir, 'agent.json'));
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: await sha256Of(join(dir, 'real', 'agent.json')) }],
      target: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    });
    const result = await executeRollback(plan, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'not_a_regular_file' });
  });

  it('refuses paths with "..", absolute paths and our own folder, even in a hand-made plan', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const before = await snapshotTree(root);
    const base = ringPlan(written);
    const tampered: RollbackPlan[] = [
      { ...base, target: [{ path: '../agent.1.json', sha256: written['agent.1.json'] }], mapping: [{ from: '../agent.1.json', to: 'agent.json' }] },
      { ...base, mapping: [{ from: 'agent.1.json', to: 'agent/../../escape.json' }] },
      { ...base, current: [{ path: '/etc/passwd', sha256: written['agent.json'] }] },
      { ...base, mapping: [{ from: 'agent.1.json', to: '.ckpt-doctor/audit.jsonl' }] },
    ];
    for (const plan of tampered) {
      const result = await executeRollback(plan, { roots: [root] });
      expect(result).toMatchObject({ kind: 'refused', code: 'bad_path' });
    }
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('refuses a target that is not in the plan\'s family', async () => {
    const written = await makeRing(dir, 'agent', 2);
    await makeRing(dir, 'other', 1);
    const otherSha = await sha256Of(join(dir, 'other.json'));
    const before = await snapshotTree(dir);
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: written['agent.json'] }],
      target: [{ path: 'other.json', sha256: otherSha }],
      mapping: [{ from: 'other.json', to: 'agent.json' }],
    });
    expect(plan.problems.map((p) => p.code)).toContain('not_a_generation');
    const result = await executeRollback(plan, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'not_a_generation' });
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('refuses a plan whose mapping names a file that is not in the reviewed target', async () => {
    const written = await makeRing(dir, 'agent', 3);
    const plan = ringPlan(written);
    const result = await executeRollback({ ...plan, mapping: [{ from: 'agent.2.json', to: 'agent.json' }] }, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'not_a_generation' });
  });

  it('refuses something that is not a plan', async () => {
    const result = await executeRollback({ op: 'rollback', dir } as unknown as RollbackPlan, { roots: [root] });
    expect(result).toMatchObject({ kind: 'refused', code: 'bad_plan' });
  });

  it('refuses while a journal from an interrupted operation is pending', async () => {
    const written = await makeRing(dir, 'agent', 2);
    await mkdir(join(dir, '.ckpt-doctor'));
    await writeFile(join(dir, '.ckpt-doctor', 'journal.json'), '{"format":"something else"}');
    const before = await snapshotTree(dir);
    const result = await executeRollback(ringPlan(written), { roots: [root] });
    expect(result.kind).toBe('refused');
    if (result.kind === 'refused') expect(['journal_pending', 'journal_unreadable']).toContain(result.code);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('creates a name the current generation lacks without touching an existing file of that name', async () => {
    const written = await makeRing(dir, 'agent', 2);
    await writeFile(join(dir, 'agent.1.json.types.json'), '{"format": "ckpt-types/1", "types": {}}');
    const typesSha = await sha256Of(join(dir, 'agent.1.json.types.json'));
    await ageTree(dir);
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: written['agent.json'] }],
      target: [
        { path: 'agent.1.json', sha256: written['agent.1.json'] },
        { path: 'agent.1.json.types.json', sha256: typesSha },
      ],
      mapping: [
        { from: 'agent.1.json', to: 'agent.json' },
        { from: 'agent.1.json.types.json', to: 'agent.json.types.json' },
      ],
    });
    expect(plan.warnings.join(' ')).toContain('created');
    const result = await executeRollback(plan, { roots: [root] });
    expect(result.kind).toBe('ok');
    expect(await sha256Of(join(dir, 'agent.json.types.json'))).toBe(typesSha);

    // The same plan again: now the name exists and was not reviewed, so it is refused.
    const again = planRollback({ ...plan, current: [{ path: 'agent.json', sha256: written['agent.1.json'] }] });
    const second = await executeRollback(again, { roots: [root] });
    expect(second).toMatchObject({ kind: 'refused', code: 'not_a_generation' });
  });

  it('undoes itself and says what is on disk when a writer starts after the checks, before anything was replaced', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const result = await executeRollback(ringPlan(written), {
      roots: [root],
      hooks: {
        // The job wakes up and rewrites the target between our backup and our write.
        afterStep: async (step) => {
          if (step === 'backup.copied:agent.json') await rewriteFile(join(dir, 'agent.1.json'), true);
        },
      },
    });
    expect(result).toMatchObject({ kind: 'failed', code: 'changed_during_operation', state: { generation: 'old', journalPending: false } });
    if (result.kind === 'failed') expect(result.message).toContain('agent.1.json');
    expect(await sha256Of(join(dir, 'agent.json'))).toBe(written['agent.json']);
    await expect(stat(join(dir, '.ckpt-doctor', 'journal.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readHistory(dir)).toEqual([]);
  });

  it('puts back the files it already replaced when a writer starts halfway through a three-file set', async () => {
    const written = await makeTriple(dir, 'run', 2);
    const members = ['pkl', 'state.json', 'meta.json'];
    const plan = planRollback({
      dir,
      familyName: 'run',
      current: members.map((m) => ({ path: `run.${m}`, sha256: written[`run.${m}`] })),
      target: members.map((m) => ({ path: `run.1.${m}`, sha256: written[`run.1.${m}`] })),
      mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
    });
    const result = await executeRollback(plan, {
      roots: [root],
      hooks: {
        afterStep: async (step) => {
          if (step === 'write.dir-synced:run.state.json') await rewriteFile(join(dir, 'run.1.meta.json'), true);
        },
      },
    });
    expect(result).toMatchObject({ kind: 'failed', code: 'changed_during_operation', state: { generation: 'old', journalPending: false } });
    // run.pkl and run.state.json had been replaced: both hold their bytes from before again.
    for (const m of members) expect(await sha256Of(join(dir, `run.${m}`))).toBe(written[`run.${m}`]);
    expect((await readdir(dir)).filter((n) => n.includes('ckpt-doctor-'))).toEqual([]);
    expect(await readHistory(dir)).toEqual([]);
  });

  it('refuses when its own audit log is a link (our writes would follow it)', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const outside = await mkdtemp(join(tmpdir(), 'ckpt-outside-'));
    try {
      await mkdir(join(dir, '.ckpt-doctor'));
      await symlink(join(outside, 'audit.jsonl'), join(dir, '.ckpt-doctor', 'audit.jsonl'));
      const result = await executeRollback(ringPlan(written), { roots: [root], quietPeriodMs: 0 });
      expect(result).toMatchObject({ kind: 'refused', code: 'bad_path' });
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
