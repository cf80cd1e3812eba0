/**
 * Aligns two sequences of item hashes so that a list diff reports what a person would: one
 * insertion near the start of a million-item list is one `add`, not a million changes.
 *
 * Strategy, per segment (iterative; segments are processed in document order):
 * 1. Trim the common prefix and suffix (linear). One item against one item is a pair. Equal
 *    lengths with at least half the items equal in place split into their unequal runs (see
 *    `splitOnDiagonal`): values edited in place between generations never reach step 2.
 * 2. Myers' O((N+M)·D) shortest edit script, bounded: it gives up past `maxEditDistance` edits
 *    (default 1,000; it keeps one row per edit, so this also bounds memory to ~D² ints) or once
 *    it has spent `workBudget` steps (default 4·(N+M) + 100,000), whichever comes first.
 * 3. Past the bound, patience anchors: items whose hash occurs exactly once on each side, kept
 *    in order by a longest increasing subsequence (O(K log K)); the gaps between anchors become
 *    new segments. This finds scattered edits in huge lists (1% of a million records changed).
 * 4. When a segment has no anchor either (e.g. a list of repeated zeros that was shuffled), or the
 *    whole call has spent its total budget (32·(N+M) + 1,000,000 steps), items are paired by
 *    position and the surplus is added or removed at the end.
 * Replaced runs (k removals next to l additions) pair items so that a changed record is reported
 * as the fields that changed inside it. A run with as many removals as additions is paired in
 * order (in-place edits); otherwise, when `kindsA`/`kindsB` (a coarse type key per item) are
 * given, items of the same type are paired first (an LCS on the keys, for runs up to 250,000
 * key pairs), else the first min(k, l) are paired in order.
 */

/** What happens to one item: compare a changed pair in depth, or report an item removed/added. */
export type AlignOp = 'pair' | 'del' | 'add';

/** Receives operations in document order; `i` indexes the before side, `j` the after side (-1 when absent). */
export type AlignEmit = (op: AlignOp, i: number, j: number) => void;

/** Bounds on the alignment effort. */
export interface AlignOptions {
  /** Myers gives up past this many edits in one segment. */
  readonly maxEditDistance?: number;
  /** Myers gives up after this many steps in one segment (default 4·(N+M) + 100,000). */
  readonly workBudget?: number;
  /** A coarse type key per item of `a`, to pair removed and added items of the same type. */
  readonly kindsA?: ArrayLike<number>;
  /** The same for `b`. */
  readonly kindsB?: ArrayLike<number>;
}

/** How each segment was settled, for tests and diagnostics. */
export interface AlignStats {
  diagonal: number;
  myers: number;
  anchored: number;
  positional: number;
}

const DEFAULT_MAX_D = 1000;

