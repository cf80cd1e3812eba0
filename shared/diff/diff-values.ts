/**
 * Structural diff of two decoded values (two generations of a checkpoint).
 *
 * Semantics, chosen so that the diff never hides drift and never drowns a person in noise:
 * - ints compare by exact text (2**64 ≠ 2**64+1); floats by value, NaN equal to NaN, -0.0 ≠ 0.0;
 *   a different Python type is a `typeChanged` (int 0 vs float 0.0, str vs datetime, list vs
 *   tuple, set vs frozenset, bytes vs bytearray, dict vs OrderedDict, one class vs another).
 * - dicts compare by key, order ignored; the key's type counts (int 1 and str "1" are different
 *   keys, so that change shows as one removal and one addition at the same-looking pointer).
 * - sets compare as sets: items only in `before` are removed, items only in `after` added.
 * - lists and tuples are aligned by content (see `align-sequences.ts`), so an insertion is one
 *   `added`, and a replaced item is compared in depth.
 * - pointers are RFC 6901: dict keys escaped, non-str keys by Python repr, list and set items by
 *   index — in `after` for added and changed, in `before` for removed. Inert objects are
 *   addressed as `walk-value.ts` names them: `/args/<i>`, `/state`, `/items/<i>`, `/entries/<key>`.
 *
 * Invariants: nothing recurses (100k-deep trees work); every subtree is hashed once so equal
 * subtrees are skipped in O(1); on pickle trees that share nodes or contain cycles each
 * (before node, after node) pair is compared at most once, at the first pointer it is reached by,
 * so the diff always ends and stays linear.
 * - With `unshared` (trees that share no container: a JSON reader's), equal subtrees are found by
 *   walking both side by side instead of hashing both trees first, and a long list edited in place
 *   hashes only its runs of unequal items; the changes are the same as on the hashed path.
 */
import { childPointer } from '../model/json-pointer';
import { keyToken } from '../model/walk-value';
import { floatValue, type Value } from '../model/value';
import { alignSequences, DIAGONAL_MIN } from './align-sequences';
import { createHashIndex, hashOf, hashTree, isComposite, normalIntText, smallSubtreeSize, type HashIndex } from './structural-hash';

/** One difference between two values. */
export interface DiffChange {
  /** `added`/`removed`: present on one side only; `changed`: same type, other value; `typeChanged`: other Python type. */
  readonly kind: 'added' | 'removed' | 'changed' | 'typeChanged';
  /** Where, as a JSON Pointer (see the module comment for list indexes). */
  readonly pointer: string;
  /** The value before (absent for `added`). */
  readonly before?: Value;
  /** The value after (absent for `removed`). */
  readonly after?: Value;
}

/** Counts of every change found, including those past `maxChanges`. */
export interface DiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly typeChanged: number;
}

/** The diff of two values. */
export interface DiffResult {
  readonly summary: DiffSummary;
  /** Changes in document order, at most `maxChanges` of them. */
  readonly changes: DiffChange[];
  /** True when there were more changes than `maxChanges` (the summary still counts them all). */
  readonly truncated: boolean;
}

/** Options for `diffValues`. */
export interface DiffOptions {
  /** Keep at most this many changes (default 100,000); the summary counts all of them. */
  readonly maxChanges?: number;
  /** Called now and then with nodes processed so far and the total, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Node counts of `before` and `after` when the readers counted them (`DecodeResult.nodes`):
   * the progress total then needs no counting walk over both trees (a fifth of a 50 MB diff).
   */
  readonly nodes?: { readonly before?: number; readonly after?: number };
  /**
   * True when neither tree shares a container (a JSON reader's trees; pickles may share nodes
   * and hold cycles). Equal subtrees are then recognised by walking both side by side, which
   * stops at the first difference and takes shared leaves (repeated keys, short strings) by
   * identity, instead of hashing both trees whole first; hashes are computed only where lists
   * must be aligned. Same result either way.
   */
  readonly unshared?: boolean;
}

