/**
 * Rules of computeDrift that are clearest on hand-built trees (the python-written cases are in
 * drift-python.test.ts and ckpt-types.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Value } from '../model/value';
import { dict, float, int, list, listOf, object, str, tuple, typed } from '../diff/value-builders';
import { computeDrift } from './compute-drift';

const brief = (r: ReturnType<typeof computeDrift>) => r.entries.map((e) => `${e.verdict} ${e.pointer}`);

describe('computeDrift with a pickle image', () => {
  it('drops colliding keys (json.load keeps the last) and keys json.dumps cannot write', () => {
    const pre = dict([int(1), str('int one')], ['1', str('str one')], [tuple(int(1), int(2)), str('pair')]);
    const post = dict(['1', str('str one')]);
    const r = computeDrift({ pre, post, preSource: 'pickle' });
    expect(brief(r)).toEqual(['coerced ', 'dropped /1', 'dropped /(1, 2)']);
    expect(r.entries[0].pre.type).toBe('dict[int|str|tuple]');
    expect(r.entries[1].note).toMatch(/keeps only the last/);
    expect(r.entries[2].note).toMatch(/TypeError/);
  });

  it('reports missing list items as one dropped range', () => {
    const r = computeDrift({ pre: list(int(1), int(2), int(3), int(4)), post: list(int(1)), preSource: 'pickle' });
    expect(brief(r)).toEqual(['dropped /1']);
    expect(r.entries[0].note).toBe('Items 1–3 (3) are missing after load.');
  });

  it('follows an object written as its fields, and judges the fields', () => {
    const when = typed('datetime.datetime', 'datetime.datetime(2026, 1, 1, 0, 0)', '2026-01-01 00:00:00');
    const pre = object('app.Job', dict(['n', int(1)], ['when', when]));
    const r = computeDrift({ pre, post: dict(['n', int(1)], ['when', str('2026-01-01')]), preSource: 'pickle' });
    expect(brief(r)).toEqual(['coerced ', 'coerced /when']);
    expect(r.entries[0].pre.type).toBe('app.Job');
  });

  it('tells a Decimal written as a float with its digits from one that lost them', () => {
    const dec = (t: string) => typed('decimal.Decimal', `Decimal('${t}')`, t);
    const r = computeDrift({
      pre: list(dec('0.1'), dec('3.14159265358979323846'), dec('2.50')),
      post: list(float(0.1), float(3.141592653589793), float(2.5)),
      preSource: 'pickle',
    });
    expect(brief(r)).toEqual(['coerced /0', 'lossy /1', 'coerced /2']);
    expect(r.entries[2].note).toMatch(/trailing zeros/);
  });

  it('calls a changed value lossy, and an int written as str(int) coerced', () => {
    const r = computeDrift({ pre: dict(['a', int(5)], ['b', str('x')]), post: dict(['a', str('5')], ['b', str('y')]), preSource: 'pickle' });
    expect(brief(r)).toEqual(['coerced /a', 'lossy /b']);
  });

  it('terminates on a cyclic pickle paired with its JSON', () => {
    const pre = list(int(1));
    pre.items.push(pre);
    // json.dumps would refuse a cycle, so the JSON side is whatever a custom encoder made of it.
    const r = computeDrift({ pre, post: list(int(1), list(int(1), str('[...]'))), preSource: 'pickle' });
    expect(brief(r)).toEqual(['lossy /1/1']);
    expect(r.counts.lossless).toBe(4);
  });
});

describe('computeDrift source choice', () => {
  it('falls back from a missing pickle to the manifest, and from a missing manifest to inference', () => {
    const manifest = { kind: 'manifest' as const, format: 'ckpt-types/1' as const, types: new Map([['/t', { type: 'builtins.tuple', repr: '(1,)', len: 1 }]]), skipped: [] };
    const post = dict(['t', list(int(1))], ['d', str('2026-05-25')]);
    expect(computeDrift({ post, pre: null, preSource: 'pickle', manifest }).source).toBe('manifest');
    expect(brief(computeDrift({ post, pre: null, preSource: 'pickle', manifest }))).toEqual(['coerced /t']);
    expect(computeDrift({ post, pre: null, preSource: 'manifest' }).source).toBe('inferred');
    expect(brief(computeDrift({ post, pre: null, preSource: 'inferred', manifest }))).toEqual(['coerced /d']);
  });
});

describe('computeDrift bounds', () => {
  it('counts a million lossless nodes without listing them', () => {
    const post = dict(['xs', listOf(Array.from({ length: 1_000_000 }, (_, i) => int(i)))]);
    const r = computeDrift({ pre: null, post, preSource: 'inferred' });
    expect(r.entries).toEqual([]);
    expect(r.counts.lossless).toBe(1_000_002);
  });

  it('caps the entries but counts them all', () => {
    const post = listOf(Array.from({ length: 50_000 }, () => str('<bytes: 3 bytes skipped>')));
    const r = computeDrift({ pre: null, post, preSource: 'inferred', maxEntries: 100 });
    expect(r.entries).toHaveLength(100);
    expect(r.truncated).toBe(true);
    expect(r.counts.lossy).toBe(50_000);
  });

  it('walks a 100k-deep JSON value iteratively', () => {
    let post: Value = str('2026-05-25');
    let pre: Value = typed('datetime.date', 'datetime.date(2026, 5, 25)', '2026-05-25');
    for (let i = 0; i < 100_000; i++) {
      post = list(post);
      pre = list(pre);
    }
    const r = computeDrift({ pre, post, preSource: 'pickle' });
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].pointer.length).toBe(200_000);
    expect(computeDrift({ pre: null, post, preSource: 'inferred' }).entries).toHaveLength(1);
  });
});
