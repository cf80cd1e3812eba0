import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkerJobError, createWorkerPool, type WorkerPool } from './worker-pool';

let dir: string;
const pools: WorkerPool[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ckpt-pool-'));
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('createWorkerPool', () => {
  it('hashes and checks files in worker threads, counting the jobs', async () => {
    const pool = createWorkerPool({ size: 2 });
    pools.push(pool);
    const texts = ['{"a": 1}', '{"b": [1, 2', '[]'];
    await Promise.all(texts.map((t, i) => writeFile(join(dir, `f${i}.json`), t)));
    const replies = await Promise.all(texts.map((_, i) => pool.run({ kind: 'analyze', path: join(dir, `f${i}.json`), file: `f${i}.json`, maxBytes: 1 << 20 })));
    replies.forEach((reply, i) => {
      expect(reply.kind).toBe('analyzed');
      if (reply.kind === 'analyzed') {
        expect(reply.sha256).toBe(createHash('sha256').update(texts[i]).digest('hex'));
        expect(reply.analysis.path).toBe(`f${i}.json`);
      }
    });
    const broken = replies[1];
    expect(broken.kind === 'analyzed' && broken.analysis.findings.some((f) => f.severity === 'error')).toBe(true);
    expect(pool.stats()).toEqual({ analyze: 3, read: 0, diff: 0, drift: 0, failed: 0 });
  });

  it('reports a file above the size limit as hashed but not decoded', async () => {
    const pool = createWorkerPool({ size: 1 });
    pools.push(pool);
    await writeFile(join(dir, 'big.json'), `[${'1,'.repeat(5000)}1]`);
    const reply = await pool.run({ kind: 'analyze', path: join(dir, 'big.json'), file: 'big.json', maxBytes: 1000 });
    expect(reply.kind === 'analyzed' && reply.analysis.findings.map((f) => f.code)).toEqual(['file.too_large']);
    expect(reply.kind === 'analyzed' && reply.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says a vanished file vanished', async () => {
    const pool = createWorkerPool({ size: 1 });
    pools.push(pool);
    expect(await pool.run({ kind: 'analyze', path: join(dir, 'gone.json'), file: 'gone.json', maxBytes: 1000 })).toEqual({ kind: 'vanished' });
  });

  it('abandons a job past its time limit instead of hanging, and fails queued jobs on close', async () => {
    const pool = createWorkerPool({ size: 1, jobTimeoutMs: 1 });
    await writeFile(join(dir, 'a.json'), '{}');
    const error = await pool.run({ kind: 'analyze', path: join(dir, 'a.json'), file: 'a.json', maxBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerJobError);
    expect((error as WorkerJobError).reason).toBe('timeout');
    expect((error as WorkerJobError).message).toMatch(/a\.json took longer/);
    const queued = pool.run({ kind: 'analyze', path: join(dir, 'a.json'), file: 'a.json', maxBytes: 1000 }).catch((e: WorkerJobError) => e.reason);
    await pool.close();
    expect(['closed', 'timeout']).toContain(await queued);
  });
});

describe('batches of small files', () => {
  it('gives every file of a batch its own answer: checked, vanished, unreadable, broken', async () => {
    const pool = createWorkerPool({ size: 1 });
    pools.push(pool);
    await writeFile(join(dir, 'good.json'), '{"a": 1}');
    await writeFile(join(dir, 'broken.json'), '{"b": [1, 2');
    await mkdir(join(dir, 'folder.json'));
    const names = ['good.json', 'first.json', 'gone.json', 'folder.json', 'broken.json', 'good.json'];
    await writeFile(join(dir, 'first.json'), '[]');
    const replies = await Promise.all(names.map((name) => pool.run({ kind: 'analyze', path: join(dir, name), file: name, maxBytes: 1 << 20, sizeHint: 10 })));
    const codes = replies.map((r) => (r.kind === 'vanished' ? 'vanished' : r.analysis.findings.filter((f) => f.severity === 'error').map((f) => f.code).join(',') || 'ok'));
    expect(codes[0]).toBe('ok');
    expect(codes[1]).toBe('ok');
    expect(codes[2]).toBe('vanished');
    expect(codes[3]).toBe('file.unreadable');
    expect(codes[4]).not.toBe('ok');
    expect(codes[5]).toBe('ok');
    replies.forEach((r, i) => {
      if (r.kind === 'analyzed') expect(r.analysis.path).toBe(names[i]);
    });
    expect(pool.stats()).toEqual({ analyze: 6, read: 0, diff: 0, drift: 0, failed: 0 });
  });

  it('runs the files of a batch past its time limit again one by one, each failing with its own message', async () => {
    const pool = createWorkerPool({ size: 1, jobTimeoutMs: 1 });
    pools.push(pool);
    const names = ['a.json', 'b.json', 'c.json'];
    await Promise.all(names.map((n) => writeFile(join(dir, n), '{}')));
    const errors = await Promise.all(
      names.map((name) => pool.run({ kind: 'analyze', path: join(dir, name), file: name, maxBytes: 1000, sizeHint: 2 }).catch((e: unknown) => e)),
    );
    errors.forEach((error, i) => {
      expect(error).toBeInstanceOf(WorkerJobError);
      expect((error as WorkerJobError).reason).toBe('timeout');
      expect((error as WorkerJobError).message).toContain(`Checking ${names[i]} took longer`);
    });
    expect(pool.stats()).toEqual({ analyze: 3, read: 0, diff: 0, drift: 0, failed: 3 });
  });
});