/** Align `a` against `b` (arrays of item hashes), emitting only the differences. */
export function alignSequences(a: ArrayLike<number>, b: ArrayLike<number>, emit: AlignEmit, options: AlignOptions = {}): AlignStats {
  const stats: AlignStats = { diagonal: 0, myers: 0, anchored: 0, positional: 0 };
  const maxD = options.maxEditDistance ?? DEFAULT_MAX_D;
  let totalBudget = 32 * (a.length + b.length) + 1_000_000;
  // Segments as [aLo, aHi, bLo, bHi], popped in document order.
  const segments: number[][] = [[0, a.length, 0, b.length]];
  while (segments.length > 0) {
    let [aLo, aHi, bLo, bHi] = segments.pop() as number[];
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
      aLo++;
      bLo++;
    }
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) {
      aHi--;
      bHi--;
    }
    if (aLo === aHi) {
      for (let j = bLo; j < bHi; j++) emit('add', -1, j);
      continue;
    }
    if (bLo === bHi) {
      for (let i = aLo; i < aHi; i++) emit('del', i, -1);
      continue;
    }
    const n = aHi - aLo;
    const m = bHi - bLo;
    if (n === 1 && m === 1) {
      emit('pair', aLo, bLo);
      continue;
    }
    if (n === m && n >= DIAGONAL_MIN && splitOnDiagonal(a, aLo, b, bLo, n, segments)) {
      stats.diagonal++;
      continue;
    }
    if (totalBudget > 0) {
      const budget = Math.min(totalBudget, options.workBudget ?? 4 * (n + m) + 100_000);
      const script = myers(a, aLo, n, b, bLo, m, maxD, budget);
      totalBudget -= script.work;
      if (script.edits) {
        stats.myers++;
        emitScript(script.edits, aLo, bLo, emit, options);
        continue;
      }
      const anchors = patienceAnchors(a, aLo, aHi, b, bLo, bHi);
      totalBudget -= n + m;
      if (anchors.length > 0) {
        stats.anchored++;
        // Gaps between anchors, pushed last-first so the first gap is processed next.
        let nextA = aHi;
        let nextB = bHi;
        for (let t = anchors.length - 2; t >= 0; t -= 2) {
          const ai = anchors[t];
          const bj = anchors[t + 1];
          segments.push([ai + 1, nextA, bj + 1, nextB]);
          nextA = ai;
          nextB = bj;
        }
        segments.push([aLo, nextA, bLo, nextB]);
        continue;
      }
    }
    stats.positional++;
    const common = Math.min(n, m);
    for (let t = 0; t < common; t++) {
      if (a[aLo + t] !== b[bLo + t]) emit('pair', aLo + t, bLo + t);
    }
    for (let i = aLo + common; i < aHi; i++) emit('del', i, -1);
    for (let j = bLo + common; j < bHi; j++) emit('add', -1, j);
  }
  return stats;
}

/** Segments at least this long (equal on both sides) are tried for a split on the diagonal. */
export const DIAGONAL_MIN = 64;

/**
 * Equal lengths and at least half the items equal at the same index (values edited in place, the
 * common case between two generations): split the segment into its runs of unequal items, which
 * are processed as segments of their own. A run of one is a pair; a longer run (a shift between an
 * insertion and a removal) gets the full treatment, on just that window. Linear, no hashing of
 * the matched items, and the runs are strictly smaller than the segment, so this always ends.
 */
function splitOnDiagonal(a: ArrayLike<number>, aLo: number, b: ArrayLike<number>, bLo: number, n: number, segments: number[][]): boolean {
  let equal = 0;
  for (let t = 0; t < n; t++) if (a[aLo + t] === b[bLo + t]) equal++;
  if (equal * 2 < n) return false;
  const runs: number[][] = [];
  let t = 0;
  while (t < n) {
    if (a[aLo + t] === b[bLo + t]) {
      t++;
      continue;
    }
    const start = t;
    while (t < n && a[aLo + t] !== b[bLo + t]) t++;
    runs.push([aLo + start, aLo + t, bLo + start, bLo + t]);
  }
  for (let r = runs.length - 1; r >= 0; r--) segments.push(runs[r]);
  return true;
}

/** Edits as flat triples [op, x, y]: op 0 = delete a[x], 1 = insert b[y]; x, y segment-relative. */
interface Script {
  readonly edits: number[] | null;
  readonly work: number;
}

/**
 * Myers' greedy forward algorithm with the trace kept for backtracking. Moves that would leave the
 * edit graph are ruled out explicitly, so there is no overshoot past (n, m).
 */
function myers(a: ArrayLike<number>, aLo: number, n: number, b: ArrayLike<number>, bLo: number, m: number, maxD: number, budget: number): Script {
  const limit = Math.min(maxD, n + m);
  const off = limit + 1;
  const v = new Int32Array(2 * limit + 3).fill(-1);
  const trace: Int32Array[] = [];
  let work = 0;
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (d === 0) {
        x = 0;
      } else {
        const choice = chooseMove(v, off, k, d, n, m);
        if (choice === 0) {
          v[off + k] = -1;
          continue;
        }
        x = choice === 1 ? v[off + k + 1] : v[off + k - 1] + 1;
      }
      let y = x - k;
      const x0 = x;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      work += 1 + x - x0;
      v[off + k] = x;
      if (x === n && y === m) {
        trace.push(v.slice(off - d, off + d + 1));
        return { edits: backtrack(trace, n, m), work };
      }
    }
    trace.push(v.slice(off - d, off + d + 1));
    if (work > budget) return { edits: null, work };
  }
  return { edits: null, work };
}

