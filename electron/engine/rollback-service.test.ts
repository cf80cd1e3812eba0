/**
 * The rollback service through the real engine and the real API dispatcher, on families python3
 * wrote: plans by id, the optimistic check, risky confirmations, roots, undo, history, and
 * recovery of an interrupted operation on start.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/api/contract';
import type { OperationOutcome, RollbackPlanView } from '../../shared/api/rollback-contract';
import type { FamilySummary, WorkspaceSnapshot } from '../../shared/model/workspace';
import { createApiDispatcher } from './api-dispatcher';
import { createEngine, type Engine } from './engine';
import { createRollbackService } from './rollback-service';
import { planRollback as planModuleRollback } from './rollback';
import { snapshotTree } from './rollback/test-support/folder-tree';
import { bundleChild, startOperationChild } from './rollback/test-support/operation-child';
import { makeRing, makeTriple, rewriteFile, sha256Of } from './rollback/test-support/python-checkpoints';
import { python, tempDir } from './test-fixtures';

/** Two numbered three-file sets, `cp_001.*` and `cp_002.*` (current), as a pickling job saves them, aged past any quiet period. */
function writeNumberedTriples(dir: string): Record<string, string> {
  const out = python(
    [
      'import hashlib, json, os, pickle, sys, time',
      'd = sys.argv[1]',
      'written = {}',
      'for i, step in ((1, 60), (2, 70)):',
      '    stem = f"cp_{i:03d}"',
      '    files = {',
      '        f"{stem}.pkl": pickle.dumps({"graph": ["a", "b"], "step": step}, protocol=4),',
      '        f"{stem}.state.json": json.dumps({"schema_version": "1.0", "steps": step}).encode(),',
      '        f"{stem}.meta.json": json.dumps({"checkpoint_id": f"cp-{step}"}).encode(),',
      '    }',
      '    for name, data in files.items():',
      '        p = os.path.join(d, name)',
      '        with open(p, "wb") as f:',
      '            f.write(data)',
      '        t = time.time() - 3600 + i * 60',
      '        os.utime(p, (t, t))',
      '        written[name] = hashlib.sha256(data).hexdigest()',
      't = time.time() - 3600',
      'os.utime(d, (t, t))',
      'print(json.dumps(written))',
    ].join('\n'),
    dir,
  );
  return JSON.parse(out) as Record<string, string>;
}

let base: string;
let root: string;
const engines: Engine[] = [];

async function start(options: { quietPeriodMs?: number; recoverOnStart?: boolean } = {}): Promise<Engine> {
  const engine = await createEngine({
    settingsPath: join(base, 'settings.json'),
    host: 'serve',
    roots: [root],
    watch: false,
    quietPeriodMs: options.quietPeriodMs ?? 0,
    recoverOnStart: options.recoverOnStart ?? false,
  });
  engines.push(engine);
  await engine.whenIdle();
  return engine;
}

function family(engine: Engine, name: string): FamilySummary {
  const found = engine
    .getSnapshot()
    .roots.flatMap((r) => r.families)
    .find((f) => f.name === name || f.name.startsWith(`${name}.`));
  if (!found) throw new Error(`no family ${name}: ${JSON.stringify(engine.getSnapshot().roots.flatMap((r) => r.families.map((f) => f.name)))}`);
  return found;
}

function generationId(f: FamilySummary, mainPath: string): string {
  const g = f.generations.find((x) => x.mainPath === mainPath);
  if (!g) throw new Error(`no generation ${mainPath} in ${f.generations.map((x) => x.mainPath).join(', ')}`);
  return g.id;
}

function expectOk(outcome: OperationOutcome): asserts outcome is Extract<OperationOutcome, { kind: 'ok' }> {
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind: 'ok' });
}

beforeEach(async () => {
  base = await tempDir('ckpt-rollback-service-');
  root = join(base, 'runs');
  await mkdir(root);
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await rm(base, { recursive: true, force: true });
});

