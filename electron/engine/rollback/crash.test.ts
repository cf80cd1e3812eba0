/**
 * Crash safety, proven with real processes: each operation runs in a child process that is
 * SIGKILLed at every step boundary and at many random moments. After every kill, what is on disk
 * must satisfy the protocol's invariants, and `recoverPending` must leave the family whole (all
 * old or all new), with no journal, no temp file and an audit log that records the operation
 * exactly when it took effect.
 */
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from './audit-log';
import { executeRollback } from './execute-rollback';
import { isOurTempName, journalPath } from './journal';
import { planQuarantine, planRollback } from './plan';
import { recoverPending } from './recover-pending';
import type { ChildRequest } from './run-rollback-child';
import { bundleChild, childEntry, startOperationChild } from './test-support/operation-child';
import { makeRing, makeTriple, sha256Of } from './test-support/python-checkpoints';
import type { AuditOp } from './types';
import { seededRandom } from '../../../shared/test-support/seeded-random';

/** One operation to crash, with what every file must hold before and after it. */
interface Scenario {
  readonly name: string;
  readonly template: string;
  readonly request: (runDir: string) => ChildRequest;
  /** Names the operation changes: `next` null means the file is moved into the trash. */
  readonly files: readonly { readonly path: string; readonly old: string; readonly next: string | null }[];
  /** Files it reads, which must never change. */
  readonly sources: readonly { readonly path: string; readonly sha256: string }[];
  readonly op: AuditOp;
}

let root: string;
let bundleDir: string;
let command: string[];
let runCounter = 0;
const scenarios: Scenario[] = [];

async function exists(path: string): Promise<boolean> {
  return (await sha256OrNull(path)) !== null;
}

async function sha256OrNull(path: string): Promise<string | null> {
  try {
    return await sha256Of(path);
  } catch {
    return null;
  }
}

async function trashDirs(dir: string): Promise<string[]> {
  try {
    return await readdir(join(dir, '.ckpt-doctor', 'trash'));
  } catch {
    return [];
  }
}

async function freshRun(scenario: Scenario): Promise<string> {
  runCounter += 1;
  const runDir = join(root, 'runs', String(runCounter), 'job');
  await mkdir(dirname(runDir), { recursive: true });
  await cp(scenario.template, runDir, { recursive: true, preserveTimestamps: true });
  return runDir;
}

/** Invariants right after a kill, before any recovery. */
async function checkAfterKill(scenario: Scenario, runDir: string, templateTrash: readonly string[]): Promise<void> {
  const newTrash = (await trashDirs(runDir)).filter((d) => !templateTrash.includes(d));
  const backedUp = async (path: string, sha256: string) => {
    for (const d of newTrash) if ((await sha256OrNull(join(runDir, '.ckpt-doctor', 'trash', d, path))) === sha256) return true;
    return false;
  };
  for (const f of scenario.files) {
    const now = await sha256OrNull(join(runDir, f.path));
    if (f.next === null) {
      // Quarantine: the file is at its name or, whole, in the trash; never gone from both.
      if (now === null) expect(await backedUp(f.path, f.old), `${f.path} is gone and not in the trash`).toBe(true);
      else expect(now, `${f.path} changed`).toBe(f.old);
    } else {
      expect([f.old, f.next], `${f.path} holds neither the old nor the new bytes`).toContain(now);
      if (now === f.next && f.next !== f.old) expect(await backedUp(f.path, f.old), `${f.path} lost its old bytes without a backup`).toBe(true);
    }
  }
  for (const s of scenario.sources) expect(await sha256OrNull(join(runDir, s.path)), `${s.path} was touched`).toBe(s.sha256);
}