/** Default cap on listed changes: enough for any screen, small enough to send over IPC. */
export const DEFAULT_MAX_CHANGES = 100_000;

/** Diff two values; see the module comment for the semantics. */
export function diffValues(before: Value, after: Value, options: DiffOptions = {}): DiffResult {
  const maxChanges = options.maxChanges ?? DEFAULT_MAX_CHANGES;
  const onProgress = options.onProgress;
  const index = createHashIndex();

  const total = onProgress ? (options.nodes?.before ?? countNodes(before)) + (options.nodes?.after ?? countNodes(after)) + 1 : 0;
  onProgress?.(0, total);
  const unshared = options.unshared === true;
  // Composite equality: by structural hash, or (unshared trees) by walking both.
  let eq: CompositeEq;
  if (unshared) {
    let walked = 0;
    let nextReport = PROGRESS_EVERY;
    eq = (b, a) =>
      treesEqual(b, a, index, (n) => {
        walked += n;
        if (onProgress && walked >= nextReport) {
          nextReport = walked + PROGRESS_EVERY;
          onProgress(Math.min(total - 1, walked), total);
        }
      });
  } else {
    let hashedBefore = 0;
    hashTree(before, index, onProgress && ((n) => onProgress((hashedBefore = n), total)));
    hashTree(after, index, onProgress && ((n) => onProgress(Math.min(total - 1, hashedBefore + n), total)));
    eq = (b, a) => hashOf(b, index) === hashOf(a, index);
  }

  const summary = { added: 0, removed: 0, changed: 0, typeChanged: 0 };
  const changes: DiffChange[] = [];
  let truncated = false;
  const record = (kind: DiffChange['kind'], pointer: string, b?: Value, a?: Value): void => {
    summary[kind]++;
    if (changes.length >= maxChanges) {
      truncated = true;
      return;
    }
    const change: { kind: DiffChange['kind']; pointer: string; before?: Value; after?: Value } = { kind, pointer };
    if (b !== undefined) change.before = b;
    if (a !== undefined) change.after = a;
    changes.push(change);
  };

  // Work stack of (before, after, pointer, known to differ); a missing side means added or removed.
  // A pair queued because its hashes differ is marked, so its subtrees are not hashed again to
  // learn that (small subtrees are not kept in the index: each check would walk them anew).
  const stackB: (Value | undefined)[] = [before];
  const stackA: (Value | undefined)[] = [after];
  const stackP: string[] = [''];
  const stackK: boolean[] = [false];
  const visitedPairs = new Map<Value, Value | Set<Value>>();
  // Children of one pair, gathered in document order and then pushed in reverse.
  const pendB: (Value | undefined)[] = [];
  const pendA: (Value | undefined)[] = [];
  const pendP: string[] = [];
  const pendK: boolean[] = [];
  const queue = (b: Value | undefined, a: Value | undefined, pointer: string, differs = false): void => {
    pendB.push(b);
    pendA.push(a);
    pendP.push(pointer);
    pendK.push(differs);
  };
  const flush = (): void => {
    for (let t = pendB.length - 1; t >= 0; t--) {
      stackB.push(pendB[t]);
      stackA.push(pendA[t]);
      stackP.push(pendP[t]);
      stackK.push(pendK[t]);
    }
    pendB.length = 0;
    pendA.length = 0;
    pendP.length = 0;
    pendK.length = 0;
  };

  while (stackP.length > 0) {
    const b = stackB.pop();
    const a = stackA.pop();
    const pointer = stackP.pop() as string;
    const knownToDiffer = stackK.pop() as boolean;
    if (b === undefined) {
      record('added', pointer, undefined, a);
      continue;
    }
    if (a === undefined) {
      record('removed', pointer, b, undefined);
      continue;
    }
    if (a === b) continue;
    if (!sameType(b, a)) {
      record('typeChanged', pointer, b, a);
      continue;
    }
    if (!isComposite(b)) {
      if (!leafEqual(b, a)) record('changed', pointer, b, a);
      continue;
    }
    if (!knownToDiffer && eq(b, a)) continue;
    // Only pairs that differ get here, so remembering each costs little even on big trees, and
    // it is what keeps shared nodes from being reported twice and cycles from looping.
    const seen = visitedPairs.get(b);
    if (seen === undefined) visitedPairs.set(b, a);
    else if (seen === a) continue;
    else if (seen instanceof Set) {
      if (seen.has(a)) continue;
      seen.add(a);
    } else visitedPairs.set(b, new Set([seen as Value, a]));
    switch (b.kind) {
      case 'dict':
        diffDict(b, b.pairs, a, (a as typeof b).pairs, pointer, index, queue, eq);
        break;
      case 'list':
      case 'tuple':
        if (!unshared || !diffInPlace(b.items, (a as typeof b).items, pointer, index, queue, eq)) {
          diffSequence(b.items, (a as typeof b).items, itemHashes(b, b.items, index), itemHashes(a, (a as typeof b).items, index), pointer, queue);
        }
        break;
      case 'set':
        diffSet(b.items, (a as typeof b).items, itemHashes(b, b.items, index), itemHashes(a, (a as typeof b).items, index), pointer, queue);
        break;
      case 'object': {
        // Addressed as walk-value names them: /args/<i>, /state, /items/<i>, /entries/<key>.
        const ao = a as typeof b;
        const seq = (x: Value[], y: Value[], token: string) =>
          diffSequence(x, y, itemHashes(null, x, index), itemHashes(null, y, index), childPointer(pointer, token), queue);
        seq(b.args ?? [], ao.args ?? [], 'args');
        if (b.state !== undefined || ao.state !== undefined) {
          if (b.state === undefined || ao.state === undefined || !quickEqual(b.state, ao.state, eq)) {
            queue(b.state, ao.state, childPointer(pointer, 'state'));
          }
        }
        seq(b.items ?? [], ao.items ?? [], 'items');
        // The index keeps no child hashes for objects: values are compared by quickEqual.
        diffDict(null, b.pairs ?? NO_PAIRS, null, ao.pairs ?? NO_PAIRS, childPointer(pointer, 'entries'), index, queue, eq);
        break;
      }
      default:
        break;
    }
    flush();
  }
  onProgress?.(total, total);
  return { summary, changes, truncated };
}