describe('rollback by id', () => {
  it('plans the broken ring back to its fallback, writes only on execute, and undo restores the bytes', async () => {
    const written = await makeRing(root, 'agent', 3, true);
    const engine = await start();
    const agent = family(engine, 'agent');
    expect(agent.fallbackId).toBe(generationId(agent, 'agent.1.json'));
    const before = await snapshotTree(root);

    const plan = (await engine.rollback.planRollback(agent.id, agent.fallbackId!)) as RollbackPlanView;
    expect(plan.kind).toBe('rollback');
    expect(plan.blockers).toEqual([]);
    expect(plan.risky).toBe(false);
    expect(plan.current).toMatchObject({ label: 'agent.json', health: 'broken', members: [{ path: 'agent.json', sha256: written['agent.json'] }] });
    expect(plan.target).toMatchObject({ label: 'agent.1.json', health: 'healthy', members: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }] });
    expect(plan.operations.map((o) => o.kind)).toEqual(['backup', 'replace']);
    expect(plan.operations[1]).toMatchObject({ from: 'agent.1.json', to: 'agent.json', toSha256Before: written['agent.json'] });
    // The cut current does not decode, so the dialog says why there is no diff instead of showing zeros.
    expect(plan.diff.kind).toBe('unavailable');
    expect(await snapshotTree(root), 'planning writes nothing').toEqual(before);

    const outcome = await engine.rollback.executeRollback({ token: plan.token, confirmation: {} });
    expectOk(outcome);
    expect(await sha256Of(join(root, 'agent.json'))).toBe(written['agent.1.json']);
    expect(await sha256Of(join(outcome.backupDir, 'agent.json'))).toBe(written['agent.json']);
    const after = family(engine, 'agent');
    expect(after.generations.find((g) => g.current)).toMatchObject({ health: 'healthy', sha256: written['agent.1.json'] });

    const again = await engine.rollback.executeRollback({ token: plan.token, confirmation: {} });
    expect(again, 'a plan that ran is spent').toMatchObject({ kind: 'refused', code: 'plan_expired' });

    const undone = await engine.rollback.undoLast(outcome.undo.dir, outcome.undo.entryId);
    expectOk(undone);
    expect(await sha256Of(join(root, 'agent.json'))).toBe(written['agent.json']);

    const history = await engine.rollback.getHistory(root);
    expect(history.map((e) => e.op)).toEqual(['undo', 'rollback']);
    expect(history[1]).toMatchObject({ family: agent.name, from: [{ path: 'agent.json', sha256: written['agent.json'] }], to: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }], backupDir: outcome.backupDir });
    expect(history[0].undoes).toBe(history[1].id);
  });

  it('plans nothing and writes nothing while the family is still being checked, even with a plan reviewed before', async () => {
    await makeRing(root, 'agent', 3, true);
    const engine = await start();
    const agent = family(engine, 'agent');
    const before = await snapshotTree(root);
    // The engine's own snapshot, with the family as a scan publishes it before its files are analyzed.
    let checking = false;
    const snapshot = (): WorkspaceSnapshot => {
      const real = engine.getSnapshot();
      if (!checking) return real;
      return {
        ...real,
        roots: real.roots.map((r) => ({
          ...r,
          families: r.families.map((f) => (f.id === agent.id ? { ...f, checking: true as const, generations: f.generations.map((g) => (g.current ? { ...g, checking: true as const } : g)) } : f)),
        })),
      };
    };
    const service = createRollbackService({ snapshot, roots: () => [{ path: root, real: root }], refresh: () => engine.whenIdle(), notice: () => undefined, quietPeriodMs: 0 });

    const reviewed = (await service.planRollback(agent.id, agent.fallbackId!)) as RollbackPlanView;
    expect(reviewed.blockers).toEqual([]);
    checking = true;
    const planned = await service.planRollback(agent.id, agent.fallbackId!);
    expect(planned.blockers.map((b) => b.code)).toEqual(['still_checking']);
    expect(planned.blockers[0].message).toContain('agent');
    const quarantine = await service.planQuarantine(agent.currentId!);
    expect(quarantine.blockers.map((b) => b.code)).toContain('still_checking');

    expect(await service.executeRollback({ token: planned.token, confirmation: {} })).toMatchObject({ kind: 'refused', code: 'still_checking' });
    // The plan reviewed while the verdicts were in is held back too once the family is being checked again.
    expect(await service.executeRollback({ token: reviewed.token, confirmation: {} })).toMatchObject({ kind: 'refused', code: 'still_checking' });
    expect(await snapshotTree(root), 'nothing written').toEqual(before);

    checking = false;
    expectOk(await service.executeRollback({ token: reviewed.token, confirmation: {} }));
  });

  it('rolls a three-file generation back as one, with a diff summary of the main members', async () => {
    const written = writeNumberedTriples(root);
    const engine = await start();
    const run = family(engine, 'cp_*.pkl');
    const current = run.generations.find((g) => g.current)!;
    const target = run.generations.find((g) => !g.current)!;
    const plan = (await engine.rollback.planRollback(run.id, target.id)) as RollbackPlanView;
    expect(plan.blockers).toEqual([]);
    const replaces = plan.operations.filter((o) => o.kind === 'replace');
    expect(replaces).toHaveLength(3);
    for (const op of replaces) if (op.kind === 'replace') expect(op.to).toBe(op.from.replace('cp_001.', 'cp_002.'));
    expect(plan.diff).toMatchObject({ kind: 'summary' });
    if (plan.diff.kind === 'summary') expect(plan.diff.changed + plan.diff.added + plan.diff.removed + plan.diff.typeChanged).toBeGreaterThan(0);
    expect(current.members).toHaveLength(3);

    // Both generations record schema 1.0: no schema warning, and the name is needed only if the
    // target itself has findings.
    expect(plan.warnings.map((w) => w.code)).not.toContain('schema_differs');
    expect(plan.risky).toBe(target.health !== 'healthy');
    expectOk(await engine.rollback.executeRollback({ token: plan.token, confirmation: { typedName: run.name } }));
    for (const m of ['pkl', 'state.json', 'meta.json']) expect(await sha256Of(join(root, `cp_002.${m}`))).toBe(written[`cp_001.${m}`]);
  });

  it('refuses when the current file changed between the dialog and confirm, and writes nothing', async () => {
    await makeRing(root, 'agent', 3, true);
    const engine = await start();
    const agent = family(engine, 'agent');
    const plan = await engine.rollback.planRollback(agent.id, agent.fallbackId!);
    // Same mtime on purpose: only the hash can tell.
    await rewriteFile(join(root, 'agent.json'), true);
    const before = await snapshotTree(root);
    const outcome = await engine.rollback.executeRollback({ token: plan.token, confirmation: {} });
    expect(outcome).toMatchObject({ kind: 'refused', code: 'changed_since_review' });
    if (outcome.kind === 'refused') expect(outcome.message).toMatch(/changed since you reviewed it/);
    expect(await snapshotTree(root)).toEqual(before);
  });

  it('makes a risky target wait for the family name, typed exactly', async () => {
    const written = await makeRing(root, 'agent', 3);
    // Cut the oldest generation short: rolling back to it is possible, but only on purpose.
    const oldest = join(root, 'agent.2.json');
    const bytes = await readFile(oldest);
    await writeFile(oldest, bytes.subarray(0, bytes.length >> 1));
    const engine = await start();
    const agent = family(engine, 'agent');
    const plan = await engine.rollback.planRollback(agent.id, generationId(agent, 'agent.2.json'));
    expect(plan.risky).toBe(true);
    expect(plan.warnings.map((w) => w.code)).toContain('target_has_findings');
    const before = await snapshotTree(root);

    for (const typedName of [undefined, '', 'agent.1.json', agent.name.toUpperCase()]) {
      const outcome = await engine.rollback.executeRollback({ token: plan.token, confirmation: typedName === undefined ? {} : { typedName } });
      expect(outcome, String(typedName)).toMatchObject({ kind: 'refused', code: 'confirmation_required' });
    }
    expect(await snapshotTree(root)).toEqual(before);
    expectOk(await engine.rollback.executeRollback({ token: plan.token, confirmation: { typedName: ` ${agent.name} ` } }));
    expect(await sha256Of(join(root, 'agent.json'))).not.toBe(written['agent.json']);
  });

  it('refuses while a writer was active within the quiet period and says when to retry', async () => {
    await makeRing(root, 'agent', 3, true);
    await rewriteFile(join(root, 'agent.json'), false);
    const engine = await start({ quietPeriodMs: 120_000 });
    const agent = family(engine, 'agent');
    const plan = await engine.rollback.planRollback(agent.id, agent.fallbackId!);
    expect(plan.warnings.map((w) => w.code)).toContain('writer_active');
    const outcome = await engine.rollback.executeRollback({ token: plan.token, confirmation: {} });
    expect(outcome).toMatchObject({ kind: 'refused', code: 'writer_active', retryAfterMs: expect.any(Number) });
    if (outcome.kind === 'refused') expect(outcome.message).toMatch(/Retry in \d/);
  });

  it('quarantines a broken older generation and refuses to quarantine the current one', async () => {
    const written = await makeRing(root, 'agent', 3);
    const bytes = await readFile(join(root, 'agent.2.json'));
    await writeFile(join(root, 'agent.2.json'), bytes.subarray(0, 40));
    const engine = await start();
    const agent = family(engine, 'agent');

    const currentPlan = await engine.rollback.planQuarantine(agent.currentId!);
    expect(currentPlan.blockers.map((b) => b.code)).toEqual(['current_generation']);
    expect(await engine.rollback.executeQuarantine({ token: currentPlan.token, confirmation: { typedName: agent.name } })).toMatchObject({ kind: 'refused', code: 'current_generation' });

    const plan = await engine.rollback.planQuarantine(generationId(agent, 'agent.2.json'));
    expect(plan.blockers).toEqual([]);
    expect(plan.operations.map((o) => o.kind)).toEqual(['backup', 'move']);
    const outcome = await engine.rollback.executeQuarantine({ token: plan.token, confirmation: {} });
    expectOk(outcome);
    expect(await readdir(root)).not.toContain('agent.2.json');
    expect(await readFile(join(outcome.backupDir, 'agent.2.json'))).toEqual(bytes.subarray(0, 40));
    expect(family(engine, 'agent').generations.map((g) => g.mainPath)).not.toContain('agent.2.json');
    expect(await sha256Of(join(root, 'agent.json'))).toBe(written['agent.json']);
  });
});

