import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../shared/api/contract';
import type { FamilySummary, WorkspaceSnapshot } from '../../shared/model/workspace';
import { createEngine, type Engine } from './engine';
import { mainPaths, python, tempDir, waitForSnapshot, writeNumbered, writeRingWithSchema, writeRingWithTruncatedCurrent } from './test-fixtures';

let base: string;
let root: string;
let settingsPath: string;
const engines: Engine[] = [];

async function start(options: { watch?: boolean; roots?: string[] } = {}): Promise<Engine> {
  const engine = await createEngine({ settingsPath, host: 'serve', roots: options.roots ?? [root], watch: options.watch ?? true, debounceMs: 50 });
  engines.push(engine);
  return engine;
}

function families(snapshot: WorkspaceSnapshot): FamilySummary[] {
  return snapshot.roots.flatMap((r) => r.families);
}

function familyWith(snapshot: WorkspaceSnapshot, mainPath: string): FamilySummary | undefined {
  return families(snapshot).find((f) => f.generations.some((g) => g.mainPath === mainPath));
}

const waitFor = (engine: Engine, predicate: (s: WorkspaceSnapshot) => boolean): Promise<WorkspaceSnapshot> =>
  waitForSnapshot((l) => engine.onEvent(l), () => engine.getSnapshot(), predicate, 15_000);