/**
 * Which move reaches diagonal k at round d: 1 = down from k+1 (insert), 2 = right from k-1
 * (delete), 0 = neither stays inside the graph. `get(k)` reads round d-1's furthest x.
 */
function chooseMoveFrom(get: (k: number) => number, k: number, d: number, n: number, m: number): 0 | 1 | 2 {
  const down = k + 1 <= d - 1 ? get(k + 1) : -1;
  const right = k - 1 >= -(d - 1) ? get(k - 1) : -1;
  const downOk = down >= 0 && down - k <= m;
  const rightOk = right >= 0 && right + 1 <= n;
  if (downOk && (!rightOk || down > right)) return 1;
  if (rightOk) return 2;
  return 0;
}

function chooseMove(v: Int32Array, off: number, k: number, d: number, n: number, m: number): 0 | 1 | 2 {
  return chooseMoveFrom((kk) => v[off + kk], k, d, n, m);
}

function backtrack(trace: Int32Array[], n: number, m: number): number[] {
  const edits: number[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1];
    const k = x - y;
    const choice = chooseMoveFrom((kk) => prev[kk + d - 1], k, d, n, m);
    const prevK = choice === 1 ? k + 1 : k - 1;
    const prevX = prev[prevK + d - 1];
    const prevY = prevX - prevK;
    if (choice === 1) edits.push(1, prevX, prevY);
    else edits.push(0, prevX, prevY);
    x = prevX;
    y = prevY;
  }
  // Reverse the triples into document order.
  const out: number[] = new Array(edits.length);
  for (let t = 0, s = edits.length - 3; s >= 0; t += 3, s -= 3) {
    out[t] = edits[s];
    out[t + 1] = edits[s + 1];
    out[t + 2] = edits[s + 2];
  }
  return out;
}

/** Emits an edit script, pairing the removals and additions of each contiguous run. */
function emitScript(edits: number[], aLo: number, bLo: number, emit: AlignEmit, options: AlignOptions): void {
  let t = 0;
  while (t < edits.length) {
    const dels: number[] = [];
    const adds: number[] = [];
    let x = edits[t + 1];
    let y = edits[t + 2];
    while (t < edits.length && edits[t + 1] === x && edits[t + 2] === y) {
      if (edits[t] === 0) {
        dels.push(aLo + x);
        x++;
      } else {
        adds.push(bLo + y);
        y++;
      }
      t += 3;
    }
    pairRun(dels, adds, emit, options);
  }
}

const MAX_KIND_LCS = 250_000;

