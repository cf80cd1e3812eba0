/**
 * The save-time manifest end to end: python/ckpt_types.py writes it next to a JSON checkpoint,
 * this side parses it and judges the JSON against it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../model/value';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { computeDrift } from './compute-drift';
import { parseTypeManifest, typeManifestPath } from './type-manifest';
import type { TypeManifest } from './types';

const PYTHON_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../python');
let dir: string;

function python(script: string): string {
  return execFileSync('python3', ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})\n${script}`], { cwd: dir, encoding: 'utf8' });
}

function loadJson(name: string): Value {
  const r = parsePythonJson(new Uint8Array(readFileSync(join(dir, name))), name);
  if (r.kind !== 'ok') throw new Error(`${name}: ${JSON.stringify(r.findings)}`);
  return r.value;
}

function manifestFor(name: string): TypeManifest {
  const parsed = parseTypeManifest(loadJson(typeManifestPath(name)));
  if (parsed.kind !== 'manifest') throw new Error(parsed.error);
  return parsed;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ckpt-types-'));
  python(`
import collections, datetime, decimal, enum, json, pathlib
from ckpt_types import write_type_manifest

class Stage(enum.IntEnum):
    TRAIN = 2

class Opaque:
    pass

state = {
    "created": datetime.datetime(2026, 5, 25, 13, 4, 5, tzinfo=datetime.timezone.utc),
    "day": datetime.date(2026, 5, 25),
    "elapsed": datetime.timedelta(minutes=3),
    "budget": decimal.Decimal("10.50"),
    "shape": (3, 4),
    "tags": {"alpha"},
    "by_step": {1: "warmup", 2: "train"},
    "blob": b"\\x00\\x01\\x02",
    "out": pathlib.PurePosixPath("/runs/7/out.png"),
    "big": 2**64 + 1,
    "loss": float("nan"),
    "stage": Stage.TRAIN,
    "counts": collections.Counter(a=2),
    "helper": Opaque(),
    "a/b": [(1, 2)],
}
json.dump(state, open("state.json", "w"), default=str)
write_type_manifest(state, "state.json")

# The same state through seed 000's style of encoder (isoformat, placeholder bytes).
class Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.date)):
            return o.isoformat()
        if isinstance(o, bytes):
            return f"<bytes: {len(o)} bytes skipped>"
        return str(o)
json.dump(state, open("encoded.json", "w"), cls=Encoder)
write_type_manifest(state, "encoded.json")

# A manifest whose JSON lost a key on the way.
short = dict(state)
del short["day"]
json.dump(short, open("short.json", "w"), default=str)
write_type_manifest(state, "short.json")

json.dump({"format": "ckpt-types/9", "types": {}}, open("future.types.json", "w"))
json.dump({"format": "ckpt-types/1", "types": {"no-slash": {"type": "x.y", "repr": "r"}, "/ok": {"type": "builtins.tuple", "repr": "(1,)"}, "/bad": {"repr": "r"}}}, open("partial.types.json", "w"))
json.dump([1, 2], open("list.types.json", "w"))
`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('python/ckpt_types.py', () => {
  it('passes its own unittest suite', () => {
    const out = execFileSync('python3', ['-m', 'unittest', join(PYTHON_DIR, 'test_ckpt_types.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });
});

describe('parseTypeManifest', () => {
  it('reads a manifest written by write_type_manifest', () => {
    const m = manifestFor('state.json');
    expect(m.format).toBe('ckpt-types/1');
    expect(m.types.get('/created')).toMatchObject({ type: 'datetime.datetime', str: '2026-05-25 13:04:05+00:00' });
    expect(m.types.get('/by_step')).toMatchObject({ type: 'builtins.dict', keys: ['builtins.int'] });
    expect(m.types.get('/a~1b/0')).toMatchObject({ type: 'builtins.tuple', len: 2 });
    expect(m.types.has('/big')).toBe(false);
    expect(m.skipped).toEqual([]);
  });

  it('refuses unknown formats and non-objects, and skips malformed entries', () => {
    const future = parseTypeManifest(loadJson('future.types.json'));
    expect(future).toMatchObject({ kind: 'error' });
    expect(future.kind === 'error' && future.error).toMatch(/ckpt-types\/9/);
    expect(parseTypeManifest(loadJson('list.types.json')).kind).toBe('error');
    const partial = parseTypeManifest(loadJson('partial.types.json'));
    expect(partial.kind).toBe('manifest');
    if (partial.kind !== 'manifest') return;
    expect([...partial.types.keys()]).toEqual(['/ok']);
    expect(partial.skipped.map((s) => s.pointer).sort()).toEqual(['/bad', 'no-slash']);
  });
});

describe('computeDrift from a manifest', () => {
  it('gives the expected verdict per pointer for json.dumps(default=str)', () => {
    const r = computeDrift({ post: loadJson('state.json'), pre: null, preSource: 'manifest', manifest: manifestFor('state.json') });
    expect(r.source).toBe('manifest');
    expect(Object.fromEntries(r.entries.map((e) => [e.pointer, e.verdict]))).toEqual({
      '/created': 'coerced',
      '/day': 'coerced',
      '/elapsed': 'coerced',
      '/budget': 'coerced',
      '/shape': 'coerced',
      '/tags': 'lossy',
      '/by_step': 'coerced',
      '/blob': 'coerced',
      '/out': 'coerced',
      '/stage': 'coerced',
      '/counts': 'coerced',
      '/helper': 'lossy',
      '/a~1b/0': 'coerced',
    });
    const byStep = r.entries.find((e) => e.pointer === '/by_step');
    expect(byStep?.pre.type).toBe('dict[int]');
    expect(byStep?.post.type).toBe('dict[str]');
    expect(r.entries.find((e) => e.pointer === '/stage')?.pre.type).toMatch(/\.Stage$/);
  });

  it('sees the custom encoder lose the bytes and keep the datetimes', () => {
    const r = computeDrift({ post: loadJson('encoded.json'), pre: null, preSource: 'manifest', manifest: manifestFor('encoded.json'), loader: 'js' });
    const v = Object.fromEntries(r.entries.map((e) => [e.pointer, e.verdict]));
    expect(v['/created']).toBe('coerced');
    expect(v['/blob']).toBe('lossy');
    expect(v['/tags']).toBe('lossy');
    // The js loader adds what JSON.parse loses, which no manifest entry mentions.
    expect(v['/big']).toBe('lossy');
    expect(v['/loss']).toBe('lossy');
  });

  it('reports a manifest entry whose place the JSON lacks as dropped', () => {
    const r = computeDrift({ post: loadJson('short.json'), pre: null, preSource: 'manifest', manifest: manifestFor('short.json') });
    const dropped = r.entries.filter((e) => e.verdict === 'dropped');
    expect(dropped).toEqual([expect.objectContaining({ pointer: '/day', pre: { type: 'date', value: 'datetime.date(2026, 5, 25)' } })]);
    expect(r.counts.dropped).toBe(1);
  });
});