describe('what the engine will not take from a client', () => {
  it('refuses a target from another family, unknown ids, and folders outside its roots', async () => {
    await makeRing(root, 'agent', 2);
    await makeRing(root, 'other', 2);
    const engine = await start();
    const dispatcher = createApiDispatcher(engine);
    const agent = family(engine, 'agent');
    const other = family(engine, 'other');
    const ask = (method: string, params: unknown[]) => dispatcher.handle({ id: 1, method, params });

    expect(await ask('planRollback', [agent.id, generationId(other, 'other.1.json')])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask('planRollback', [`${agent.id}x`, generationId(agent, 'agent.1.json')])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask('getHistory', ['/etc'])).toMatchObject({ ok: false, error: { code: 'outside_roots' } });
    expect(await ask('undoLast', [dirname(root)])).toMatchObject({ ok: false, error: { code: 'outside_roots' } });
    // A forged plan never reaches the disk: only a token the engine issued is accepted.
    expect(await ask('executeRollback', [{ token: 'forged', confirmation: {} }])).toMatchObject({ ok: true, result: { kind: 'refused', code: 'plan_expired' } });
    expect(await ask('executeRollback', [{ token: 'x', confirmation: {}, plan: { dir: '/etc' } }])).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ask('getHistory', [root])).toMatchObject({ ok: true, result: [] });
  });

  it('the module refuses a family folder outside the roots even with a plan it made itself', async () => {
    const outside = join(base, 'elsewhere');
    await mkdir(outside);
    const written = await makeRing(outside, 'agent', 2);
    const engine = await start();
    const plan = planModuleRollback({
      dir: outside,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: written['agent.json'] }],
      target: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    });
    const { executeRollback } = await import('./rollback');
    const roots = engine.getSnapshot().roots.map((r) => r.path);
    expect(await executeRollback(plan, { roots, quietPeriodMs: 0 })).toMatchObject({ kind: 'refused', code: 'outside_roots' });
    expect(await sha256Of(join(outside, 'agent.json'))).toBe(written['agent.json']);
  });
});

