import { describe, expect, it } from 'vitest';
import { dictEntries, pairsOf, type Value } from '../model/value';
import { diffValues, type DiffChange } from './diff-values';
import { seededRandom } from '../test-support/seeded-random';
import { bool, bytes, dict, float, int, list, listOf, none, object, set, str, tuple, typed } from './value-builders';

const brief = (changes: DiffChange[]) => changes.map((c) => `${c.kind} ${c.pointer}`);

describe('diffValues: scalars', () => {
  it('compares ints by exact text, so 2**64 and 2**64+1 differ', () => {
    const r = diffValues(dict(['n', int(2n ** 64n)]), dict(['n', int(2n ** 64n + 1n)]));
    expect(brief(r.changes)).toEqual(['changed /n']);
    expect(diffValues(int(2n ** 64n + 1n), int('18446744073709551617')).changes).toEqual([]);
  });

  it('treats NaN as equal to NaN and -0.0 as different from 0.0', () => {
    expect(diffValues(float(NaN, 'NaN'), float(NaN, 'NaN')).changes).toEqual([]);
    expect(brief(diffValues(float(-0, '-0.0'), float(0, '0.0')).changes)).toEqual(['changed ']);
    // Same value written differently is not a change: floats compare by value.
    expect(diffValues(float(1e22, '1e+22'), float(1e22, '1e22')).changes).toEqual([]);
  });

  it('reports int 0 vs float 0.0, bool vs int, str vs datetime as type changes', () => {
    const dt = typed('datetime.datetime', 'datetime.datetime(2026, 5, 25, 0, 0)', '2026-05-25 00:00:00');
    const r = diffValues(
      list(int(0), bool(true), str('2026-05-25 00:00:00'), none(), bytes('x')),
      list(float(0, '0.0'), int(1), dt, none(), bytes('x', true)),
    );
    expect(brief(r.changes)).toEqual(['typeChanged /0', 'typeChanged /1', 'typeChanged /2', 'typeChanged /4']);
    expect(r.summary).toEqual({ added: 0, removed: 0, changed: 0, typeChanged: 4 });
  });

  it('reports tuple vs list and set vs frozenset as type changes, without descending', () => {
    const r = diffValues(dict(['t', tuple(int(1), int(2))], ['s', set([int(1)])]), dict(['t', list(int(1), int(3))], ['s', set([int(1)], true)]));
    expect(brief(r.changes)).toEqual(['typeChanged /t', 'typeChanged /s']);
  });
});

describe('diffValues: dicts and sets', () => {
  it('ignores key order and escapes pointer tokens', () => {
    const before = dict(['a', int(1)], ['x/y~z', int(2)], ['c', int(3)]);
    const after = dict(['c', int(3)], ['x/y~z', int(5)], ['a', int(1)]);
    expect(brief(diffValues(before, after).changes)).toEqual(['changed /x~1y~0z']);
  });

  it('keeps the key type: int key 1 and str key "1" are different keys, named by repr', () => {
    const r = diffValues(dict([int(1), str('a')], [tuple(int(1), int(2)), int(0)]), dict(['1', str('a')], [tuple(int(1), int(2)), int(9)]));
    expect(r.changes.map((c) => [c.kind, c.pointer, c.before ?? null, c.after ?? null])).toEqual([
      ['removed', '/1', str('a'), null],
      ['changed', '/(1, 2)', int(0), int(9)],
      ['added', '/1', null, str('a')],
    ]);
  });

  it('reports each key of an emptied dict as removed (phase_outputs {} in seed 000)', () => {
    const outputs = dict(['lit_result', dict(['report', str('…')])], ['series_result', list(int(1))]);
    const r = diffValues(dict(['phase', str('lit_review')], ['phase_outputs', outputs]), dict(['phase', str('supervision')], ['phase_outputs', dict()]));
    expect(brief(r.changes)).toEqual(['changed /phase', 'removed /phase_outputs/lit_result', 'removed /phase_outputs/series_result']);
    expect(r.changes[1].before).toBe(outputs.pairs[1]);
  });

  it('compares sets as sets', () => {
    const r = diffValues(set([int(1), int(2), str('a')]), set([str('a'), int(3), int(1)]));
    expect(r.changes.map((c) => [c.kind, c.pointer, (c.before ?? c.after) as Value])).toEqual([
      ['removed', '/1', int(2)],
      ['added', '/1', int(3)],
    ]);
  });

  it('distinguishes dict subclasses and object classes, and descends into object state', () => {
    const od = { kind: 'dict', cls: 'collections.OrderedDict', pairs: [] } as Value;
    expect(brief(diffValues(dict(), od).changes)).toEqual(['typeChanged ']);
    const r = diffValues(object('pkg.Obj', dict(['x', int(1)]), [str('a')]), object('pkg.Obj', dict(['x', int(2)]), [str('b')]));
    expect(brief(r.changes)).toEqual(['changed /args/0', 'changed /state/x']);
    expect(brief(diffValues(object('pkg.A'), object('pkg.B')).changes)).toEqual(['typeChanged ']);
  });
});