/** Pairs the removed and added items of one run, same-type items first when kinds are known. */
function pairRun(dels: number[], adds: number[], emit: AlignEmit, options: AlignOptions): void {
  const { kindsA, kindsB } = options;
  const k = dels.length;
  const l = adds.length;
  // Equal counts read as in-place edits (pair in order, even across types); only a run that also
  // inserts or removes items needs the type-aware match.
  if (!kindsA || !kindsB || k === l || k === 0 || l === 0 || k * l > MAX_KIND_LCS) {
    const common = Math.min(k, l);
    for (let p = 0; p < common; p++) emit('pair', dels[p], adds[p]);
    for (let p = common; p < k; p++) emit('del', dels[p], -1);
    for (let p = common; p < l; p++) emit('add', -1, adds[p]);
    return;
  }
  // LCS table on kinds, filled from the end so the walk below goes forward.
  const w = l + 1;
  const table = new Int32Array((k + 1) * w);
  for (let p = k - 1; p >= 0; p--) {
    for (let q = l - 1; q >= 0; q--) {
      table[p * w + q] =
        kindsA[dels[p]] === kindsB[adds[q]] ? table[(p + 1) * w + q + 1] + 1 : Math.max(table[(p + 1) * w + q], table[p * w + q + 1]);
    }
  }
  // Unmatched items between two matches are still paired in order: they sit in the same place.
  let p = 0;
  let q = 0;
  const loneDels: number[] = [];
  const loneAdds: number[] = [];
  const flushLone = (): void => {
    const common = Math.min(loneDels.length, loneAdds.length);
    for (let t = 0; t < common; t++) emit('pair', loneDels[t], loneAdds[t]);
    for (let t = common; t < loneDels.length; t++) emit('del', loneDels[t], -1);
    for (let t = common; t < loneAdds.length; t++) emit('add', -1, loneAdds[t]);
    loneDels.length = 0;
    loneAdds.length = 0;
  };
  while (p < k || q < l) {
    if (p < k && q < l && kindsA[dels[p]] === kindsB[adds[q]]) {
      flushLone();
      emit('pair', dels[p++], adds[q++]);
    } else if (q >= l || (p < k && table[(p + 1) * w + q] >= table[p * w + q + 1])) {
      loneDels.push(dels[p++]);
    } else {
      loneAdds.push(adds[q++]);
    }
  }
  flushLone();
}

/**
 * Items unique on both sides of the segment, in the longest order both sides agree on:
 * flat pairs [i, j, i, j, …] with i and j increasing.
 */
function patienceAnchors(a: ArrayLike<number>, aLo: number, aHi: number, b: ArrayLike<number>, bLo: number, bHi: number): number[] {
  const DUP = -2;
  const inA = new HashTable(aHi - aLo);
  for (let i = aLo; i < aHi; i++) {
    const h = a[i];
    inA.set(h, inA.get(h) === HashTable.ABSENT ? i : DUP);
  }
  const inB = new HashTable(bHi - bLo);
  for (let j = bLo; j < bHi; j++) {
    const h = b[j];
    if (inA.get(h) === HashTable.ABSENT) continue;
    inB.set(h, inB.get(h) === HashTable.ABSENT ? j : DUP);
  }
  const candI: number[] = [];
  const candJ: number[] = [];
  for (let i = aLo; i < aHi; i++) {
    const h = a[i];
    if (inA.get(h) !== i) continue;
    const j = inB.get(h);
    if (j < 0) continue;
    candI.push(i);
    candJ.push(j);
  }
  if (candI.length === 0) return [];
  // Longest strictly increasing subsequence of candJ (patience sorting).
  const tails: number[] = [];
  const prev = new Int32Array(candJ.length);
  for (let c = 0; c < candJ.length; c++) {
    const j = candJ[c];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (candJ[tails[mid]] < j) lo = mid + 1;
      else hi = mid;
    }
    prev[c] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = c;
  }
  const out: number[] = new Array(tails.length * 2);
  for (let c = tails[tails.length - 1], t = tails.length - 1; c >= 0; c = prev[c], t--) {
    out[2 * t] = candI[c];
    out[2 * t + 1] = candJ[c];
  }
  return out;
}

/**
 * Open addressing from item hash (a non-negative 53-bit integer) to an int, in typed arrays: a
 * Map keyed by non-Smi numbers costs several times more on a million items.
 */
class HashTable {
  static readonly ABSENT = -1;
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly mask: number;

  constructor(expected: number) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.vals = new Int32Array(size).fill(HashTable.ABSENT);
    this.mask = size - 1;
  }

  private slot(key: number): number {
    let s = (Math.imul(key | 0, 0x9e3779b1) ^ ((key / 4294967296) | 0)) & this.mask;
    while (this.vals[s] !== HashTable.ABSENT && this.keys[s] !== key) s = (s + 1) & this.mask;
    return s;
  }

  get(key: number): number {
    return this.vals[this.slot(key)];
  }

  set(key: number, value: number): void {
    const s = this.slot(key);
    this.keys[s] = key;
    this.vals[s] = value;
  }
}
