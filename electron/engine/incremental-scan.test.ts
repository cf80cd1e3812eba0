/**
 * A watcher's file change lists again only the directories it touched (`relistTree`); the snapshot
 * must be exactly what a full scan of the same folder gives.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RootState, WorkspaceSnapshot } from '../../shared/model/workspace';
import { createEngine, type Engine } from './engine';
import * as listTreeModule from './list-tree';
import { tempDir, waitForSnapshot, writeNumbered } from './test-fixtures';

vi.mock('./list-tree', async (importOriginal) => {
  const actual = await importOriginal<typeof listTreeModule>();
  return { ...actual, listTree: vi.fn(actual.listTree), relistTree: vi.fn(actual.relistTree) };
});

let base: string;
let root: string;
const engines: Engine[] = [];

async function start(watch: boolean, name: string): Promise<Engine> {
  const engine = await createEngine({ settingsPath: join(base, name, 'settings.json'), host: 'serve', roots: [root], watch, debounceMs: 30 });
  engines.push(engine);
  return engine;
}

/** Run Python in a separate process, as the job that writes checkpoints would. */
function pythonChild(code: string, ...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}: ${err}`))));
  });
}

/** The roots without what changes from one scan to the next of the same files. */
const content = (s: WorkspaceSnapshot): readonly RootState[] => s.roots;

async function fullScan(): Promise<readonly RootState[]> {
  const engine = await start(false, `fresh-${engines.length}`);
  await engine.whenIdle();
  const roots = content(engine.getSnapshot());
  await engine.close();
  return roots;
}

/** Wait until the watching engine shows what a full scan shows, then compare once more when idle. */
async function expectSameAsFullScan(engine: Engine): Promise<void> {
  const expected = await fullScan();
  await waitForSnapshot(
    (l) => engine.onEvent(l),
    () => engine.getSnapshot(),
    (s) => s.progress === null && JSON.stringify(content(s)) === JSON.stringify(expected),
    10_000,
  ).catch(() => undefined);
  await engine.whenIdle();
  expect(content(engine.getSnapshot())).toEqual(expected);
}

const WRITE = [
  'import json, os, sys',
  'path, step = sys.argv[1], int(sys.argv[2])',
  'tmp = path + ".tmp"',
  'with open(tmp, "w") as f:',
  '    json.dump({"schema_version": 1, "step": step, "items": list(range(step))}, f)',
  'os.replace(tmp, path)',
].join('\n');

beforeEach(async () => {
  base = await tempDir('ckpt-incremental-');
  root = join(base, 'checkpoints');
  await mkdir(root);
});

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await rm(base, { recursive: true, force: true });
});

describe('incremental rescans', () => {
  it('give the same snapshot as a full scan after writes, deletes and renames in different folders', async () => {
    for (const d of ['run_a', 'run_b', 'nested/run_c']) {
      await mkdir(join(root, d), { recursive: true });
      writeNumbered(join(root, d), 3);
    }
    await mkdir(join(root, 'gens', 'step-100'), { recursive: true });
    await mkdir(join(root, 'gens', 'step-200'), { recursive: true });
    await pythonChild(WRITE, join(root, 'gens', 'step-100', 'state.json'), '100');
    await pythonChild(WRITE, join(root, 'gens', 'step-200', 'state.json'), '200');
    writeNumbered(root, 2);

    const engine = await start(true, 'watching');
    await engine.whenIdle();
    await expectSameAsFullScan(engine);
    const listTree = vi.mocked(listTreeModule.listTree);
    const relistTree = vi.mocked(listTreeModule.relistTree);
    const fullBefore = listTree.mock.calls.length;
    relistTree.mockClear();

    // A new generation in one folder, an overwrite in another, then a delete and a rename across folders.
    await pythonChild(WRITE, join(root, 'run_a', 'ckpt_003.json'), '3');
    await expectSameAsFullScan(engine);
    await pythonChild(WRITE, join(root, 'nested', 'run_c', 'ckpt_001.json'), '7');
    await expectSameAsFullScan(engine);
    await pythonChild('import os, sys\nos.remove(sys.argv[1])', join(root, 'run_b', 'ckpt_002.json'));
    await expectSameAsFullScan(engine);
    await pythonChild('import os, sys\nos.rename(sys.argv[1], sys.argv[2])', join(root, 'run_b', 'ckpt_001.json'), join(root, 'run_a', 'ckpt_004.json'));
    await expectSameAsFullScan(engine);
    // A file inside a step-NNN/ generation directory changes its parent's listing.
    await pythonChild(WRITE, join(root, 'gens', 'step-200', 'state.json'), '250');
    await expectSameAsFullScan(engine);
    // A file at the root, and a broken one.
    await pythonChild('import sys\nopen(sys.argv[1], "w").write("{\\"schema_version\\": 1, \\"st")', join(root, 'ckpt_002.json'));
    await expectSameAsFullScan(engine);
    // Only files changed so far: every change was applied by listing again only its folders.
    const applied = relistTree.mock.settledResults.map((r) => (r.type === 'fulfilled' ? r.value !== null : false));
    expect(applied.length).toBeGreaterThanOrEqual(6);
    expect(applied.every(Boolean)).toBe(true);
    expect(listTree.mock.calls.length - fullBefore).toBe(6); // the fresh engines' scans only

    // A new directory lists everything again, and is still exact.
    await mkdir(join(root, 'gens', 'step-300'));
    await pythonChild(WRITE, join(root, 'gens', 'step-300', 'state.json'), '300');
    await expectSameAsFullScan(engine);
    await pythonChild(WRITE, join(root, 'run_a', 'ckpt_005.json'), '5');
    await expectSameAsFullScan(engine);
  });
});