/** Invariants after recovery: whole, no journal, no temp files, audit consistent. Returns which way it went. */
async function checkSettled(scenario: Scenario, runDir: string, templateEntries: number): Promise<'old' | 'new'> {
  const holds: ('old' | 'new')[] = [];
  for (const f of scenario.files) {
    const now = await sha256OrNull(join(runDir, f.path));
    if (now === f.old) holds.push('old');
    else if (now === f.next) holds.push('new');
    else throw new Error(`${f.path} holds ${now} after recovery`);
  }
  const way = holds[0];
  expect(holds.every((h) => h === way), `mixed generation after recovery: ${holds.join(',')}`).toBe(true);
  expect(await exists(journalPath(runDir))).toBe(false);
  const names = await readdir(runDir);
  expect(names.filter(isOurTempName), 'temp files left').toEqual([]);
  for (const d of await trashDirs(runDir)) {
    const inTrash = await readdir(join(runDir, '.ckpt-doctor', 'trash', d), { recursive: true });
    expect(inTrash.filter((n) => String(n).endsWith('.ckpt-doctor-partial')), 'partial copies left').toEqual([]);
  }
  for (const s of scenario.sources) expect(await sha256OrNull(join(runDir, s.path))).toBe(s.sha256);

  const added = (await readHistory(runDir)).slice(templateEntries);
  if (way === 'old') {
    expect(added, 'an operation that did not take effect is in the audit log').toEqual([]);
  } else {
    expect(added).toHaveLength(1);
    const entry = added[0];
    expect(entry.op).toBe(scenario.op);
    expect(entry.files.map((f) => f.path).sort()).toEqual(scenario.files.map((f) => f.path).sort());
    for (const f of scenario.files) {
      const recorded = entry.files.find((e) => e.path === f.path);
      expect(recorded?.before).toBe(f.old);
      expect(recorded?.after).toBe(f.next);
      // The bytes it replaced are in the entry's backup folder, whole.
      expect(await sha256OrNull(join(runDir, ...entry.backupDir.split('/'), f.path))).toBe(f.old);
    }
  }
  const again = await recoverPending(runDir, { roots: [root] });
  expect(again).toMatchObject({ kind: 'ok', action: 'nothing_pending' });
  return way;
}

async function templateState(scenario: Scenario): Promise<{ trash: string[]; entries: number }> {
  return { trash: await trashDirs(scenario.template), entries: (await readHistory(scenario.template)).length };
}

/** Run the scenario's child once without stopping; returns the steps it reported and how long it took. */
async function calibrate(scenario: Scenario): Promise<{ steps: string[]; durationMs: number }> {
  const runDir = await freshRun(scenario);
  const child = startOperationChild(command, scenario.request(runDir));
  await child.waitFor((l) => l === 'ready');
  const started = performance.now();
  const result = await child.waitFor((l) => l.startsWith('result '));
  const durationMs = performance.now() - started;
  await child.kill();
  expect(JSON.parse(result.slice('result '.length))).toMatchObject({ kind: 'ok' });
  const steps = child.lines.filter((l) => l.startsWith('step ')).map((l) => l.slice('step '.length));
  const { entries } = await templateState(scenario);
  expect(await checkSettled(scenario, runDir, entries)).toBe('new');
  return { steps, durationMs };
}

