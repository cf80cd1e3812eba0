import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAndHash, readHead } from './read-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ckpt-read-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readAndHash', () => {
  it('hashes and keeps the bytes under the limit', async () => {
    const content = Buffer.from('{"step": 7}'.repeat(100_000));
    await writeFile(join(dir, 'a.json'), content);
    const out = await readAndHash(join(dir, 'a.json'), 10 * 1024 * 1024);
    expect(out.kind).toBe('read');
    if (out.kind !== 'read') return;
    expect(out.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(out.size).toBe(content.length);
    expect(Buffer.from(out.bytes!).equals(content)).toBe(true);
    expect(out.stable).toBe(true);
  });

  it('keeps small and large files as bytes of their own, and skips the hash when asked', async () => {
    for (const size of [10, 4095, 4096, 3 * 1024 * 1024 + 17]) {
      const content = Buffer.alloc(size, 0x61);
      await writeFile(join(dir, 'f.json'), content);
      const out = await readAndHash(join(dir, 'f.json'), 10 * 1024 * 1024);
      const bare = await readAndHash(join(dir, 'f.json'), 10 * 1024 * 1024, { hash: false });
      if (out.kind !== 'read' || bare.kind !== 'read') throw new Error('not read');
      expect(Buffer.from(out.bytes!).equals(content)).toBe(true);
      expect(Buffer.from(bare.bytes!).equals(content)).toBe(true);
      // The bytes own their memory (no view into Buffer's shared pool): safe to transfer or keep.
      expect(out.bytes!.byteOffset).toBe(0);
      expect(out.bytes!.buffer.byteLength).toBe(size);
      expect(out.sha256).toBe(createHash('sha256').update(content).digest('hex'));
      expect(bare.sha256).toBe('');
    }
  });

  it('hashes but does not keep a file above the limit', async () => {
    await writeFile(join(dir, 'big.json'), Buffer.alloc(5000, 0x20));
    const out = await readAndHash(join(dir, 'big.json'), 1000);
    expect(out.kind === 'read' && out.bytes === null && out.size === 5000 && out.sha256.length === 64).toBe(true);
  });

  it('reports a vanished file quietly', async () => {
    expect((await readAndHash(join(dir, 'gone.json'))).kind).toBe('vanished');
  });

  it('reports a folder as unreadable rather than throwing', async () => {
    const out = await readAndHash(dir);
    expect(out.kind).toBe('unreadable');
  });

  it('says a file that keeps growing while it is read is not stable', async () => {
    const path = join(dir, 'growing.json');
    const stop = join(dir, 'stop');
    const writer = spawn('python3', ['-c', [
      'import os, sys, time',
      'path, stop = sys.argv[1], sys.argv[2]',
      'with open(path, "wb") as f:',
      '    f.write(b" " * (8 << 20)); f.flush()',
      '    deadline = time.time() + 20',
      '    while not os.path.exists(stop) and time.time() < deadline:',
      '        f.write(b"x" * 4096); f.flush(); time.sleep(0.001)',
    ].join('\n'), path, stop]);
    const exited = new Promise((done) => writer.once('exit', done));
    try {
      await expect.poll(() => existsSync(path) && statSync(path).size > 8 << 20, { timeout: 10_000 }).toBe(true);
      const out = await readAndHash(path);
      expect(out.kind === 'read' && out.stable).toBe(false);
    } finally {
      await writeFile(stop, '');
      await exited;
    }
  });

  it('reads the head of a file', async () => {
    await writeFile(join(dir, 'h.txt'), 'abcdef');
    const head = await readHead(join(dir, 'h.txt'), 3);
    expect(Buffer.from(head.bytes).toString()).toBe('abc');
    expect(head.size).toBe(6);
  });
});