/** Run Python in a separate process, as the job that writes checkpoints would. */
function pythonChild(code: string, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}: ${err}`))));
  });
}

beforeEach(async () => {
  base = await tempDir('ckpt-engine-');
  root = join(base, 'checkpoints');
  await mkdir(root);
  settingsPath = join(base, 'config', 'settings.json');
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await rm(base, { recursive: true, force: true });
});

describe('engine scanning', () => {
  it('finds a ring buffer, judges the truncated current broken and names the newest healthy fallback', async () => {
    writeRingWithTruncatedCurrent(root);
    const engine = await start({ watch: false });
    await engine.whenIdle();
    const snapshot = engine.getSnapshot();
    expect(snapshot.roots).toHaveLength(1);
    expect(snapshot.roots[0].status).toBe('ready');
    const family = familyWith(snapshot, 'agent.json');
    expect(family).toBeDefined();
    const byPath = new Map(family!.generations.map((g) => [g.mainPath, g]));
    expect([...byPath.keys()].sort()).toEqual(['agent.1.json', 'agent.2.json', 'agent.json']);
    const current = byPath.get('agent.json')!;
    expect(current.current).toBe(true);
    expect(current.healthy).toBe(false);
    expect(current.findings.some((f) => f.code === 'json.truncated')).toBe(true);
    expect(family!.currentId).toBe(current.id);
    expect(family!.fallbackId).toBe(byPath.get('agent.1.json')!.id);
    expect(byPath.get('agent.1.json')!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.stats().analyze).toBe(3);
  });

  it('publishes a generation another process writes, then drops it when deleted', async () => {
    writeNumbered(root, 3);
    const engine = await start();
    await waitFor(engine, (s) => mainPaths(s).includes('ckpt_002.json'));
    await pythonChild(
      [
        'import json, os, sys',
        'd = sys.argv[1]',
        'tmp = os.path.join(d, ".ckpt_003.json.tmp")',
        'with open(tmp, "w") as f:',
        '    json.dump({"schema_version": 1, "step": 3, "items": [0, 1, 2, 3]}, f)',
        '    f.flush(); os.fsync(f.fileno())',
        'os.replace(tmp, os.path.join(d, "ckpt_003.json"))',
      ].join('\n'),
      root,
    );
    const withNew = await waitFor(engine, (s) => mainPaths(s).includes('ckpt_003.json'));
    const family = familyWith(withNew, 'ckpt_003.json')!;
    expect(family.generations.find((g) => g.mainPath === 'ckpt_003.json')!.healthy).toBe(true);

    await unlink(join(root, 'ckpt_003.json'));
    const after = await waitFor(engine, (s) => !mainPaths(s).includes('ckpt_003.json'));
    expect(mainPaths(after)).toContain('ckpt_002.json');
  });

  it('rescans incrementally: only the file that changed is read again', async () => {
    writeNumbered(root, 4);
    const engine = await start();
    await waitFor(engine, (s) => mainPaths(s).length === 4 && s.progress === null);
    await engine.whenIdle();
    const before = engine.stats().analyze;
    expect(before).toBe(4);
    const oldSha = familyWith(engine.getSnapshot(), 'ckpt_001.json')!.generations.find((g) => g.mainPath === 'ckpt_001.json')!.sha256;
    await pythonChild('import json, sys\nwith open(sys.argv[1], "w") as f:\n    json.dump({"schema_version": 1, "step": 1, "items": [9, 9, 9]}, f)', join(root, 'ckpt_001.json'));
    await waitFor(engine, (s) => {
      const g = familyWith(s, 'ckpt_001.json')?.generations.find((x) => x.mainPath === 'ckpt_001.json');
      return g !== undefined && g.sha256 !== oldSha;
    });
    await engine.whenIdle();
    expect(engine.stats().analyze).toBe(before + 1);
  });

  it('forgets the analysis of a deleted file, so a new file of the same size and time is read again', async () => {
    writeNumbered(root, 3);
    const path = join(root, 'ckpt_001.json');
    const when = Math.floor(Date.now() / 1000) - 50;
    await utimes(path, when, when);
    const engine = await start();
    await waitFor(engine, (s) => mainPaths(s).length === 3 && s.progress === null);
    await engine.whenIdle();
    const before = engine.stats().analyze;
    const text = await readFile(path, 'utf8');
    const oldSha = familyWith(engine.getSnapshot(), 'ckpt_001.json')!.generations.find((g) => g.mainPath === 'ckpt_001.json')!.sha256;
    await unlink(path);
    await waitFor(engine, (s) => !mainPaths(s).includes('ckpt_001.json'));
    await engine.whenIdle();
    // Same length, same mtime, other bytes: only a forgotten analysis makes the engine read it again.
    const other = text.replace('[0, 1]', '[0, 7]');
    expect(other).not.toBe(text);
    expect(other.length).toBe(text.length);
    await writeFile(path, other);
    await utimes(path, when, when);
    const back = await waitFor(engine, (s) => mainPaths(s).includes('ckpt_001.json') && s.progress === null);
    await engine.whenIdle();
    expect(familyWith(back, 'ckpt_001.json')!.generations.find((g) => g.mainPath === 'ckpt_001.json')!.sha256).not.toBe(oldSha);
    expect(engine.stats().analyze).toBe(before + 1);
  });

  it('judges a checkpoint another process writes slowly in place only once it is complete', async () => {
    writeNumbered(root, 3);
    const engine = await createEngine({ settingsPath, host: 'serve', roots: [root], watch: true });
    engines.push(engine);
    await waitFor(engine, (s) => mainPaths(s).length === 3 && s.progress === null);
    await engine.whenIdle();
    const shown: boolean[] = [];
    engine.onEvent((e) => {
      const g = e.type === 'snapshot' ? familyWith(e.snapshot, 'ckpt_003.json')?.generations.find((x) => x.mainPath === 'ckpt_003.json') : undefined;
      if (g) shown.push(g.healthy);
    });
    const text = JSON.stringify({ schema_version: 1, step: 3, items: Array.from({ length: 3000 }, (_, i) => i) });
    // About half a second of writing, a few milliseconds between flushed chunks, no rename.
    await pythonChild(
      [
        'import sys, time',
        'path, text = sys.argv[1], sys.argv[2]',
        'step = -(-len(text) // 80)',
        'with open(path, "w") as f:',
        '    for i in range(0, len(text), step):',
        '        f.write(text[i:i + step]); f.flush()',
        '        time.sleep(0.004)',
      ].join('\n'),
      join(root, 'ckpt_003.json'),
      text,
    );
    const done = await waitFor(engine, (s) => familyWith(s, 'ckpt_003.json')?.generations.find((g) => g.mainPath === 'ckpt_003.json')?.size === text.length);
    const family = familyWith(done, 'ckpt_003.json')!;
    expect(family.generations.find((g) => g.mainPath === 'ckpt_003.json')).toMatchObject({ healthy: true, current: true });
    expect(family.health).toBe('healthy');
    // It was never shown cut short (json.truncated) while the writer was still writing.
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((healthy) => healthy)).toBe(true);
  });

  it('sends the snapshot that ends a scan at once, and at most about ten a second while it runs', async () => {
    writeNumbered(root, 150);
    const seen: { version: number; progress: boolean }[] = [];
    const engine = await createEngine({ settingsPath, host: 'serve', roots: [], watch: false });
    engines.push(engine);
    engine.onEvent((e) => {
      if (e.type === 'snapshot') seen.push({ version: e.snapshot.version, progress: e.snapshot.progress !== null });
    });
    const started = Date.now();
    expect(await engine.addRoot(root)).toEqual({ kind: 'ok' });
    await engine.whenIdle();
    const elapsed = Date.now() - started;
    // When the scan is over its final state has already been sent, not left to a timer.
    expect(seen.at(-1)).toEqual({ version: engine.getSnapshot().version, progress: false });
    // 150 progress steps, yet snapshots stayed throttled: the leading one, one per 100 ms, the final one.
    expect(seen.some((x) => x.progress)).toBe(true);
    expect(seen.length).toBeLessThanOrEqual(3 + Math.ceil(elapsed / 100));
    const count = seen.length;
    await engine.rescan();
    expect(seen.length).toBeGreaterThan(count);
    expect(seen.at(-1)).toEqual({ version: engine.getSnapshot().version, progress: false });
  });

  it('reports progress while scanning and ends with no progress', async () => {
    writeNumbered(root, 6);
    const seen: (WorkspaceSnapshot['progress'])[] = [];
    const engine = await createEngine({ settingsPath, host: 'serve', roots: [], watch: false });
    engines.push(engine);
    engine.onEvent((e: EngineEvent) => {
      if (e.type === 'snapshot') seen.push(e.snapshot.progress);
    });
    expect(await engine.addRoot(root)).toEqual({ kind: 'ok' });
    await engine.whenIdle();
    await waitFor(engine, (s) => s.progress === null && mainPaths(s).length === 6);
    expect(seen.some((p) => p !== null && p.total === 6)).toBe(true);
    expect(engine.getSnapshot().progress).toBeNull();
  });

  it('hashes a file above the size limit without decoding it, and shows its head raw', async () => {
    writeNumbered(root, 2);
    const engine = await createEngine({ settingsPath, host: 'serve', roots: [root], watch: false, maxAnalyzeBytes: 20, maxTextChars: 10 });
    engines.push(engine);
    await engine.whenIdle();
    const family = familyWith(engine.getSnapshot(), 'ckpt_001.json')!;
    const gen = family.generations.find((g) => g.mainPath === 'ckpt_001.json')!;
    expect(gen.findings.map((f) => f.code)).toContain('file.too_large');
    expect(gen.sha256).toMatch(/^[0-9a-f]{64}$/);
    const content = await engine.readGeneration(gen.id);
    expect(content).toMatchObject({ view: 'raw', truncated: true });
    expect(content.text.length).toBeLessThanOrEqual(10);
    expect(content.note).toMatch(/too large/);
  });

  it.skipIf(process.getuid?.() === 0)('reports a file it may not read as file.unreadable, and a folder it may not list on the root', async () => {
    writeNumbered(root, 2);
    await chmod(join(root, 'ckpt_001.json'), 0o000);
    await mkdir(join(root, 'locked'));
    await chmod(join(root, 'locked'), 0o000);
    try {
      const engine = await start({ watch: false });
      await engine.whenIdle();
      const gen = familyWith(engine.getSnapshot(), 'ckpt_001.json')!.generations.find((g) => g.mainPath === 'ckpt_001.json')!;
      expect(gen.findings.map((f) => f.code)).toContain('file.unreadable');
      expect(gen.healthy).toBe(false);
      expect(engine.getSnapshot().roots[0].error).toMatch(/locked/);
    } finally {
      await chmod(join(root, 'ckpt_001.json'), 0o644);
      await chmod(join(root, 'locked'), 0o755);
    }
  });

  it('notices a watched folder vanish and come back, without a manual rescan', async () => {
    writeNumbered(root, 2);
    const engine = await start();
    await waitFor(engine, (s) => mainPaths(s).length === 2);
    await rm(root, { recursive: true });
    await waitFor(engine, (s) => s.roots[0].status === 'missing');
    await mkdir(root);
    writeNumbered(root, 3);
    await waitFor(engine, (s) => s.roots[0].status === 'ready' && mainPaths(s).length === 3);
    writeNumbered(root, 1, 3);
    await waitFor(engine, (s) => mainPaths(s).includes('ckpt_003.json'));
  });

  it('marks a root that disappears as missing, and finds it again on rescan', async () => {
    writeNumbered(root, 2);
    const engine = await start({ watch: false });
    await engine.whenIdle();
    await rm(root, { recursive: true });
    await engine.rescan();
    expect(engine.getSnapshot().roots[0].status).toBe('missing');
    expect(engine.getSnapshot().roots[0].error).toMatch(/does not exist/);
    await mkdir(root);
    writeNumbered(root, 2);
    await engine.rescan();
    expect(engine.getSnapshot().roots[0].status).toBe('ready');
    expect(mainPaths(engine.getSnapshot())).toEqual(['ckpt_000.json', 'ckpt_001.json']);
  });
});

describe('engine roots and settings', () => {
  it('refuses folders that are missing, files or relative, with codes a client can act on', async () => {
    const engine = await start({ roots: [] });
    await writeFile(join(base, 'file.json'), '{}');
    expect(await engine.addRoot(join(base, 'nope'))).toMatchObject({ kind: 'error', code: 'not_found' });
    expect(await engine.addRoot(join(base, 'file.json'))).toMatchObject({ kind: 'error', code: 'not_a_directory' });
    expect(await engine.addRoot('relative/path')).toMatchObject({ kind: 'error', code: 'bad_request' });
    expect(await engine.removeRoot(join(base, 'nope'))).toMatchObject({ kind: 'error', code: 'not_found' });
  });

  it('remembers added folders across restarts and forgets removed ones', async () => {
    writeNumbered(root, 1);
    const first = await createEngine({ settingsPath, host: 'electron', watch: false });
    engines.push(first);
    expect(await first.addRoot(root)).toEqual({ kind: 'ok' });
    await first.whenIdle();
    await first.close();
    const second = await createEngine({ settingsPath, host: 'electron', watch: false });
    engines.push(second);
    await second.whenIdle();
    expect(second.getSnapshot().roots.map((r) => r.path)).toEqual([root]);
    expect(second.getSnapshot().recent).toEqual([root]);
    expect(await second.removeRoot(root)).toEqual({ kind: 'ok' });
    expect(JSON.parse(await readFile(settingsPath, 'utf8')).roots).toEqual([]);
  });

  it('judges a folder against the schema version set for it, remembers it, and clears it', async () => {
    writeRingWithSchema(root, 3);
    const first = await createEngine({ settingsPath, host: 'electron', watch: false });
    engines.push(first);
    expect(await first.addRoot(root)).toEqual({ kind: 'ok' });
    await first.whenIdle();
    const ring = (s: WorkspaceSnapshot) => familyWith(s, 'agent.json')!;
    expect(ring(first.getSnapshot()).generations.map((g) => [g.schemaVersion, g.healthy])).toEqual([['3', true], ['3', true], ['3', true]]);
    expect(first.getSnapshot().roots[0].expectedSchemaVersion ?? null).toBeNull();

    expect(await first.setExpectedSchemaVersion(root, ' 4 ')).toEqual({ kind: 'ok' });
    const expecting = first.getSnapshot();
    expect(expecting.roots[0].expectedSchemaVersion).toBe('4');
    const family = ring(expecting);
    for (const g of family.generations) {
      expect(g.healthy).toBe(false);
      expect(g.findings.filter((f) => f.code === 'envelope.schema_mismatch').map((f) => [f.severity, f.file])).toEqual([['error', g.mainPath]]);
    }
    expect(family.fallbackId).toBeNull();
    expect(family.health).toBe('broken');
    // Judged again from the cached analyses: no file was read a second time.
    expect(first.stats().analyze).toBe(3);
    expect(JSON.parse(await readFile(settingsPath, 'utf8')).expectedSchema).toEqual({ [root]: '4' });
    // Listeners hear about it too.
    await waitFor(first, (s) => s.roots[0]?.expectedSchemaVersion === '4' && ring(s).fallbackId === null);
    await first.close();

    const second = await createEngine({ settingsPath, host: 'electron', watch: false });
    engines.push(second);
    await second.whenIdle();
    expect(second.getSnapshot().roots[0].expectedSchemaVersion).toBe('4');
    expect(ring(second.getSnapshot()).generations.every((g) => g.findings.some((f) => f.code === 'envelope.schema_mismatch'))).toBe(true);

    expect(await second.setExpectedSchemaVersion(root, null)).toEqual({ kind: 'ok' });
    const cleared = second.getSnapshot();
    expect(cleared.roots[0].expectedSchemaVersion ?? null).toBeNull();
    expect(ring(cleared).generations.map((g) => [g.healthy, g.findings.length])).toEqual([[true, 0], [true, 0], [true, 0]]);
    expect(ring(cleared).fallbackId).toBe(ring(cleared).currentId);
    expect(JSON.parse(await readFile(settingsPath, 'utf8')).expectedSchema).toBeUndefined();
    expect(await second.setExpectedSchemaVersion(join(base, 'elsewhere'), '4')).toMatchObject({ kind: 'error', code: 'not_found' });
  });

  it('keeps a damaged settings file aside, says so, and carries on', async () => {
    await mkdir(join(base, 'config'));
    await writeFile(settingsPath, '{"roots": [');
    const engine = await createEngine({ settingsPath, host: 'electron', watch: false });
    engines.push(engine);
    expect(engine.startupNotices).toHaveLength(1);
    const notice = await new Promise<EngineEvent>((resolve) => engine.onEvent((e) => e.type === 'notice' && resolve(e)));
    expect(notice.type === 'notice' && notice.message).toMatch(/damaged/);
    const names = await readdir(join(base, 'config'));
    expect(names.some((n) => n.startsWith('settings.json.corrupt-'))).toBe(true);
    writeNumbered(root, 1);
    expect(await engine.addRoot(root)).toEqual({ kind: 'ok' });
    expect(JSON.parse(await readFile(settingsPath, 'utf8')).roots).toEqual([root]);
  });
});

describe('engine reading and the roots guard', () => {
  it('reads a healthy generation decoded, a broken one raw, and lists members', async () => {
    writeRingWithTruncatedCurrent(root);
    const engine = await start({ watch: false });
    await engine.whenIdle();
    const family = familyWith(engine.getSnapshot(), 'agent.json')!;
    const healthy = family.generations.find((g) => g.mainPath === 'agent.1.json')!;
    const content = await engine.readGeneration(healthy.id);
    expect(content.view).toBe('decoded');
    expect(content.language).toBe('json');
    expect(content.text).toContain('18446744073709551617');
    expect(content.members).toEqual(['agent.1.json']);
    const broken = family.generations.find((g) => g.mainPath === 'agent.json')!;
    const raw = await engine.readGeneration(broken.id, 'agent.json');
    expect(raw.view).toBe('raw');
    expect(raw.findings.some((f) => f.code === 'json.truncated')).toBe(true);
    for (const f of raw.findings) if (f.offset !== undefined) expect(raw.locations[`offset:${f.offset}`]).toBeDefined();
  });

  it('refuses .. and symbolic links out of the roots, and unknown generations', async () => {
    writeRingWithTruncatedCurrent(root);
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'secret.json'), '{"password": "hunter2"}');
    const engine = await start({ watch: false });
    await engine.whenIdle();
    const family = familyWith(engine.getSnapshot(), 'agent.json')!;
    const gen = family.generations.find((g) => g.mainPath === 'agent.1.json')!;
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code);
    expect(await codeOf(engine.readGeneration(gen.id, '../outside/secret.json'))).toBe('outside_roots');
    expect(await codeOf(engine.readGeneration(gen.id, '/etc/passwd'))).toBe('outside_roots');
    expect(await codeOf(engine.readGeneration(gen.id, 'agent.2.json'))).toBe('not_found');
    expect(await codeOf(engine.readGeneration(`${family.id}#nope.json`))).toBe('not_found');
    // The generation's own file swapped for a link to a secret after the scan.
    await unlink(join(root, 'agent.1.json'));
    await symlink(join(base, 'outside', 'secret.json'), join(root, 'agent.1.json'));
    expect(await codeOf(engine.readGeneration(gen.id))).toBe('outside_roots');
  });

  it('never lists a file reached through a link that leaves the roots', async () => {
    await mkdir(join(base, 'outside'));
    python('import json, sys\njson.dump({"step": 1}, open(sys.argv[1], "w"))', join(base, 'outside', 'state.json'));
    await symlink(join(base, 'outside', 'state.json'), join(root, 'state.json'));
    const engine = await start({ watch: false });
    await engine.whenIdle();
    expect(mainPaths(engine.getSnapshot())).toEqual([]);
    expect(engine.getSnapshot().roots[0].error).toMatch(/outside the folders you added/);
    expect(engine.stats().analyze).toBe(0);
  });
});