/** Equality of two composites of the same type, as the structural hash defines it. */
type CompositeEq = (b: Value, a: Value) => boolean;

/** Progress is reported about this often (nodes walked) on the unshared path. */
const PROGRESS_EVERY = 65_536;

/**
 * Equality of two subtrees of unshared trees, exactly as their structural hashes would decide it
 * (bar collisions): both walked side by side, stopping at the first difference. A dict whose keys
 * come in another order, a set and an inert object are compared by hash instead (order-free).
 * `onWalked` hears how many nodes were compared, for progress.
 */
function treesEqual(b0: Value, a0: Value, index: HashIndex, onWalked: (n: number) => void): boolean {
  const bs: Value[] = [b0];
  const as: Value[] = [a0];
  let walked = 0;
  let equal = true;
  while (bs.length > 0) {
    const b = bs.pop() as Value;
    const a = as.pop() as Value;
    walked += 2;
    if (a === b) continue;
    if (!sameType(b, a)) {
      equal = false;
      break;
    }
    if (b.kind === 'list' || b.kind === 'tuple') {
      const x = b.items;
      const y = (a as typeof b).items;
      if (x.length !== y.length) {
        equal = false;
        break;
      }
      for (let i = x.length - 1; i >= 0; i--) {
        bs.push(x[i]);
        as.push(y[i]);
      }
    } else if (b.kind === 'dict') {
      // Keys and values alternately: keys at even indexes, values at odd ones.
      const x = b.pairs;
      const y = (a as typeof b).pairs;
      if (x.length !== y.length) {
        equal = false;
        break;
      }
      let sameOrder = true;
      for (let i = 0; i < x.length; i += 2) {
        const k = x[i];
        const l = y[i];
        if (k !== l && !(k.kind === 'str' && l.kind === 'str' && k.value === l.value)) {
          sameOrder = false;
          break;
        }
      }
      if (!sameOrder) {
        if (hashOf(b, index) !== hashOf(a, index)) {
          equal = false;
          break;
        }
        continue;
      }
      for (let i = x.length - 1; i > 0; i -= 2) {
        bs.push(x[i]);
        as.push(y[i]);
      }
    } else if (isComposite(b)) {
      if (hashOf(b, index) !== hashOf(a, index)) {
        equal = false;
        break;
      }
    } else if (!leafEqual(b, a)) {
      equal = false;
      break;
    }
  }
  onWalked(walked);
  return equal;
}