describe('diffValues: lists', () => {
  it('reports an insertion at the start of a long list as one added change', () => {
    const items = Array.from({ length: 200_000 }, (_, i) => dict(['id', int(i)], ['v', str(`item ${i}`)]));
    const before = listOf(items);
    // A deep copy, so that equality has to come from content, not identity.
    const after = listOf([dict(['id', int(-1)]), ...items.map((d) => dict(...dictEntries(d).map((e) => [e.key, e.value] as [Value, Value])))]);
    const r = diffValues(before, after);
    expect(brief(r.changes)).toEqual(['added /0']);
  });

  it('names removed items by their index before, added and changed ones by their index after', () => {
    const r = diffValues(list(str('a'), str('b'), str('c'), dict(['k', int(1)])), list(str('b'), str('c'), str('new'), dict(['k', int(2)])));
    expect(brief(r.changes)).toEqual(['removed /0', 'added /2', 'changed /3/k']);
  });

  it('descends into a replaced record and reports the field that changed', () => {
    const rec = (id: number, status: string) => dict(['id', int(id)], ['status', str(status)]);
    const r = diffValues(list(rec(1, 'ok'), rec(2, 'ok'), rec(3, 'ok')), list(rec(1, 'ok'), rec(2, 'failed'), rec(3, 'ok')));
    expect(brief(r.changes)).toEqual(['changed /1/status']);
  });

  it('finds 1% scattered changes in a large list exactly', () => {
    const n = 100_000;
    const before = listOf(Array.from({ length: n }, (_, i) => dict(['i', int(i)], ['x', float(i / 3)])));
    const changed = new Set<number>();
    const after = listOf(
      Array.from({ length: n }, (_, i) => {
        if (i % 100 === 37) {
          changed.add(i);
          return dict(['i', int(i)], ['x', float(i)]);
        }
        return dict(['i', int(i)], ['x', float(i / 3)]);
      }),
    );
    const r = diffValues(before, after);
    expect(r.summary).toEqual({ added: 0, removed: 0, changed: changed.size, typeChanged: 0 });
    expect(r.changes.map((c) => c.pointer)).toEqual([...changed].map((i) => `/${i}/x`));
  });
});

