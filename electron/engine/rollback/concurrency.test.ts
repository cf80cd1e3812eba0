/**
 * A real concurrent writer: python3 rewrites the checkpoint in a loop, atomically (temp file +
 * os.replace), as a running job does. The rollback must refuse while it runs, succeed once it has
 * stopped and the quiet period has passed, and no reader may ever see a torn file.
 */
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeRollback } from './execute-rollback';
import { planRollback } from './plan';
import { ageTree, snapshotTree } from './test-support/folder-tree';
import { makeRing, sha256Of, startWriter } from './test-support/python-checkpoints';

let root: string;
let dir: string;
let writer: ChildProcess | null = null;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ckpt-concurrency-'));
  dir = join(root, 'job');
  await mkdir(dir);
});

afterEach(async () => {
  if (writer && writer.exitCode === null && writer.signalCode === null) {
    writer.kill('SIGKILL');
    await new Promise((resolve) => writer?.once('exit', resolve));
  }
  writer = null;
  await rm(root, { recursive: true, force: true });
});

// Short, as the quiet period goes, yet longer than any stall of the writer on a busy test machine.
const QUIET_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function planNow() {
  return planRollback({
    dir,
    familyName: 'agent',
    current: [{ path: 'agent.json', sha256: await sha256Of(join(dir, 'agent.json')) }],
    target: [{ path: 'agent.1.json', sha256: await sha256Of(join(dir, 'agent.1.json')) }],
    mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
  });
}

describe('a rollback beside a live writer', () => {
  it('is refused while python rewrites the checkpoint and succeeds after it stops; no torn file is ever seen', async () => {
    await makeRing(dir, 'agent', 2);
    const stopFile = join(root, 'stop');
    const proc = startWriter(join(dir, 'agent.json'), stopFile);
    writer = proc;
    const output: string[] = [];
    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => output.push(chunk));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the writer did not start')), 15_000);
      proc.stdout?.on('data', () => {
        if (output.join('').includes('started')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

    // A reader, as a resuming job would be, parsing the checkpoint the whole time.
    let reading = true;
    let reads = 0;
    const torn: string[] = [];
    const reader = (async () => {
      while (reading) {
        const text = await readFile(join(dir, 'agent.json'), 'utf8');
        try {
          JSON.parse(text);
        } catch {
          torn.push(text.slice(-40));
        }
        reads += 1;
        await sleep(1);
      }
    })();

    try {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const result = await executeRollback(await planNow(), { roots: [root], quietPeriodMs: QUIET_MS });
        expect(result).toMatchObject({ kind: 'refused', code: 'writer_active' });
        if (result.kind !== 'refused') return;
        expect(result.retryAfterMs).toBeGreaterThan(0);
        expect(result.retryAfterMs).toBeLessThanOrEqual(QUIET_MS);
        expect(result.message).toMatch(/^A writer was active [\d.]+ s ago .*; retry after [\d.]+ s/);
        // Refused means untouched: not even our own folder was created.
        await expect(stat(join(dir, '.ckpt-doctor'))).rejects.toMatchObject({ code: 'ENOENT' });
        await sleep(30);
      }

      await writeFile(stopFile, '');
      expect(await exited).toBe(0);
      expect(output.join('')).toMatch(/stopped \d+/);

      let result = await executeRollback(await planNow(), { roots: [root], quietPeriodMs: QUIET_MS });
      let waits = 0;
      while (result.kind === 'refused' && result.code === 'writer_active' && waits < 5) {
        waits += 1;
        await sleep(result.retryAfterMs ?? QUIET_MS);
        result = await executeRollback(await planNow(), { roots: [root], quietPeriodMs: QUIET_MS });
      }
      expect(result.kind, JSON.stringify(result)).toBe('ok');
      // One wait of the time it named is enough: the refusal's retry time is the truth.
      expect(waits).toBeLessThanOrEqual(1);
      expect(await sha256Of(join(dir, 'agent.json'))).toBe(await sha256Of(join(dir, 'agent.1.json')));
      await sleep(20);
    } finally {
      reading = false;
      await reader;
    }
    expect(reads).toBeGreaterThan(10);
    expect(torn).toEqual([]);
  }, 60_000);

  it('counts a temp file being written beside the family as a live writer, and an old leftover as none', async () => {
    const written = await makeRing(dir, 'agent', 2);
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: written['agent.json'] }],
      target: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    });
    // Python's tempfile default: a name that shares nothing with the family's.
    await writeFile(join(dir, 'tmpk2x9q1ab.tmp'), '{"state": {"step": 1');
    const before = await snapshotTree(dir);
    const busy = await executeRollback(plan, { roots: [root], quietPeriodMs: 5_000 });
    expect(busy).toMatchObject({ kind: 'refused', code: 'writer_active' });
    expect(await snapshotTree(dir)).toEqual(before);

    await ageTree(dir);
    const quiet = await executeRollback(plan, { roots: [root], quietPeriodMs: 5_000 });
    expect(quiet.kind).toBe('ok');
  });

  it('counts a rename in the family\'s folder as a write even when no file mtime is recent', async () => {
    const written = await makeRing(dir, 'agent', 3);
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: written['agent.json'] }],
      target: [{ path: 'agent.1.json', sha256: written['agent.1.json'] }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    });
    // A rotation step renames without writing: file mtimes stay old, the folder's changes.
    await rename(join(dir, 'agent.2.json'), join(dir, 'agent.3.json'));
    const result = await executeRollback(plan, { roots: [root], quietPeriodMs: 5_000 });
    expect(result).toMatchObject({ kind: 'refused', code: 'writer_active' });
    if (result.kind === 'refused') expect(result.message).toContain('changed');
  });
});