/**
 * The list diff of unshared trees when both lists have the same length and at least half their
 * items are equal in place (values edited between generations): equality by walking, and hashes
 * only for the runs of unequal items, which are aligned as `alignSequences` aligns them after its
 * own diagonal split. False when the lists do not qualify (the caller aligns them whole).
 */
function diffInPlace(b: readonly Value[], a: readonly Value[], pointer: string, index: HashIndex, queue: Queue, eq: CompositeEq): boolean {
  const n = b.length;
  if (a.length !== n) return false;
  const same = new Uint8Array(n);
  let equal = 0;
  for (let t = 0; t < n; t++) {
    const x = b[t];
    const y = a[t];
    if (x === y || (sameType(x, y) && (isComposite(x) ? eq(x, y) : leafEqual(x, y)))) {
      same[t] = 1;
      equal++;
    }
  }
  // alignSequences trims the equal ends first, then splits on the diagonal (at least 64 items
  // left, at least half of them equal in place); anything else is aligned whole, by hash.
  let lo = 0;
  while (lo < n && same[lo]) lo++;
  let hi = n;
  while (hi > lo && same[hi - 1]) hi--;
  if (lo === hi) return true;
  const middle = hi - lo;
  const equalInMiddle = equal - lo - (n - hi);
  if (middle < DIAGONAL_MIN || equalInMiddle * 2 < middle) return false;
  let t = lo;
  while (t < hi) {
    if (same[t]) {
      t++;
      continue;
    }
    const start = t;
    while (t < hi && !same[t]) t++;
    const runB = b.slice(start, t);
    const runA = a.slice(start, t);
    diffSequence(runB, runA, itemHashes(null, runB, index), itemHashes(null, runA, index), pointer, queue, start);
  }
  return true;
}

/** Queue a pair to compare; `differs` when their hashes are already known to differ. */
type Queue = (b: Value | undefined, a: Value | undefined, pointer: string, differs?: boolean) => void;

/** Same Python type: kind plus the distinctions the kind alone does not carry. */
function sameType(b: Value, a: Value): boolean {
  if (b.kind !== a.kind) return false;
  switch (b.kind) {
    case 'bytes':
      return !b.mutable === !(a as typeof b).mutable;
    case 'set':
      return !b.frozen === !(a as typeof b).frozen;
    case 'dict':
      return (b.cls ?? '') === ((a as typeof b).cls ?? '');
    case 'typed':
      return b.type === (a as typeof b).type;
    case 'object':
      return b.cls === (a as typeof b).cls;
    default:
      return true;
  }
}

/** Equality of two leaves already known to be of the same type. */
function leafEqual(b: Value, a: Value): boolean {
  switch (b.kind) {
    case 'null':
      return true;
    case 'bool':
      return b.value === (a as typeof b).value;
    case 'int': {
      const at = (a as typeof b).text;
      return b.text === at || normalIntText(b.text) === normalIntText(at);
    }
    case 'float':
      // Object.is: NaN equals NaN, -0.0 differs from 0.0.
      return b.text === (a as typeof b).text || Object.is(floatValue(b), floatValue(a as typeof b));
    case 'str':
      return b.value === (a as typeof b).value;
    case 'bytes': {
      const x = b.value;
      const y = (a as typeof b).value;
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    }
    case 'typed':
      return b.repr === (a as typeof b).repr;
    case 'global':
      return b.name === (a as typeof b).name;
    default:
      return false;
  }
}

