import { describe, expect, it } from 'vitest';
import { alignSequences, type AlignOp, type AlignOptions } from './align-sequences';

/** Runs an alignment and checks it is a valid one: returns the ops and the implied equal pairs. */
function checkedAlign(a: number[], b: number[], options?: AlignOptions) {
  const ops: [AlignOp, number, number][] = [];
  const stats = alignSequences(a, b, (op, i, j) => ops.push([op, i, j]), options);
  // Each index is touched at most once; untouched items must match one to one, in order, with
  // equal hashes; pairs keep their relative order. Checked by hand, then asserted once (fast on 1M).
  const touchedA = new Uint8Array(a.length);
  const touchedB = new Uint8Array(b.length);
  const problems: string[] = [];
  let lastPair = [-1, -1];
  for (const [op, i, j] of ops) {
    if (op !== 'add' && touchedA[i]++) problems.push(`a[${i}] twice`);
    if (op !== 'del' && touchedB[j]++) problems.push(`b[${j}] twice`);
    if (op === 'pair') {
      if (i <= lastPair[0] || j <= lastPair[1]) problems.push(`pair ${i},${j} out of order`);
      lastPair = [i, j];
    }
  }
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (touchedA[i]) continue;
    while (j < b.length && touchedB[j]) j++;
    if (j >= b.length || a[i] !== b[j]) problems.push(`a[${i}] left unmatched`);
    j++;
  }
  while (j < b.length && touchedB[j]) j++;
  if (j < b.length) problems.push(`b[${j}] left unmatched`);
  expect(problems.slice(0, 5)).toEqual([]);
  const edits = ops.reduce((n, [op]) => n + (op === 'pair' ? 2 : 1), 0);
  return { ops, stats, edits };
}

function lcsLength(a: number[], b: number[]): number {
  const dp = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = dp[j];
      dp[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(dp[j], dp[j - 1]);
      diag = up;
    }
  }
  return dp[b.length];
}

/** A deterministic generator so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('alignSequences', () => {
  it('finds a shortest edit script (against an LCS table) for random small sequences', () => {
    const rand = rng(7);
    for (let round = 0; round < 300; round++) {
      const alphabet = 1 + Math.floor(rand() * 6);
      const a = Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * alphabet));
      const b = Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * alphabet));
      const { edits, stats } = checkedAlign(a, b);
      expect(stats.positional).toBe(0);
      expect(edits).toBe(a.length + b.length - 2 * lcsLength(a, b));
    }
  });

  it('splits equal-length sequences edited in place on the diagonal, still minimal', () => {
    const rand = rng(11);
    let diagonal = 0;
    for (let round = 0; round < 100; round++) {
      const n = 64 + Math.floor(rand() * 200);
      const a = Array.from({ length: n }, () => Math.floor(rand() * 1e9));
      const b = a.slice();
      for (let e = Math.floor(rand() * 20); e > 0; e--) b[Math.floor(rand() * n)] = Math.floor(rand() * 1e9);
      if (round % 2 === 0) {
        // And a shift: one item removed, one inserted further on.
        const from = Math.floor(rand() * (n - 10));
        b.splice(from, 1);
        b.splice(from + 1 + Math.floor(rand() * 8), 0, -round);
      }
      const { edits, stats } = checkedAlign(a, b);
      diagonal += stats.diagonal;
      expect(edits).toBe(a.length + b.length - 2 * lcsLength(a, b));
    }
    // Most rounds keep a long equal-length middle after trimming, which takes the diagonal path.
    expect(diagonal).toBeGreaterThan(50);
  });

  it('reports one insertion at the start of a million items as one add', () => {
    const a = Array.from({ length: 1_000_000 }, (_, i) => i * 7 + 1);
    const b = [42, ...a];
    const { ops } = checkedAlign(a, b);
    expect(ops).toEqual([['add', -1, 0]]);
  });

  it('pairs a replaced item instead of reporting a removal and an addition', () => {
    const { ops } = checkedAlign([1, 2, 3, 4], [1, 2, 9, 4]);
    expect(ops).toEqual([['pair', 2, 2]]);
  });

  it('falls back to patience anchors when the edit distance passes the bound, and stays exact on scattered edits', () => {
    const n = 200_000;
    const a = Array.from({ length: n }, (_, i) => i + 1);
    const b = a.slice();
    const changed: number[] = [];
    for (let i = 50; i < n; i += 100) {
      b[i] = -i;
      changed.push(i);
    }
    b.unshift(-1); // and an insertion at the very start
    const { ops, stats } = checkedAlign(a, b, { maxEditDistance: 100 });
    expect(stats.anchored).toBeGreaterThan(0);
    expect(ops.filter(([op]) => op === 'add')).toEqual([['add', -1, 0]]);
    expect(ops.filter(([op]) => op === 'pair').map(([, i]) => i)).toEqual(changed);
    expect(ops.filter(([op]) => op === 'del')).toEqual([]);
  });

  it('pairs by position when no item is unique and the bound is exceeded', () => {
    const rand = rng(3);
    const a = Array.from({ length: 5000 }, () => Math.floor(rand() * 2));
    const b = Array.from({ length: 5100 }, () => Math.floor(rand() * 2));
    const { stats, ops } = checkedAlign(a, b, { maxEditDistance: 10 });
    expect(stats.positional).toBeGreaterThan(0);
    expect(ops.filter(([op]) => op === 'add').length - ops.filter(([op]) => op === 'del').length).toBe(100);
  });

  it('handles empty sides', () => {
    expect(checkedAlign([], [1, 2]).ops).toEqual([['add', -1, 0], ['add', -1, 1]]);
    expect(checkedAlign([1, 2], []).ops).toEqual([['del', 0, -1], ['del', 1, -1]]);
    expect(checkedAlign([], []).ops).toEqual([]);
  });
});
