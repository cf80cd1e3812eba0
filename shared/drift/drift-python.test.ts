/**
 * Drift against files written by the real producers: Python's json (with default=str, and with
 * seed 000's CheckpointJSONEncoder) next to a pickle of the same state.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../model/value';
import { diffValues } from '../diff/diff-values';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { decodePickle } from '../formats/pickle/decode-pickle';
import { computeDrift } from './compute-drift';
import { driftFindings } from './drift-findings';
import type { DriftReport } from './types';

let dir: string;

// The state of the brief: every kind of value json.dumps changes, plus big ints and NaN.
const STATE = `
import datetime, decimal, pathlib, json, pickle, math
from datetime import date
from pathlib import Path

class CheckpointJSONEncoder(json.JSONEncoder):
    """Seed 000's encoder, verbatim."""
    def default(self, obj):
        if isinstance(obj, datetime.datetime):
            return obj.isoformat()
        if isinstance(obj, date):
            return obj.isoformat()
        if isinstance(obj, bytes):
            return f"<bytes: {len(obj)} bytes skipped>"
        if isinstance(obj, Path):
            return str(obj)
        return super().default(obj)

def full_state():
    return {
        "created": datetime.datetime(2026, 5, 25, 13, 4, 5, 123456),
        "day": datetime.date(2026, 5, 25),
        "elapsed": datetime.timedelta(hours=2, microseconds=5),
        "budget": decimal.Decimal("10.50"),
        "shape": (3, 4),
        "tags": {"alpha", "beta"},
        "by_step": {1: "warmup", 2: "train"},
        "blob": b"\\x89PNG\\r\\n",
        "out": pathlib.Path("/runs/7/out.png"),
        "big": 2**64 + 1,
        "loss": float("nan"),
        "zero": -0.0,
        "name": "run-7",
    }

def encoder_state():
    # What seed 000's encoder can write: no set, no Decimal, no timedelta.
    s = full_state()
    for k in ("elapsed", "budget", "tags"):
        del s[k]
    return s
`;

function python(script: string): string {
  return execFileSync('python3', ['-c', STATE + script], { cwd: dir, encoding: 'utf8' });
}

function load(name: string): Value {
  const bytes = new Uint8Array(readFileSync(join(dir, name)));
  const r = name.endsWith('.pkl') ? decodePickle(bytes, name) : parsePythonJson(bytes, name);
  if (r.kind !== 'ok') throw new Error(`${name}: ${JSON.stringify(r.findings)}`);
  return r.value;
}

/** pointer → verdict for listed entries. */
const verdicts = (r: DriftReport) => Object.fromEntries(r.entries.map((e) => [e.pointer, e.verdict]));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ckpt-drift-'));
  python(`
s = full_state()
pickle.dump(s, open("a.pkl", "wb"), protocol=4)
json.dump(s, open("a.json", "w"), default=str)
e = encoder_state()
pickle.dump(e, open("b.pkl", "wb"), protocol=2)
json.dump(e, open("b.json", "w"), indent=2, cls=CheckpointJSONEncoder)
`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('computeDrift against a pickle of the same state', () => {
  it('judges json.dumps(default=str) pointer by pointer', () => {
    const r = computeDrift({ post: load('a.json'), pre: load('a.pkl'), preSource: 'pickle' });
    expect(r.source).toBe('pickle');
    expect(r.loader).toBe('python');
    expect(verdicts(r)).toEqual({
      '/created': 'coerced', // str(datetime) uses a space; fromisoformat still reads it back
      '/day': 'coerced',
      '/elapsed': 'coerced',
      '/budget': 'coerced',
      '/shape': 'coerced',
      '/tags': 'lossy',
      '/by_step': 'coerced',
      '/blob': 'coerced', // default=str writes the full b'…' repr
      '/out': 'coerced',
    });
    const byStep = r.entries.find((e) => e.pointer === '/by_step');
    expect(byStep?.pre.type).toBe('dict[int]');
    expect(byStep?.post.type).toBe('dict[str]');
    const tags = r.entries.find((e) => e.pointer === '/tags');
    expect(tags?.pre.type).toBe('set');
    expect(tags?.post.type).toBe('str');
    // big, loss (NaN), zero (-0.0), name, the root and the children of shape/by_step are lossless.
    expect(r.counts).toEqual({ lossless: 9, coerced: 8, lossy: 1, dropped: 0 });
  });

  it("judges seed 000's CheckpointJSONEncoder: isoformat kept, bytes placeholder lost", () => {
    const r = computeDrift({ post: load('b.json'), pre: load('b.pkl'), preSource: 'pickle' });
    expect(verdicts(r)).toEqual({
      '/created': 'coerced',
      '/day': 'coerced',
      '/shape': 'coerced',
      '/by_step': 'coerced',
      '/blob': 'lossy',
      '/out': 'coerced',
    });
    expect(r.entries.find((e) => e.pointer === '/blob')?.note).toMatch(/bytes were not saved/);
  });

  it('with the js loader, flags 2**64+1 (showing the rounded value), NaN and -0.0 as lossy', () => {
    const r = computeDrift({ post: load('a.json'), pre: load('a.pkl'), preSource: 'pickle', loader: 'js' });
    const big = r.entries.find((e) => e.pointer === '/big');
    expect(big).toMatchObject({ verdict: 'lossy', pre: { type: 'int', value: '18446744073709551617' }, post: { value: String(Number(2n ** 64n + 1n)) } });
    expect(r.entries.find((e) => e.pointer === '/loss')?.note).toMatch(/JSON\.parse throws on the whole file/);
    expect(r.entries.find((e) => e.pointer === '/zero')?.verdict).toBe('lossy');
    // The Python-side verdicts are unchanged underneath.
    expect(r.entries.find((e) => e.pointer === '/tags')?.verdict).toBe('lossy');
  });

  it('falls back to inference when no pickle is given, and says so', () => {
    const r = computeDrift({ post: load('b.json'), pre: null, preSource: 'pickle' });
    expect(r.source).toBe('inferred');
    expect(verdicts(r)).toEqual({ '/created': 'coerced', '/day': 'coerced', '/blob': 'lossy' });
    expect(r.entries.find((e) => e.pointer === '/created')?.pre).toEqual({ type: 'datetime', value: 'datetime.datetime(2026, 5, 25, 13, 4, 5, 123456)' });
  });
});

describe("seed 000: phase_outputs emptied between generations", () => {
  let gen1: Value;
  let gen2: Value;
  let gen1Pickle: Value;
  let gen2Pickle: Value;
  beforeAll(() => {
    python(`
import copy
outputs = {
    "lit_result": {"report": "test", "paper_corpus": {"10.1/x": {"retrieved_at": datetime.datetime(2026, 1, 30, 9, 0)}}},
    "series_result": {"image_outputs": [{"image_bytes": b"\\x89PNG" * 10}]},
    "illustrated_paths": {"lit_review": Path("/out/lit.png")},
}
work = {"active_tasks": [{"task_id": "t-1", "phase": "lit_review", "phase_outputs": outputs}]}
json.dump(work, open("current_work.1.json", "w"), indent=2, cls=CheckpointJSONEncoder)
# The next save lost the outputs on the way to JSON (the seed's silent failure), while the
# program (and its pickle) still held them.
work2 = copy.deepcopy(work)
work2["active_tasks"][0]["phase"] = "supervision"
pickle.dump(work, open("current_work.1.pkl", "wb"))
pickle.dump(work2, open("current_work.pkl", "wb"))
broken = copy.deepcopy(work2)
broken["active_tasks"][0]["phase_outputs"] = {}
json.dump(broken, open("current_work.json", "w"), indent=2, cls=CheckpointJSONEncoder)
`);
    gen1 = load('current_work.1.json');
    gen2 = load('current_work.json');
    gen1Pickle = load('current_work.1.pkl');
    gen2Pickle = load('current_work.pkl');
  });

  it('diffValues reports each lost output as removed', () => {
    const r = diffValues(gen1, gen2);
    expect(r.changes.map((c) => `${c.kind} ${c.pointer}`)).toEqual([
      'changed /active_tasks/0/phase',
      'removed /active_tasks/0/phase_outputs/lit_result',
      'removed /active_tasks/0/phase_outputs/series_result',
      'removed /active_tasks/0/phase_outputs/illustrated_paths',
    ]);
    expect(r.summary).toEqual({ added: 0, removed: 3, changed: 1, typeChanged: 0 });
  });

  it('computeDrift against the pickle reports the emptied container as dropped', () => {
    const r = computeDrift({ post: gen2, pre: gen2Pickle, preSource: 'pickle' });
    const dropped = r.entries.filter((e) => e.verdict === 'dropped');
    expect(dropped.map((e) => e.pointer)).toEqual(['/active_tasks/0/phase_outputs']);
    expect(dropped[0].note).toMatch(/3 entries/);
    expect(dropped[0].pre.type).toBe('dict');
    const findings = driftFindings(r, 'current_work.json');
    expect(findings[0]).toMatchObject({ code: 'drift.dropped', severity: 'warning', pointer: '/active_tasks/0/phase_outputs', file: 'current_work.json' });
    expect(findings[findings.length - 1]).toMatchObject({ code: 'drift.dropped', severity: 'warning' });
    expect(findings[findings.length - 1].pointer).toBeUndefined();
  });

  it('the healthy generation drifts only where the encoder changed types', () => {
    const r = computeDrift({ post: gen1, pre: gen1Pickle, preSource: 'pickle' });
    expect(verdicts(r)).toEqual({
      '/active_tasks/0/phase_outputs/lit_result/paper_corpus/10.1~1x/retrieved_at': 'coerced',
      '/active_tasks/0/phase_outputs/series_result/image_outputs/0/image_bytes': 'lossy',
      '/active_tasks/0/phase_outputs/illustrated_paths/lit_review': 'coerced',
    });
  });
});

describe('driftFindings', () => {
  it('maps verdicts to codes and severities, caps the list and adds a summary', () => {
    const r = computeDrift({ post: load('a.json'), pre: load('a.pkl'), preSource: 'pickle', loader: 'js' });
    const all = driftFindings(r, 'a.json');
    const perPointer = all.slice(0, -1);
    expect(perPointer).toHaveLength(r.entries.length);
    for (const f of perPointer) {
      const e = r.entries.find((x) => x.pointer === f.pointer);
      expect(f.code).toBe(`drift.${e?.verdict}`);
      expect(f.severity).toBe(e?.verdict === 'coerced' ? 'info' : 'warning');
    }
    // Most severe first.
    expect(perPointer[0].code).toBe('drift.lossy');
    const summary = all[all.length - 1];
    expect(summary.code).toBe('drift.lossy');
    expect(summary.message).toContain(`${r.counts.lossy} lossy`);
    const capped = driftFindings(r, 'a.json', 2);
    expect(capped).toHaveLength(3);
    expect(capped[2].message).toContain(`${r.entries.length - 2} more not listed`);
    expect(driftFindings({ source: 'pickle', loader: 'python', entries: [], counts: { lossless: 5, coerced: 0, lossy: 0, dropped: 0 } }, 'x.json')).toEqual([]);
  });
});