/** Kill the scenario's child right after `step`, check, recover, check. */
async function crashAt(scenario: Scenario, step: string): Promise<'old' | 'new'> {
  const runDir = await freshRun(scenario);
  const child = startOperationChild(command, { ...scenario.request(runDir), pauseAt: step });
  try {
    await child.waitFor((l) => l === `paused ${step}`);
  } finally {
    await child.kill();
  }
  const { trash, entries } = await templateState(scenario);
  await checkAfterKill(scenario, runDir, trash);
  const recovery = await recoverPending(runDir, { roots: [root] });
  expect(recovery.kind, JSON.stringify(recovery)).toBe('ok');
  return checkSettled(scenario, runDir, entries);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ckpt-crash-'));
  const bundle = await bundleChild();
  bundleDir = dirname(bundle);
  command = [process.execPath, bundle];

  // Ring buffer: the current file is the broken one (cut short), roll back to `.1`.
  const ring = join(root, 'templates', 'ring', 'job');
  await mkdir(ring, { recursive: true });
  const r = await makeRing(ring, 'agent', 3, true);
  scenarios.push({
    name: 'ring rollback',
    template: ring,
    op: 'rollback',
    request: (dir) => ({
      mode: 'execute',
      roots: [root],
      plan: planRollback({
        dir,
        familyName: 'agent',
        current: [{ path: 'agent.json', sha256: r['agent.json'] }],
        target: [{ path: 'agent.1.json', sha256: r['agent.1.json'] }],
        mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
      }),
    }),
    files: [{ path: 'agent.json', old: r['agent.json'], next: r['agent.1.json'] }],
    sources: [{ path: 'agent.1.json', sha256: r['agent.1.json'] }, { path: 'agent.2.json', sha256: r['agent.2.json'] }],
  });

  // Three-file set: three destinations through one journal.
  const triple = join(root, 'templates', 'triple', 'job');
  await mkdir(triple, { recursive: true });
  const t = await makeTriple(triple, 'run', 2);
  const members = ['pkl', 'state.json', 'meta.json'];
  scenarios.push({
    name: 'triple-set rollback',
    template: triple,
    op: 'rollback',
    request: (dir) => ({
      mode: 'execute',
      roots: [root],
      plan: planRollback({
        dir,
        familyName: 'run',
        current: members.map((m) => ({ path: `run.${m}`, sha256: t[`run.${m}`] })),
        target: members.map((m) => ({ path: `run.1.${m}`, sha256: t[`run.1.${m}`] })),
        mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
      }),
    }),
    files: members.map((m) => ({ path: `run.${m}`, old: t[`run.${m}`], next: t[`run.1.${m}`] })),
    sources: members.map((m) => ({ path: `run.1.${m}`, sha256: t[`run.1.${m}`] })),
  });

  // Quarantine of a broken older three-file set.
  scenarios.push({
    name: 'triple-set quarantine',
    template: triple,
    op: 'quarantine',
    request: (dir) => ({
      mode: 'execute',
      roots: [root],
      plan: planQuarantine({ dir, familyName: 'run', generation: members.map((m) => ({ path: `run.1.${m}`, sha256: t[`run.1.${m}`] })) }),
    }),
    files: members.map((m) => ({ path: `run.1.${m}`, old: t[`run.1.${m}`], next: null })),
    sources: members.map((m) => ({ path: `run.${m}`, sha256: t[`run.${m}`] })),
  });

  // Undo of a completed ring rollback (the template holds its audit entry and trash).
  const undone = join(root, 'templates', 'undo', 'job');
  await cp(ring, undone, { recursive: true, preserveTimestamps: true });
  const done = await executeRollback(scenarios[0].request(undone).plan as Parameters<typeof executeRollback>[0], { roots: [root], quietPeriodMs: 0 });
  expect(done.kind).toBe('ok');
  scenarios.push({
    name: 'undo of a rollback',
    template: undone,
    op: 'undo',
    request: (dir) => ({ mode: 'undo', dir, roots: [root] }),
    files: [{ path: 'agent.json', old: r['agent.1.json'], next: r['agent.json'] }],
    sources: [{ path: 'agent.1.json', sha256: r['agent.1.json'] }],
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

describe('a rollback killed with SIGKILL', () => {
  it('runs as documented with node --import tsx', async () => {
    const scenario = scenarios[0];
    const runDir = await freshRun(scenario);
    const child = startOperationChild([process.execPath, '--import', 'tsx', childEntry], scenario.request(runDir));
    try {
      const result = await child.waitFor((l) => l.startsWith('result '), 30_000);
      expect(JSON.parse(result.slice('result '.length))).toMatchObject({ kind: 'ok', op: 'rollback' });
    } finally {
      await child.kill();
    }
  });

  it('leaves old or new, never less, at every step boundary, and recovery makes it whole', async () => {
    const coverage: string[] = [];
    for (const scenario of scenarios) {
      const { steps } = await calibrate(scenario);
      // The boundaries the protocol promises, each of which must be a place it can die.
      expect(steps[0]).toBe('journal.written');
      expect(steps[steps.length - 1]).toBe('journal.removed');
      expect(steps).toContain('audit.appended');
      for (const f of scenario.files) {
        expect(steps).toContain(`backup.copied:${f.path}`);
        expect(steps).toContain(f.next === null ? `move.renamed:${f.path}` : `write.renamed:${f.path}`);
      }
      for (const step of steps) {
        const way = await crashAt(scenario, step);
        coverage.push(`${scenario.name} @ ${step} → ${way}`);
        // Before any name is replaced the operation is undone; after the audit line it is complete.
        if (step === 'journal.written') expect(way).toBe('old');
        if (step === 'audit.appended') expect(way).toBe('new');
      }
    }
    expect(coverage.length).toBeGreaterThan(40);
  }, 180_000);

  it('leaves old or new at random moments, and recovery makes it whole', async () => {
    const seed = 20260130;
    const random = seededRandom(seed);
    let midOperation = 0;
    let runs = 0;
    for (const scenario of scenarios) {
      const { durationMs } = await calibrate(scenario);
      const { trash, entries } = await templateState(scenario);
      for (let i = 0; i < 25; i += 1) {
        runs += 1;
        const runDir = await freshRun(scenario);
        const child = startOperationChild(command, scenario.request(runDir));
        await child.waitFor((l) => l === 'ready');
        await new Promise((resolve) => setTimeout(resolve, random() * durationMs * 1.2));
        await child.kill();
        const saidSteps = child.lines.some((l) => l.startsWith('step '));
        const finished = child.lines.some((l) => l.startsWith('result '));
        if (saidSteps && !finished) midOperation += 1;
        try {
          await checkAfterKill(scenario, runDir, trash);
          const recovery = await recoverPending(runDir, { roots: [root] });
          expect(recovery.kind, JSON.stringify(recovery)).toBe('ok');
          await checkSettled(scenario, runDir, entries);
        } catch (error) {
          throw new Error(`${scenario.name}, run ${i} (seed ${seed}), last step ${child.lines.filter((l) => l.startsWith('step ')).pop() ?? 'none'}: ${String(error)}`);
        }
      }
    }
    expect(runs).toBe(100);
    // Not a timing assertion: a random test whose kills all missed the operation would prove nothing.
    expect(midOperation).toBeGreaterThan(0);
  }, 180_000);

  it('survives being killed during recovery itself', async () => {
    const scenario = scenarios[1];
    // An interrupted triple rollback: the first name replaced, two to go.
    const interrupted = await freshRun(scenario);
    const first = startOperationChild(command, { ...scenario.request(interrupted), pauseAt: 'write.renamed:run.pkl' });
    try {
      await first.waitFor((l) => l === 'paused write.renamed:run.pkl');
    } finally {
      await first.kill();
    }
    const { trash, entries } = await templateState(scenario);
    const recoveryScenario: Scenario = { ...scenario, template: interrupted, request: (dir) => ({ mode: 'recover', dir, roots: [root] }) };

    const { steps } = await (async () => {
      const runDir = await freshRun(recoveryScenario);
      const child = startOperationChild(command, recoveryScenario.request(runDir));
      const result = await child.waitFor((l) => l.startsWith('result '));
      await child.kill();
      expect(JSON.parse(result.slice('result '.length))).toMatchObject({ kind: 'ok', action: 'completed' });
      return { steps: child.lines.filter((l) => l.startsWith('step ')).map((l) => l.slice(5)) };
    })();
    expect(steps).toContain('write.renamed:run.meta.json');

    for (const step of steps) {
      const runDir = await freshRun(recoveryScenario);
      const child = startOperationChild(command, { ...recoveryScenario.request(runDir), pauseAt: step });
      try {
        await child.waitFor((l) => l === `paused ${step}`);
      } finally {
        await child.kill();
      }
      await checkAfterKill(scenario, runDir, trash);
      const recovery = await recoverPending(runDir, { roots: [root] });
      expect(recovery.kind).toBe('ok');
      expect(await checkSettled(scenario, runDir, entries)).toBe('new');
    }
  }, 120_000);
});