describe('diffValues: shape of the walk', () => {
  it('works on a 100k-deep tree without recursion', () => {
    const deep = (leaf: Value): Value => {
      let v = leaf;
      for (let i = 0; i < 100_000; i++) v = i % 2 ? list(v) : dict(['k', v]);
      return v;
    };
    const r = diffValues(deep(int(1)), deep(int(2)));
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0].pointer.split('/')).toHaveLength(100_001);
  });

  it('terminates on cyclic values and compares each node pair once', () => {
    const a = list(int(1));
    a.items.push(a);
    const b = list(int(2));
    b.items.push(b);
    expect(brief(diffValues(a, b).changes)).toEqual(['changed /0']);

    // Two lists that contain each other, and a shared node reached twice.
    const shared = dict(['v', int(1)]);
    const x = list(shared, shared);
    const y = list(x);
    x.items.push(y);
    const shared2 = dict(['v', int(2)]);
    const x2 = list(shared2, shared2);
    const y2 = list(x2);
    x2.items.push(y2);
    const r = diffValues(x, x2);
    expect(brief(r.changes)).toEqual(['changed /0/v']);
  });

  it('stays linear on a billion-laughs shaped value (10**60 paths; the shared leaf list is compared once)', () => {
    const laugh = (leaf: Value): Value => {
      let v = leaf;
      for (let i = 0; i < 60; i++) v = list(v, v, v, v, v, v, v, v, v, v);
      return v;
    };
    const r = diffValues(laugh(str('lol')), laugh(str('lol!')));
    // The ten leaves of the innermost list are ten places; every list above is one shared pair.
    expect(brief(r.changes)).toEqual(Array.from({ length: 10 }, (_, i) => `changed ${'/0'.repeat(59)}/${i}`));
  });

  it('caps the listed changes but counts them all', () => {
    const before = listOf(Array.from({ length: 1000 }, (_, i) => int(i)));
    const after = listOf(Array.from({ length: 1000 }, (_, i) => str(String(i))));
    const r = diffValues(before, after, { maxChanges: 10 });
    expect(r.changes).toHaveLength(10);
    expect(r.truncated).toBe(true);
    expect(r.summary.typeChanged).toBe(1000);
    expect(diffValues(before, before).truncated).toBe(false);
  });

  it('reports progress that only grows and ends complete', () => {
    const big = listOf(Array.from({ length: 300_000 }, (_, i) => int(i)));
    const seen: [number, number][] = [];
    diffValues(big, listOf([...big.items, int(1)]), { onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    const [done, total] = seen[seen.length - 1];
    expect(done).toBe(total);
    expect(total).toBeGreaterThan(600_000);
  });

  it('gives the same diff on unshared trees when comparing by walking instead of hashing', () => {
    const rnd = seededRandom(11);
    const leaf = (): Value => {
      const r = rnd();
      if (r < 0.3) return int(Math.floor(rnd() * 5));
      if (r < 0.5) return float([0.5, -0, 0, NaN, 1.5][Math.floor(rnd() * 5)]);
      if (r < 0.7) return str(`s${Math.floor(rnd() * 3)}`);
      return r < 0.8 ? none() : int(String(2n ** 64n + BigInt(Math.floor(rnd() * 2))));
    };
    const tree = (d: number): Value => {
      const r = rnd();
      if (d > 3 || r < 0.4) return leaf();
      if (r < 0.7) return listOf(Array.from({ length: Math.floor(rnd() * (d === 0 ? 200 : 6)) }, () => tree(d + 1)));
      const keys = ['a', 'b', 'c', 'd', 'e'].filter(() => rnd() < 0.6);
      if (rnd() < 0.2) keys.reverse();
      return dict(...keys.map((k): [string, Value] => [k, tree(d + 1)]));
    };
    // Edits in place, insertions, removals and reordered keys, at every level.
    const mutate = (v: Value): Value => {
      if (rnd() < 0.08) return leaf();
      if (v.kind === 'list') {
        const items = v.items.map(mutate);
        if (rnd() < 0.1) items.splice(Math.floor(rnd() * (items.length + 1)), 0, leaf());
        if (rnd() < 0.05 && items.length > 0) items.splice(Math.floor(rnd() * items.length), 1);
        return listOf(items);
      }
      if (v.kind === 'dict') {
        const entries = dictEntries(v).map((e) => ({ key: e.key, value: mutate(e.value) }));
        if (rnd() < 0.1) entries.reverse();
        return { kind: 'dict', pairs: pairsOf(entries) };
      }
      return v;
    };
    let compared = 0;
    for (let c = 0; c < 600; c++) {
      const before = tree(0);
      const after = rnd() < 0.1 ? before : mutate(before);
      const hashed = diffValues(before, after);
      const walked = diffValues(before, after, { unshared: true });
      expect(walked, `case ${c}`).toEqual(hashed);
      compared += hashed.changes.length;
    }
    expect(compared).toBeGreaterThan(1000);
    // A long list edited in place (the diagonal case) with an insertion elsewhere in the tree.
    const rows = listOf(Array.from({ length: 500 }, (_, i) => dict(['id', int(i)], ['v', float(i / 7)])));
    const edited = listOf(rows.items.map((r, i) => (i % 37 === 5 ? dict(['id', int(i)], ['v', float(-1)]) : r)));
    const doc = (l: Value, extra: Value[]) => dict(['rows', l], ['tail', listOf(extra)]);
    const b = doc(rows, [int(1), int(2)]);
    const a = doc(edited, [int(0), int(1), int(2)]);
    const walked = diffValues(b, a, { unshared: true });
    expect(walked).toEqual(diffValues(b, a));
    expect(walked.summary).toEqual({ added: 1, removed: 0, changed: 14, typeChanged: 0 });
  });

  it('takes the progress total from node counts the readers give, and still ends complete', () => {
    const before = listOf(Array.from({ length: 200_000 }, (_, i) => int(i)));
    const after = listOf([...before.items, int(1)]);
    const counted: [number, number][] = [];
    diffValues(before, after, { onProgress: (d, t) => counted.push([d, t]) });
    expect(counted[counted.length - 1]).toEqual([400_004, 400_004]);
    // Counts the readers give are taken as they are (these are deliberately not the trees' own),
    // and progress still only grows and ends complete.
    const given: [number, number][] = [];
    diffValues(before, after, { onProgress: (d, t) => given.push([d, t]), nodes: { before: 300_000, after: 500_000 } });
    expect(new Set(given.map(([, t]) => t))).toEqual(new Set([800_001]));
    for (let i = 1; i < given.length; i++) expect(given[i][0]).toBeGreaterThanOrEqual(given[i - 1][0]);
    expect(given[given.length - 1]).toEqual([800_001, 800_001]);
    // A side without a count is counted.
    const half: [number, number][] = [];
    diffValues(before, after, { onProgress: (d, t) => half.push([d, t]), nodes: { after: 500_000 } });
    expect(half[half.length - 1]).toEqual([700_002, 700_002]);
  });
});
