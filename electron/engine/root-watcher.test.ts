/**
 * The watcher against the real file system: real chokidar events from writes made by another
 * process (python3), as a job writing checkpoints makes them. It must hold a file back while its
 * writer is still writing it, report it once the write ends, and coalesce bursts of events.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WRITE_SETTLE_MS, watchRoot, type RootChange, type RootWatcher } from './root-watcher';
import { tempDir } from './test-fixtures';

let root: string;
const watchers: RootWatcher[] = [];

beforeEach(async () => {
  root = await tempDir('ckpt-watch-');
});

afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  await rm(root, { recursive: true, force: true });
});

interface Call {
  readonly at: number;
  readonly change: RootChange | null;
  /** What `inspect` saw when the call came. */
  readonly seen: unknown;
}

/** Watch `root` with the default timings, recording every call and what `inspect` says at that moment. */
async function watch(inspect: () => unknown = () => null): Promise<Call[]> {
  const calls: Call[] = [];
  const watcher = watchRoot(root, {
    onChange: (change) => calls.push({ at: Date.now(), change, seen: inspect() }),
    onError: (message) => {
      throw new Error(message);
    },
  });
  watchers.push(watcher);
  await watcher.ready;
  return calls;
}

/** Run Python in a separate process; resolves with the time it exited. */
function pythonChild(code: string, ...args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve(Date.now()) : reject(new Error(`python exited ${code}: ${err}`))));
  });
}

async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The JSON `slowWriter` writes, and its length. */
const CHUNKS = 80;
const expectedText = JSON.stringify({ schema_version: 1, step: 3, items: Array.from({ length: CHUNKS * 40 }, (_, i) => i) });

/**
 * Writes `expectedText` in place (no temp file, no rename) in CHUNKS pieces, flushing each to the
 * file and pausing a few milliseconds between them: about half a second in all, ten times the
 * settle window, so a watcher without a stability check would report the file many times mid-write.
 */
const slowWriter = [
  'import sys, time',
  'path, text, chunks = sys.argv[1], sys.argv[2], int(sys.argv[3])',
  'step = -(-len(text) // chunks)',
  'with open(path, "w") as f:',
  '    for i in range(0, len(text), step):',
  '        f.write(text[i:i + step]); f.flush()',
  '        time.sleep(0.004)',
].join('\n');

/** The file's state when a call arrives: 'missing', 'partial' or 'complete'. */
function stateOf(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'missing';
  }
  return text === expectedText ? 'complete' : 'partial';
}

describe('watchRoot', () => {
  it('holds back a file while a slow writer is still writing it, and reports it once the write ends', async () => {
    const path = join(root, 'ckpt_003.json');
    const calls = await watch(() => stateOf(path));
    const started = Date.now();
    const exited = await pythonChild(slowWriter, path, expectedText, String(CHUNKS));
    // The writer took many settle windows, so the check had something to hold back.
    expect(exited - started).toBeGreaterThan(4 * WRITE_SETTLE_MS);
    await until(() => calls.some((c) => c.seen === 'complete'));
    // Every report saw the finished file: none came while the writer was mid-write.
    expect(calls.map((c) => c.seen)).toEqual(calls.map(() => 'complete'));
    expect(calls.every((c) => c.at >= exited - 5)).toBe(true);
    expect(calls[0].change).toEqual({ dirs: [root] });
  });

  it('reports a checkpoint written to a temp file and renamed into place, complete', async () => {
    const path = join(root, 'ckpt_004.json');
    const calls = await watch(() => stateOf(path));
    await pythonChild(
      ['import os, sys', 'path, text = sys.argv[1], sys.argv[2]', 'with open(path + ".tmp", "w") as f:', '    f.write(text)', 'os.replace(path + ".tmp", path)'].join('\n'),
      path,
      expectedText,
    );
    await until(() => calls.length > 0);
    expect(calls[0]).toMatchObject({ seen: 'complete', change: { dirs: [root] } });
  });

  it('coalesces a burst of writes in several folders into few calls naming each folder', async () => {
    await mkdir(join(root, 'a'));
    await mkdir(join(root, 'b'));
    const calls = await watch();
    await pythonChild(
      ['import os, sys', 'for d in ("a", "b"):', '    for i in range(20):', '        open(os.path.join(sys.argv[1], d, "ckpt_%03d.json" % i), "w").write("{}")'].join('\n'),
      root,
    );
    await until(() => new Set(calls.flatMap((c) => c.change?.dirs ?? [])).size === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.every((c) => c.change !== null)).toBe(true);
    expect(new Set(calls.flatMap((c) => c.change!.dirs))).toEqual(new Set([join(root, 'a'), join(root, 'b')]));
  });

  it('still reports while a steady stream of new files keeps coming', async () => {
    const calls = await watch();
    // A new file every ~12 ms for about 1.5 s: never quiet for a whole debounce period.
    const exited = await pythonChild(
      ['import os, sys, time', 'for i in range(120):', '    open(os.path.join(sys.argv[1], "ckpt_%03d.json" % i), "w").write("{}")', '    time.sleep(0.012)'].join('\n'),
      root,
    );
    expect(calls.filter((c) => c.at < exited).length).toBeGreaterThanOrEqual(2);
  });
});
