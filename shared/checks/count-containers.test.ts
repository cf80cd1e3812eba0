import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { decodePickle } from '../formats/pickle/decode-pickle';
import type { Value } from '../model/value';
import { containerSize, isContainer } from '../model/value';
import { walkValue } from '../model/walk-value';
import { countContainers } from './count-containers';
import { seededRandom } from '../test-support/seeded-random';

/** The definition: a full walkValue, every node's pointer, buckets per depth (the original code). */
function reference(value: Value, limits: { maxDepth: number; maxCount: number }): Record<string, number> {
  const byDepth: [string, number][][] = Array.from({ length: limits.maxDepth + 1 }, () => []);
  walkValue(value, {
    enter(entry) {
      if (entry.refTo !== undefined) return 'skip';
      const v = entry.value;
      if (isContainer(v)) {
        const bucket = byDepth[entry.depth];
        if (bucket.length < limits.maxCount) bucket.push([entry.pointer, containerSize(v)]);
      }
      return entry.depth >= limits.maxDepth ? 'skip' : undefined;
    },
  });
  const out: Record<string, number> = {};
  let n = 0;
  for (const bucket of byDepth) {
    for (const [pointer, count] of bucket) {
      if (n >= limits.maxCount) return out;
      out[pointer] = count;
      n++;
    }
  }
  return out;
}

/** Every pairing of small depths and counts (where pruning and caps interact), plus the default. */
const LIMITS = [
  { maxDepth: 6, maxCount: 5000 },
  ...[0, 1, 2, 3, 4, 6, 10].flatMap((maxDepth) => [1, 2, 3, 4, 5, 6, 8, 12, 20].map((maxCount) => ({ maxDepth, maxCount }))),
];

/** A random graph as pickles make them: shared nodes, cycles, objects with args/state/items/pairs. */
function pickleLikeGraph(next: () => number): Value {
  const pool: Value[] = [];
  const leaf = (): Value => (next() < 0.5 ? { kind: 'int', text: String(Math.floor(next() * 100)) } : { kind: 'str', value: `s/${Math.floor(next() * 9)}~` });
  const make = (depth: number): Value => {
    if (pool.length > 0 && next() < 0.2) return pool[Math.floor(next() * pool.length)];
    const r = next();
    if (depth > 5 || r < 0.25) return leaf();
    const n = Math.floor(next() * 5);
    let node: Value;
    if (r < 0.45) node = { kind: 'list', items: [] };
    else if (r < 0.55) node = { kind: 'tuple', items: [] };
    else if (r < 0.6) node = { kind: 'set', items: [] };
    else if (r < 0.85) node = { kind: 'dict', pairs: [] };
    else node = { kind: 'object', cls: 'pkg.Thing' };
    pool.push(node);
    if (node.kind === 'dict') {
      for (let i = 0; i < n; i++) {
        const key: Value = next() < 0.8 ? { kind: 'str', value: `k${i}/x` } : { kind: 'int', text: String(i) };
        node.pairs.push(key, make(depth + 1));
      }
    } else if (node.kind === 'object') {
      if (next() < 0.6) (node as { args?: Value[] }).args = Array.from({ length: n }, () => make(depth + 1));
      if (next() < 0.7) node.state = make(depth + 1);
      if (next() < 0.3) node.items = [make(depth + 1)];
      if (next() < 0.3) node.pairs = [{ kind: 'str', value: 'e' }, make(depth + 1)];
    } else {
      for (let i = 0; i < n; i++) (node as { items: Value[] }).items.push(make(depth + 1));
    }
    return node;
  };
  return make(0);
}

describe('countContainers', () => {
  it('gives what a full walk gives on JSON trees, pruned or not, under every limit', () => {
    const docs: string[] = JSON.parse(
      execFileSync('python3', ['-c', `
import json, random, sys
random.seed(8)
budget = [0]
def val(d):
    r = random.random()
    budget[0] -= 1
    if d > 7 or r < 0.3 or budget[0] < 0: return random.choice([1, 'x', None, 2.5, True])
    n = random.choice([0, 1, 2, 3, 5, 8, 40] if d < 2 else [0, 1, 2, 3])
    if r < 0.65: return [val(d + 1) for _ in range(n)]
    return {('k/%d~' % i if i % 3 else str(i)): val(d + 1) for i in range(n)}
docs = []
for _ in range(80):
    budget[0] = 400
    docs.append(json.dumps(val(0)))
docs.append(json.dumps({'rows': [{'cells': [[i, {'v': [i]}]]} for i in range(3000)], 'tail': [[[[[[[[1]]]]]]]], 'z': {}}))
docs.append(json.dumps({'a': [[[], [], [], [], []]], 'b': {'c': []}}))
sys.stdout.write(json.dumps(docs))
`], { maxBuffer: 1 << 26 }).toString(),
    );
    // A full bucket (depth 3) cuts deeper levels off, but later containers above it still count.
    const cutOff = parsePythonJson(new TextEncoder().encode(docs[docs.length - 1]), 'x.json');
    if (cutOff.kind !== 'ok') throw new Error('fixture did not parse');
    expect(countContainers(cutOff.value, { maxDepth: 6, maxCount: 5 }, { unshared: true })).toEqual({ '': 2, '/a': 1, '/b': 1, '/a/0': 5, '/b/c': 0 });
    for (const [i, doc] of docs.entries()) {
      const parsed = parsePythonJson(new TextEncoder().encode(doc), 'x.json');
      if (parsed.kind !== 'ok') throw new Error(`fixture ${i} did not parse`);
      for (const limits of LIMITS) {
        const expected = reference(parsed.value, limits);
        expect(countContainers(parsed.value, limits), `doc ${i}, ${JSON.stringify(limits)}`).toEqual(expected);
        expect(countContainers(parsed.value, limits, { unshared: true }), `doc ${i} unshared, ${JSON.stringify(limits)}`).toEqual(expected);
        // Same order too: the family check reads the record as written.
        expect(Object.keys(countContainers(parsed.value, limits, { unshared: true }))).toEqual(Object.keys(expected));
      }
    }
  });

  it('counts shared and cyclic pickle graphs where a full walk first meets each node', () => {
    const next = seededRandom(77);
    for (let g = 0; g < 300; g++) {
      const root = pickleLikeGraph(next);
      for (const limits of LIMITS) expect(countContainers(root, limits), `graph ${g}, ${JSON.stringify(limits)}`).toEqual(reference(root, limits));
    }
    // A real pickle: one list memoized and referenced from three places, one of them deeper first.
    const bytes = execFileSync('python3', ['-c', `
import pickle, sys
shared = [1, 2]
loop = []
loop.append(loop)
sys.stdout.buffer.write(pickle.dumps({'deep': [[[shared]]], 'a': shared, 'b': (shared, loop), 'c': {'x': shared}}, protocol=4))
`]);
    const r = decodePickle(bytes, 'x.pkl');
    if (r.kind !== 'ok') throw new Error('pickle fixture did not decode');
    for (const limits of LIMITS) expect(countContainers(r.value, limits)).toEqual(reference(r.value, limits));
    expect(countContainers(r.value)['/deep/0/0/0']).toBe(2);
    expect(countContainers(r.value)['/a']).toBeUndefined();
  });
});
