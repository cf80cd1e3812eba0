/**
 * A scan lists the families as soon as discovery has planned them, marks what is not checked yet
 * `checking`, and gives each family its verdict as soon as its own files are done: one large
 * generation must not hide every family of its folder (or of the others) until it is read.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FamilySummary, WorkspaceSnapshot } from '../../shared/model/workspace';
import { createEngine, type Engine } from './engine';
import { python, tempDir, writeNumbered, writeRingWithTruncatedCurrent } from './test-fixtures';

let base: string;
let root: string;
const engines: Engine[] = [];

beforeEach(async () => {
  base = await tempDir('ckpt-checking-');
  root = join(base, 'checkpoints');
  await mkdir(join(root, 'big-run'), { recursive: true });
  await mkdir(join(root, 'other-run'), { recursive: true });
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await rm(base, { recursive: true, force: true });
});

/** `trainer_state.json` of ~`mb` MB as python's json.dump writes it, with a small older generation beside it. */
function writeBigRing(dir: string, mb: number): void {
  python(
    [
      'import json, os, sys, time',
      'd, mb = sys.argv[1], int(sys.argv[2])',
      'row = {"step": 0, "loss": 0.123456789, "lr": 3e-4, "tags": ["a", "b"], "note": "x" * 40}',
      'n = mb * 1024 * 1024 // len(json.dumps(row))',
      'big = {"schema_version": 2, "log_history": [dict(row, step=i) for i in range(n)]}',
      'with open(os.path.join(d, "trainer_state.1.json"), "w") as f: json.dump({"schema_version": 2, "log_history": [row]}, f)',
      'old = time.time() - 60',
      'os.utime(os.path.join(d, "trainer_state.1.json"), (old, old))',
      'with open(os.path.join(d, "trainer_state.json"), "w") as f: json.dump(big, f)',
    ].join('\n'),
    dir,
    String(mb),
  );
}

const families = (s: WorkspaceSnapshot): FamilySummary[] => s.roots.flatMap((r) => r.families);
const big = (s: WorkspaceSnapshot): FamilySummary | undefined => families(s).find((f) => f.name.startsWith('trainer_state'));
const checking = (s: WorkspaceSnapshot): FamilySummary[] => families(s).filter((f) => f.checking || f.generations.some((g) => g.checking));
/** What a person reads of a family: its health, verdict and each generation's health. */
const verdicts = (s: WorkspaceSnapshot) =>
  families(s)
    .map((f) => ({ id: f.id, health: f.health, verdict: f.verdict, fallbackId: f.fallbackId, generations: f.generations.map((g) => [g.label, g.health, g.healthy]) }))
    .sort((a, b) => a.id.localeCompare(b.id));

describe('a scan with one large generation', () => {
  it('lists every family at once, marks the large one checking, and judges the others before it is read', { timeout: 120_000 }, async () => {
    writeBigRing(join(root, 'big-run'), 40);
    writeRingWithTruncatedCurrent(join(root, 'big-run'));
    writeNumbered(join(root, 'other-run'), 3);

    const seen: { at: number; snapshot: WorkspaceSnapshot }[] = [];
    const engine = await createEngine({ settingsPath: join(base, 'settings.json'), host: 'serve', roots: [], watch: false });
    engines.push(engine);
    engine.onEvent((e) => {
      if (e.type === 'snapshot') seen.push({ at: Date.now(), snapshot: e.snapshot });
    });
    expect(await engine.addRoot(root)).toEqual({ kind: 'ok' });
    await engine.whenIdle();
    const final = engine.getSnapshot();

    // The first snapshot with families already lists all three, before the large file is read.
    const firstListed = seen.find((x) => families(x.snapshot).length > 0)!;
    expect(firstListed).toBeDefined();
    expect(families(firstListed.snapshot).map((f) => f.name).sort()).toEqual(families(final).map((f) => f.name).sort());
    const judgedAt = seen.find((x) => big(x.snapshot) && !big(x.snapshot)!.checking)!.at;
    expect(firstListed.at).toBeLessThan(judgedAt);

    // There, the large generation is checking: no verdict, no fallback, its size already known.
    const early = big(firstListed.snapshot)!;
    expect(early).toMatchObject({ checking: true, health: 'unknown', fallbackId: null });
    expect(early.verdict).toMatch(/^Checking \d+ files? \([\d.]+ MB\)…$/);
    const earlyCurrent = early.generations.find((g) => g.mainPath === 'trainer_state.json')!;
    expect(earlyCurrent).toMatchObject({ checking: true, health: 'unknown', healthy: false, current: true });
    expect(earlyCurrent.size).toBeGreaterThan(30 * 1024 * 1024);
    expect(firstListed.snapshot.roots[0].status).toBe('scanning');

    // The small families got their verdicts while the large one was still being read.
    const meanwhile = seen.find((x) => big(x.snapshot)?.checking && checking(x.snapshot).length === 1);
    expect(meanwhile).toBeDefined();
    expect(families(meanwhile!.snapshot).find((f) => f.name.startsWith('agent'))!.health).toBe('broken');

    // The scan ends with nothing checking, and the verdicts a scan has always given.
    expect(checking(final)).toEqual([]);
    expect(seen.at(-1)!.snapshot.version).toBe(final.version);
    expect(final.roots[0].status).toBe('ready');
    const done = big(final)!;
    expect(done.health).toBe('healthy');
    expect(done.checking).toBeUndefined();
    expect(done.currentId).toBe(done.generations.find((g) => g.mainPath === 'trainer_state.json')!.id);
    expect(done.generations.every((g) => g.checking === undefined && g.sha256.length === 64)).toBe(true);
    const agent = families(final).find((f) => f.name.startsWith('agent'))!;
    expect(agent.health).toBe('broken');
    expect(agent.fallbackId).toBe(agent.generations.find((g) => g.mainPath === 'agent.1.json')!.id);

    // A second engine over the same (now cached by nobody) files ends with the same verdicts.
    const again = await createEngine({ settingsPath: join(base, 'settings2.json'), host: 'cli', roots: [root], watch: false });
    engines.push(again);
    await again.whenIdle();
    expect(verdicts(again.getSnapshot())).toEqual(verdicts(final));
  });

  it('keeps the other folders unchanged while a rescan of one folder checks a large new file', { timeout: 120_000 }, async () => {
    writeNumbered(join(root, 'big-run'), 2);
    writeNumbered(join(root, 'other-run'), 3);
    const engine = await createEngine({ settingsPath: join(base, 'settings.json'), host: 'serve', roots: [root], watch: true, debounceMs: 30 });
    engines.push(engine);
    await engine.whenIdle();
    const before = engine.getSnapshot();
    const other = (s: WorkspaceSnapshot) => families(s).filter((f) => f.dir.endsWith('other-run'));
    const seen: WorkspaceSnapshot[] = [];
    engine.onEvent((e) => {
      if (e.type === 'snapshot') seen.push(e.snapshot);
    });
    writeBigRing(join(root, 'big-run'), 40);
    const deadline = Date.now() + 60_000;
    while (!(big(engine.getSnapshot()) && !big(engine.getSnapshot())!.checking) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await engine.whenIdle();
    // The large new family was shown checking first (its check outlasts the grace period) ...
    expect(seen.some((s) => big(s)?.checking)).toBe(true);
    // ... and no snapshot ever changed (or marked) the families of the folder that did not change.
    for (const s of seen) expect(other(s)).toEqual(other(before));
    expect(checking(engine.getSnapshot())).toEqual([]);
    expect(big(engine.getSnapshot())!.health).toBe('healthy');
  });
});
