import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli';
import { python, tempDir } from './engine/test-fixtures';
import { writeDriftFixtures } from './engine/test-support/drift-fixtures';

let base: string;

beforeAll(async () => {
  base = await tempDir('ckpt-cli-diff-');
  writeDriftFixtures(base);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Run the CLI in-process and capture what it prints. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: async (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    color: false,
    env: { ...process.env, CKPT_DOCTOR_SETTINGS: join(base, 'settings.json') },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

interface DriftJson {
  source: string;
  loader: string;
  entries: { pointer: string; pre: { type: string; value: string }; post: { type: string; value: string }; verdict: string }[];
}

describe('ckpt-doctor diff', () => {
  it('reports seed 000 phase_outputs emptied between generations, with exit code 1', async () => {
    const r = await run('diff', '--json', join(base, 'queue/current_work.1.json'), join(base, 'queue/current_work.json'));
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { summary: Record<string, number>; changes: { kind: string; pointer: string; before?: unknown; after?: unknown }[] };
    expect(doc.summary).toEqual({ added: 0, removed: 1, changed: 1, typeChanged: 0 });
    expect(doc.changes).toContainEqual({ kind: 'changed', pointer: '/active_tasks/0/phase', before: 'lit_review', after: 'supervision' });
    const removed = doc.changes.find((c) => c.kind === 'removed');
    expect(removed?.pointer).toBe('/active_tasks/0/phase_outputs/lit_result');
    expect(removed?.before).toEqual({ report: '14 of 22 papers', retrieved_at: '2026-05-04T00:00:00' });
  });

  it('keeps integers past 2**64 exact and says type changes, in JSON and text', async () => {
    const dir = join(base, 'bigint');
    python(
      `import json, os, sys
os.makedirs(sys.argv[1], exist_ok=True)
json.dump({"id": 2**64, "n": 1, "shape": [1, 2]}, open(os.path.join(sys.argv[1], "a.json"), "w"))
json.dump({"id": 2**64 + 1, "n": 1.0, "shape": [1, 2]}, open(os.path.join(sys.argv[1], "b.json"), "w"))`,
      dir,
    );
    const r = await run('diff', '--json', join(dir, 'a.json'), join(dir, 'b.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"before": 18446744073709551616, "after": 18446744073709551617');
    expect(JSON.parse(r.stdout).summary).toEqual({ added: 0, removed: 0, changed: 1, typeChanged: 1 });
    const text = await run('diff', join(dir, 'a.json'), join(dir, 'b.json'));
    expect(text.stdout).toContain('0 added, 0 removed, 1 changed, 1 type changed');
    expect(text.stdout).toMatch(/! type\s+\/n\s+1 → 1\.0/);
  });

  it('exits 0 on identical files and 2 on usage errors', async () => {
    const same = await run('diff', join(base, 'inferred/state.json'), join(base, 'manifest/state.json'));
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No differences');
    expect((await run('diff', join(base, 'inferred/state.json'))).code).toBe(2);
    const missing = await run('diff', join(base, 'nope.json'), join(base, 'inferred/state.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });
});

describe('ckpt-doctor drift', () => {
  it('uses the pickle twin of a default=str checkpoint by default, with Python type names', async () => {
    const r = await run('drift', '--json', join(base, 'default-str/state.json'));
    const doc = JSON.parse(r.stdout) as DriftJson;
    expect(doc.source).toBe('pickle');
    expect(doc.loader).toBe('python');
    const by = new Map(doc.entries.map((e) => [e.pointer, e]));
    expect(by.get('/started_at')).toMatchObject({ pre: { type: 'datetime' }, post: { type: 'str' }, verdict: 'coerced' });
    expect(by.get('/day')).toMatchObject({ pre: { type: 'date' }, verdict: 'coerced' });
    expect(by.get('/budget_left')?.pre.type).toBe('timedelta');
    expect(by.get('/cost')?.pre.type).toBe('Decimal');
    expect(by.get('/shape')).toMatchObject({ pre: { type: 'tuple' }, post: { type: 'list' }, verdict: 'coerced' });
    expect(by.get('/seen')).toMatchObject({ pre: { type: 'set' }, post: { type: 'str' }, verdict: 'lossy' });
    expect(by.get('/papers_per_year')).toMatchObject({ pre: { type: 'dict[int]' }, post: { type: 'dict[str]' } });
    expect(by.get('/output_path')?.pre.type).toMatch(/PosixPath/);
    // 2**64+1 and NaN survive json.load: not listed.
    expect(by.has('/big_id')).toBe(false);
    expect(by.has('/loss')).toBe(false);
    expect(r.code).toBe(1);
  });

  it('flags the big int under JSON.parse', async () => {
    const doc = JSON.parse((await run('drift', '--json', '--loader', 'js', join(base, 'default-str/state.json'))).stdout) as DriftJson;
    expect(doc.loader).toBe('js');
    expect(doc.entries.find((e) => e.pointer === '/big_id')?.verdict).toBe('lossy');
  });

  it("calls the seed encoder's bytes placeholder lossy", async () => {
    const doc = JSON.parse((await run('drift', '--json', join(base, 'encoder/work.json'))).stdout) as DriftJson;
    expect(doc.source).toBe('pickle');
    expect(doc.entries.find((e) => e.pointer === '/image_bytes')).toMatchObject({ pre: { type: 'bytes' }, verdict: 'lossy' });
    expect(doc.entries.find((e) => e.pointer === '/started_at')?.verdict).toBe('coerced');
  });

  it('reads the manifest beside the file, else infers and says so', async () => {
    const manifest = JSON.parse((await run('drift', '--json', join(base, 'manifest/state.json'))).stdout) as DriftJson;
    expect(manifest.source).toBe('manifest');
    expect(manifest.entries.find((e) => e.pointer === '/shape')?.pre.type).toBe('tuple');
    const inferred = await run('drift', join(base, 'inferred/state.json'));
    expect(inferred.stdout).toContain('types inferred from the JSON alone');
    const json = JSON.parse((await run('drift', '--json', join(base, 'inferred/state.json'))).stdout) as DriftJson;
    expect(json.source).toBe('inferred');
    expect(json.entries.find((e) => e.pointer === '/started_at')?.pre.type).toBe('datetime');
  });

  it('takes --pre and refuses bad options', async () => {
    const r = JSON.parse((await run('drift', '--json', '--pre', join(base, 'default-str/state.pkl'), join(base, 'inferred/state.json'))).stdout) as DriftJson;
    expect(r.source).toBe('pickle');
    expect((await run('drift', '--loader', 'ruby', join(base, 'inferred/state.json'))).code).toBe(2);
    expect((await run('drift', join(base, 'default-str/state.pkl'))).code).toBe(2);
    expect((await run('diff', '--pre', 'x', 'a', 'b')).code).toBe(2);
  });
});