/** Cheap equality for deciding whether a child needs a task at all. */
function quickEqual(b: Value, a: Value, eq: CompositeEq): boolean {
  if (a === b) return true;
  if (!sameType(b, a)) return false;
  if (isComposite(b)) return eq(b, a);
  return leafEqual(b, a);
}

/** No dict items (an inert object without them). */
const NO_PAIRS: readonly Value[] = [];

/**
 * Key identity: str keys by value, other keys by structural hash (their type is part of it).
 * Maps a key to its entry index (the key sits at `pairs[2 * i]`).
 */
function keyMaps(pairs: readonly Value[], index: HashIndex): { str: Map<string, number>; other: Map<number, number> } {
  const str = new Map<string, number>();
  const other = new Map<number, number>();
  // Later duplicates win, as they do in Python's json.load and dict literals.
  for (let i = 0, n = pairs.length >> 1; i < n; i++) {
    const key = pairs[2 * i];
    if (key.kind === 'str') str.set(key.value, i);
    else other.set(hashOf(key, index), i);
  }
  return { str, other };
}

function lookup(maps: { str: Map<string, number>; other: Map<number, number> }, key: Value, index: HashIndex): number | undefined {
  return key.kind === 'str' ? maps.str.get(key.value) : maps.other.get(hashOf(key, index));
}

/**
 * Diff two dicts given as key/value pairs (`DictValue.pairs`); `bNode`/`aNode` are the nodes that
 * hold them, whose child hashes the index may keep (null for an inert object's dict items).
 */
function diffDict(
  bNode: Value | null,
  b: readonly Value[],
  aNode: Value | null,
  a: readonly Value[],
  pointer: string,
  index: HashIndex,
  queue: Queue,
  eq: CompositeEq,
): void {
  const bMaps = keyMaps(b, index);
  const aMaps = keyMaps(a, index);
  // Hashes of the values, from the index when the dicts are tracked (key, value, key, value…).
  const bh = bNode === null ? null : index.childHashes(bNode);
  const ah = aNode === null ? null : index.childHashes(aNode);
  const bn = b.length >> 1;
  const an = a.length >> 1;
  const matched = new Uint8Array(an);
  for (let i = 0; i < bn; i++) {
    const key = b[2 * i];
    if (lookup(bMaps, key, index) !== i) continue; // shadowed duplicate
    const value = b[2 * i + 1];
    const j = lookup(aMaps, key, index);
    if (j === undefined) {
      queue(value, undefined, childPointer(pointer, keyToken(key)));
      continue;
    }
    matched[j] = 1;
    const other = a[2 * j + 1];
    const same = bh !== null && ah !== null ? itemEqual(value, other, bh[2 * i + 1], ah[2 * j + 1]) : quickEqual(value, other, eq);
    if (!same) queue(value, other, childPointer(pointer, keyToken(a[2 * j])), true);
  }
  for (let j = 0; j < an; j++) {
    if (matched[j] || lookup(aMaps, a[2 * j], index) !== j) continue;
    queue(undefined, a[2 * j + 1], childPointer(pointer, keyToken(a[2 * j])));
  }
}

/** The hashes of a sequence's items: kept by the index for a tracked node, else computed. */
function itemHashes(parent: Value | null, items: readonly Value[], index: HashIndex): Float64Array {
  const known = parent === null ? null : index.childHashes(parent);
  if (known !== null && known.length === items.length) return known;
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = hashOf(items[i], index);
  return out;
}

/** Equality of two children whose hashes are known: exact for leaves, by hash for containers. */
function itemEqual(b: Value, a: Value, hb: number, ha: number): boolean {
  if (a === b) return true;
  if (hb !== ha || !sameType(b, a)) return false;
  return isComposite(b) || leafEqual(b, a);
}