describe('recovery on start', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await bundleChild();
  });
  afterAll(async () => {
    await rm(dirname(bundle), { recursive: true, force: true });
  });

  it('finishes an operation a crash interrupted and tells the person', async () => {
    const written = await makeTriple(root, 'run', 2);
    const members = ['pkl', 'state.json', 'meta.json'];
    const plan = planModuleRollback({
      dir: root,
      familyName: 'run',
      current: members.map((m) => ({ path: `run.${m}`, sha256: written[`run.${m}`] })),
      target: members.map((m) => ({ path: `run.1.${m}`, sha256: written[`run.1.${m}`] })),
      mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
    });
    const child = startOperationChild([process.execPath, bundle], { mode: 'execute', roots: [root], plan, pauseAt: 'write.renamed:run.pkl' });
    await child.waitFor((l) => l === 'paused write.renamed:run.pkl');
    await child.kill();
    expect(await readdir(join(root, '.ckpt-doctor'))).toContain('journal.json');

    const engine = await createEngine({ settingsPath: join(base, 'settings.json'), host: 'serve', roots: [root], watch: false, quietPeriodMs: 0 });
    engines.push(engine);
    const notices: string[] = [];
    const heard = new Promise<void>((resolve) => {
      engine.onEvent((event: EngineEvent) => {
        if (event.type === 'notice' && /interrupted operation/.test(event.message)) {
          notices.push(event.message);
          resolve();
        }
      });
    });
    await heard;
    expect(notices[0]).toMatch(new RegExp(root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(await readdir(join(root, '.ckpt-doctor'))).not.toContain('journal.json');
    const pkl = await sha256Of(join(root, 'run.pkl'));
    const state = await sha256Of(join(root, 'run.state.json'));
    // Whole: either every member is the target's or every member is as before.
    expect([written['run.1.pkl'], written['run.pkl']]).toContain(pkl);
    expect(state).toBe(pkl === written['run.1.pkl'] ? written['run.1.state.json'] : written['run.state.json']);
  });
});
