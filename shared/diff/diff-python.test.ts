/**
 * The diff on generations written by the real producers: Python's json and pickle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../model/value';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { decodePickle } from '../formats/pickle/decode-pickle';
import { diffValues, type DiffChange } from './diff-values';

let dir: string;

function python(script: string): void {
  execFileSync('python3', ['-c', `import json, pickle, datetime, decimal\n${script}`], { cwd: dir });
}

function load(name: string): Value {
  const bytes = new Uint8Array(readFileSync(join(dir, name)));
  const r = name.endsWith('.pkl') ? decodePickle(bytes, name) : parsePythonJson(bytes, name);
  if (r.kind !== 'ok') throw new Error(`${name}: ${JSON.stringify(r.findings)}`);
  return r.value;
}

const brief = (changes: DiffChange[]) => changes.map((c) => `${c.kind} ${c.pointer}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ckpt-diff-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('diffValues on python-written generations', () => {
  it('reports an insertion at the start of a long list as one change', () => {
    python(`
steps = [{"step": i, "loss": 1.0 / (i + 1), "tag": "s%d" % i} for i in range(200000)]
json.dump({"steps": steps, "epoch": 3}, open("g1.json", "w"))
json.dump({"steps": [{"step": -1, "loss": 9.5, "tag": "warmup"}] + steps, "epoch": 3}, open("g2.json", "w"))
`);
    const r = diffValues(load('g1.json'), load('g2.json'));
    expect(brief(r.changes)).toEqual(['added /steps/0']);
    expect(r.summary).toEqual({ added: 1, removed: 0, changed: 0, typeChanged: 0 });
  });

  it('compares big ints exactly, NaN as equal, -0.0 apart from 0.0 and 0 apart from 0.0', () => {
    python(`
json.dump({"a": 2**64, "b": float("nan"), "c": 0.0, "d": 0, "e": 1e22, "f": [float("inf")]}, open("n1.json", "w"))
json.dump({"a": 2**64 + 1, "b": float("nan"), "c": -0.0, "d": 0.0, "e": 1e22, "f": [float("inf")]}, open("n2.json", "w"))
`);
    const r = diffValues(load('n1.json'), load('n2.json'));
    expect(r.changes.map((c) => [c.kind, c.pointer])).toEqual([
      ['changed', '/a'],
      ['changed', '/c'],
      ['typeChanged', '/d'],
    ]);
    expect(r.changes[0].after).toEqual({ kind: 'int', text: '18446744073709551617' });
  });

  it('diffs cyclic pickles without looping', () => {
    python(`
a = [1]; a.append(a); a.append({"self": a})
b = [2]; b.append(b); b.append({"self": b})
pickle.dump(a, open("c1.pkl", "wb")); pickle.dump(b, open("c2.pkl", "wb"))
`);
    const r = diffValues(load('c1.pkl'), load('c2.pkl'));
    expect(brief(r.changes)).toEqual(['changed /0']);
  });

  it('names pickle-only types: int keys by repr, str vs datetime as a type change, tuple vs list', () => {
    python(`
when = datetime.datetime(2026, 5, 25, 13, 4, 5)
pickle.dump({"when": when, "by_step": {1: "a", (2, 3): "b"}, "shape": (3, 4), "tags": {1, 2}}, open("p1.pkl", "wb"))
pickle.dump({"when": str(when), "by_step": {1: "a", (2, 3): "c", "1": "a"}, "shape": [3, 4], "tags": {2, 1}}, open("p2.pkl", "wb"))
`);
    const r = diffValues(load('p1.pkl'), load('p2.pkl'));
    expect(brief(r.changes)).toEqual(['typeChanged /when', 'changed /by_step/(2, 3)', 'added /by_step/1', 'typeChanged /shape']);
  });

  it('addresses fields of pickled objects as the value walker does', () => {
    python(`
import collections
class Job:
    def __init__(self, n): self.n = n; self.log = ["start"]
class Registry(dict):
    pass
r1 = Registry(); r1["a"] = Job(1)
r2 = Registry(); r2["a"] = Job(2); r2["b"] = Job(3)
pickle.dump(r1, open("o1.pkl", "wb")); pickle.dump(r2, open("o2.pkl", "wb"))
`);
    const r = diffValues(load('o1.pkl'), load('o2.pkl'));
    expect(brief(r.changes)).toEqual(['changed /entries/a/state/n', 'added /entries/b']);
  });
});