function diffSequence(
  b: readonly Value[],
  a: readonly Value[],
  bh: Float64Array,
  ah: Float64Array,
  pointer: string,
  queue: Queue,
  /** Where `b[0]` and `a[0]` sit in the lists the pointers index (a run cut out of a longer list). */
  base = 0,
): void {
  // Trim the untouched ends first: the common case (a few changes in a long list) never aligns them.
  let lo = 0;
  const common = Math.min(b.length, a.length);
  while (lo < common && itemEqual(b[lo], a[lo], bh[lo], ah[lo])) lo++;
  let bHi = b.length;
  let aHi = a.length;
  while (bHi > lo && aHi > lo && itemEqual(b[bHi - 1], a[aHi - 1], bh[bHi - 1], ah[aHi - 1])) {
    bHi--;
    aHi--;
  }
  if (lo === bHi && lo === aHi) return;
  const hb = bh.subarray(lo, bHi);
  const ha = ah.subarray(lo, aHi);
  const kb = new Int32Array(bHi - lo);
  const ka = new Int32Array(aHi - lo);
  const codes = new Map<string, number>();
  const code = (v: Value): number => {
    const name = typeName(v);
    let c = codes.get(name);
    if (c === undefined) codes.set(name, (c = codes.size));
    return c;
  };
  for (let i = lo; i < bHi; i++) kb[i - lo] = code(b[i]);
  for (let j = lo; j < aHi; j++) ka[j - lo] = code(a[j]);
  alignSequences(hb, ha, (op, i, j) => {
    if (op === 'add') queue(undefined, a[lo + j], childPointer(pointer, base + lo + j));
    else if (op === 'del') queue(b[lo + i], undefined, childPointer(pointer, base + lo + i));
    else queue(b[lo + i], a[lo + j], childPointer(pointer, base + lo + j), hb[i] !== ha[j]);
  }, { kindsA: kb, kindsB: ka });
}

/** The Python type of a node as `sameType` sees it, as one string. */
function typeName(v: Value): string {
  switch (v.kind) {
    case 'bytes':
      return v.mutable ? 'bytearray' : 'bytes';
    case 'set':
      return v.frozen ? 'frozenset' : 'set';
    case 'dict':
      return v.cls ? `dict:${v.cls}` : 'dict';
    case 'typed':
      return `typed:${v.type}`;
    case 'object':
      return `object:${v.cls}`;
    default:
      return v.kind;
  }
}

function diffSet(b: readonly Value[], a: readonly Value[], bh: Float64Array, ah: Float64Array, pointer: string, queue: Queue): void {
  // A multiset match on hashes: an item present on both sides (as often) is unchanged.
  const available = new Map<number, number[]>();
  for (let j = 0; j < a.length; j++) {
    const list = available.get(ah[j]);
    if (list) list.push(j);
    else available.set(ah[j], [j]);
  }
  const used = new Uint8Array(a.length);
  for (let i = 0; i < b.length; i++) {
    const j = available.get(bh[i])?.pop();
    if (j === undefined) queue(b[i], undefined, childPointer(pointer, i));
    else used[j] = 1;
  }
  for (let j = 0; j < a.length; j++) if (!used[j]) queue(undefined, a[j], childPointer(pointer, j));
}

/**
 * Distinct nodes under `root` (each shared container once), iteratively, for the progress total.
 * Small subtrees (which hold no cycle) are sized without identity checks, as the hash does.
 */
function countNodes(root: Value): number {
  const seen = new Set<Value>();
  const stack: Value[] = [root];
  let count = 0;
  while (stack.length > 0) {
    const v = stack.pop() as Value;
    count++;
    if (!isComposite(v)) continue;
    const small = smallSubtreeSize(v);
    if (small >= 0) {
      count += small;
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    switch (v.kind) {
      case 'list':
      case 'tuple':
      case 'set':
        for (const item of v.items) stack.push(item);
        break;
      case 'dict':
        for (const c of v.pairs) stack.push(c);
        break;
      case 'object':
        for (const item of v.args ?? []) stack.push(item);
        if (v.state !== undefined) stack.push(v.state);
        for (const item of v.items ?? []) stack.push(item);
        for (const c of v.pairs ?? NO_PAIRS) stack.push(c);
        break;
      default:
        break;
    }
  }
  return count;
}
