import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../checks/analyze-file';
import type { DictValue, ListValue, Value } from '../../model/value';
import { walkValue } from '../../model/walk-value';
import { parsePythonJson } from '../json/parse-python-json';
import { decodePickle } from './decode-pickle';
import { decodeBase64, findEmbeddedPickles, mayHoldPickle } from './embedded-pickles';
import { seededRandom } from '../../test-support/seeded-random';

let dir = '';

function python(script: string): Buffer {
  return execFileSync('python3', ['-c', script], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pickle-embedded-'));
  mkdirSync(join(dir, 'episodes'));
  writeFileSync(join(dir, 'episodes', '__init__.py'), '');
  writeFileSync(
    join(dir, 'episodes', 'workflows.py'),
    `
class DownloadStepFailed(Exception):
    pass
`,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('findEmbeddedPickles', () => {
  it('judges the base64 pickles a workflow engine stores in step rows, at their pointers (seed 004)', () => {
    const json = python(`
import pickle, base64, json, os, sys
sys.path.insert(0, '.')
from episodes.workflows import DownloadStepFailed
class Call:
    def __init__(self, f, *args): self.f, self.args = f, args
    def __reduce__(self): return (self.f, self.args)
b64 = lambda obj, proto=None: base64.b64encode(pickle.dumps(obj, protocol=proto)).decode()
rows = {
  'workflow': 'episode-7-run-1',
  'steps': [
    {'function_name': 'download', 'output': b64({'bytes': 1234, 'path': '/data/7.mp3'}), 'error': None},
    {'function_name': 'transcribe', 'output': None, 'error': b64(DownloadStepFailed('episode 7: HTTP 503'), 2)},
    {'function_name': 'cleanup', 'output': b64(Call(os.system, 'touch SENTINEL'), 5), 'error': None},
    {'function_name': 'notes', 'output': 'gASTRONOMY is a word, not a pickle', 'error': None},
  ],
}
sys.stdout.write(json.dumps(rows))
`);
    const parsed = parsePythonJson(new Uint8Array(json), 'dbos.json');
    if (parsed.kind !== 'ok') throw new Error('expected ok JSON');
    const found = findEmbeddedPickles(parsed.value, 'dbos.json');
    expect(found.map((e) => e.pointer)).toEqual(['/steps/0/output', '/steps/1/error', '/steps/2/output']);

    expect(found[0].findings).toEqual([]);
    expect(found[0].decoded?.kind).toBe('dict');

    const [nonportable] = found[1].findings;
    expect(found[1].findings).toHaveLength(1);
    expect(nonportable).toMatchObject({ code: 'pickle.nonportable_class', severity: 'warning', pointer: '/steps/1/error', file: 'dbos.json' });
    expect(nonportable.message).toContain('episodes.workflows.DownloadStepFailed');
    expect(nonportable.message).toMatch(/^In the base64 pickle stored at \/steps\/1\/error/);
    expect(nonportable.offset).toBeUndefined();

    const unsafe = found[2].findings.filter((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe).toHaveLength(1);
    expect(unsafe[0]).toMatchObject({ severity: 'error', pointer: '/steps/2/output' });
    expect(unsafe[0].message).toContain('posix.system would run a shell command');
    expect(existsSync(join(dir, 'SENTINEL'))).toBe(false);
  });

  it('reports a base64 pickle that was cut short as truncated', () => {
    const json = python(`
import pickle, base64, json, sys
data = pickle.dumps({'step': 3, 'result': list(range(50))}, protocol=4)
cut = base64.b64encode(data[: len(data) // 2]).decode()
sys.stdout.write(json.dumps({'output': cut}))
`);
    const parsed = parsePythonJson(new Uint8Array(json), 'cut.json');
    if (parsed.kind !== 'ok') throw new Error('expected ok JSON');
    const [e] = findEmbeddedPickles(parsed.value, 'cut.json');
    expect(e.pointer).toBe('/output');
    expect(e.findings[0]).toMatchObject({ code: 'pickle.truncated', severity: 'error', pointer: '/output' });
    expect(e.decoded?.kind).toBe('dict');
  });

  it('finds a pickle hidden in a decoded pickle, visiting a shared string once and surviving cycles', () => {
    const bytes = python(`
import pickle, base64, os, sys
class Call:
    def __init__(self, f, *args): self.f, self.args = f, args
    def __reduce__(self): return (self.f, self.args)
hidden = base64.b64encode(pickle.dumps(Call(os.system, 'touch SENTINEL'))).decode()
loop = [hidden]
loop.append(loop)
sys.stdout.buffer.write(pickle.dumps({'a': loop, 'b': hidden, 'c': {'again': loop}}, protocol=4))
`);
    const r = decodePickle(new Uint8Array(bytes), 'outer.pkl');
    if (r.kind !== 'ok') throw new Error('expected ok');
    const found = findEmbeddedPickles(r.value, 'outer.pkl');
    expect(found.map((e) => e.pointer)).toEqual(['/a/0']);
    expect(found[0].findings.map((f) => f.code)).toEqual(['pickle.unsafe_global']);
  });

  it('judges raw pickle bytes too, but ignores binary data that only starts like one', () => {
    const bytes = python(`
import pickle, os, sys
class Call:
    def __init__(self, f, *args): self.f, self.args = f, args
    def __reduce__(self): return (self.f, self.args)
blob = pickle.dumps(Call(os.system, 'touch SENTINEL'), protocol=2)
lookalike = b'\\x80\\x02' + bytes(range(200, 256)) + b'.'
sys.stdout.buffer.write(pickle.dumps({'blob': blob, 'noise': lookalike}, protocol=3))
`);
    const r = decodePickle(new Uint8Array(bytes), 'blobs.pkl');
    if (r.kind !== 'ok') throw new Error('expected ok');
    const found = findEmbeddedPickles(r.value, 'blobs.pkl');
    expect(found.map((e) => [e.pointer, e.findings.map((f) => f.code)])).toEqual([['/blob', ['pickle.unsafe_global']]]);
  });

  it('finds a pickle in the args, state, items and entries of an object, and nothing in a cyclic tree without one', () => {
    const b64 = python(`
import pickle, base64, sys
sys.stdout.write(base64.b64encode(pickle.dumps(['x'], protocol=2)).decode())
`).toString();
    const s: Value = { kind: 'str', value: b64 };
    const k = (key: string): Value => ({ kind: 'str', value: key });
    for (const [obj, pointer] of [
      [{ kind: 'object', cls: 'm.C', args: [s] }, '/args/0'],
      [{ kind: 'object', cls: 'm.C', state: s }, '/state'],
      [{ kind: 'object', cls: 'm.C', items: [s] }, '/items/0'],
      [{ kind: 'object', cls: 'm.C', pairs: [k('e'), s] }, '/entries/e'],
    ] as const) {
      expect(findEmbeddedPickles({ kind: 'dict', pairs: [k('o'), obj as Value] }, 'o.pkl').map((e) => e.pointer)).toEqual([`/o${pointer}`]);
    }
    // A dict key is not a value the walk visits, so a pickle-looking key is not judged.
    expect(findEmbeddedPickles({ kind: 'dict', pairs: [s, k('v')] }, 'k.pkl')).toEqual([]);
    const loop: ListValue = { kind: 'list', items: [{ kind: 'str', value: 'gAJ' }, { kind: 'bytes', value: new Uint8Array([0x81, 2, 0x2e]) }] };
    loop.items.push(loop, { kind: 'dict', pairs: [k('again'), loop] });
    expect(findEmbeddedPickles(loop, 'loop.pkl')).toEqual([]);
  });

  it('walks a 100,000-deep value without overflowing the stack', () => {
    const b64 = python(`
import pickle, base64, sys
sys.stdout.write(base64.b64encode(pickle.dumps(['deep'], protocol=2)).decode())
`).toString();
    let v: Value = { kind: 'str', value: b64 };
    for (let i = 0; i < 100_000; i++) v = { kind: 'list', items: [v] } satisfies ListValue;
    const found = findEmbeddedPickles(v, 'deep.json');
    expect(found).toHaveLength(1);
    expect(found[0].pointer).toBe('/0'.repeat(100_000));
    expect(found[0].findings).toEqual([]);
  });

  it('decodes base64 exactly as Python does, and refuses what is not base64', () => {
    const out = python(`
import base64, os, json, random
random.seed(3)
blobs = [bytes(random.randrange(256) for _ in range(n)) for n in (0, 1, 2, 3, 4, 5, 57, 58, 200)]
print(json.dumps([[base64.b64encode(b).decode(), base64.encodebytes(b).decode(), b.hex()] for b in blobs]))
`).toString();
    for (const [plain, wrapped, hex] of JSON.parse(out) as [string, string, string][]) {
      expect(Buffer.from(decodeBase64(plain) as Uint8Array).toString('hex')).toBe(hex);
      expect(Buffer.from(decodeBase64(wrapped) as Uint8Array).toString('hex')).toBe(hex);
    }
    expect(decodeBase64('gASTRONOMY')).toBeNull();
    expect(decodeBase64('gAS*')).toBeNull();
    expect(decodeBase64('gA=S')).toBeNull();
  });
});

/** pickle.dumps(['x'], protocol=2), base64: a real embedded pickle. */
const PICKLE_B64 = Buffer.from([0x80, 0x02, 0x5d, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x71, 0x01, 0x61, 0x2e]).toString('base64');

/** The definition: some str or bytes the full walk visits passes the cheap pickle test. */
function referenceMayHold(value: Value): boolean {
  let found = false;
  walkValue(value, {
    enter(entry) {
      const v = entry.value;
      if (v.kind === 'str' && v.value.length >= 8 && /^gA[I-X]/.test(v.value)) found = true;
      if (v.kind === 'bytes' && v.value.length >= 3 && v.value[0] === 0x80) found = true;
      return found ? 'stop' : undefined;
    },
  });
  return found;
}

/** JSON text of a random tree; strings are sometimes a real base64 pickle or a near miss. */
function randomJson(next: () => number, withPickle: boolean): string {
  let budget = 300;
  const strings = ['x', 'gA', 'gAJ', 'gAZdcQBY', 'gASTRONOMY is a word', 'hAJdcQBYAQAAAHhxAWEu', 'k/~'];
  const leaf = (): unknown => {
    const r = next();
    if (r < 0.2) return null;
    if (r < 0.35) return next() < 0.5;
    if (r < 0.55) return Math.floor(next() * 1e6);
    if (r < 0.65) return next() * 10;
    if (withPickle && r < 0.7) return next() < 0.5 ? PICKLE_B64 : 'gASTRONOMY is a word';
    return strings[Math.floor(next() * strings.length)];
  };
  const val = (d: number): unknown => {
    budget--;
    const r = next();
    if (d > 6 || r < 0.3 || budget < 0) return leaf();
    const n = Math.floor(next() * (d < 2 ? 12 : 4));
    if (r < 0.65) return Array.from({ length: n }, () => val(d + 1));
    return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, val(d + 1)]));
  };
  return JSON.stringify(val(0));
}

describe('the unshared hint', () => {
  it('gives the same answers on random JSON trees as the scan that remembers every container', () => {
    const next = seededRandom(2026);
    let holding = 0;
    for (let i = 0; i < 400; i++) {
      const text = randomJson(next, i % 3 === 0);
      const parsed = parsePythonJson(new TextEncoder().encode(text), 'r.json');
      if (parsed.kind !== 'ok') throw new Error(`tree ${i} did not parse`);
      const expected = referenceMayHold(parsed.value);
      if (expected) holding++;
      expect(mayHoldPickle(parsed.value), `tree ${i}`).toBe(expected);
      expect(mayHoldPickle(parsed.value, { unshared: true }), `tree ${i} unshared`).toBe(expected);
      expect(findEmbeddedPickles(parsed.value, 'r.json', { unshared: true }), `tree ${i}`).toEqual(findEmbeddedPickles(parsed.value, 'r.json'));
    }
    // Both outcomes were exercised.
    expect(holding).toBeGreaterThan(50);
    expect(holding).toBeLessThan(350);
  });

  it('without the hint, still enters each shared container once and ends on cycles', () => {
    // A doubling graph: 2^16 paths down, 33 containers; lists count the reads of their items.
    let reads = 0;
    const counted = (items: Value[]): ListValue =>
      ({
        kind: 'list',
        get items() {
          reads++;
          return items;
        },
      }) as ListValue;
    const build = (bottom: Value): Value => {
      let v: Value = counted([bottom]);
      for (let i = 0; i < 16; i++) {
        const pair: DictValue = { kind: 'dict', pairs: [{ kind: 'str', value: 'a' }, v, { kind: 'str', value: 'b' }, v] };
        v = counted([pair]);
      }
      return v;
    };
    expect(mayHoldPickle(build({ kind: 'int', text: '1' }))).toBe(false);
    expect(reads).toBe(17);
    reads = 0;
    expect(mayHoldPickle(build({ kind: 'str', value: PICKLE_B64 }))).toBe(true);
    expect(reads).toBeLessThanOrEqual(17);

    const loop: ListValue = { kind: 'list', items: [{ kind: 'str', value: 'not one' }] };
    loop.items.push(loop, { kind: 'object', cls: 'm.C', state: loop, args: [loop], items: [loop], pairs: [{ kind: 'str', value: 'e' }, loop] });
    expect(mayHoldPickle(loop)).toBe(false);
    expect(findEmbeddedPickles(loop, 'loop.pkl')).toEqual([]);
  });

  it('is not given for a pickle file: analyzeFile ends on a cyclic, shared pickle graph', async () => {
    // A 2^40-path doubling graph and a cycle (met first by the scan's stack), no string that looks
    // like a pickle. Scanned as if unshared, the cycle would grow the stack until memory runs out.
    const bytes = execFileSync('python3', ['-c', `
import pickle, sys
loop = ['not one']
loop.append(loop)
v = [1]
for _ in range(40): v = [v, {'a': v, 'b': v}]
sys.stdout.buffer.write(pickle.dumps({'laughs': v, 'loop': loop}, protocol=4))
`]);
    const analysis = await analyzeFile('loop.pkl', new Uint8Array(bytes));
    expect(analysis.decoded).toBe(true);
    expect(analysis.findings.filter((f) => f.pointer !== undefined && f.message.includes('base64 pickle'))).toEqual([]);
  });
});
