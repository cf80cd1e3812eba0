/**
 * Structural hashes of value trees, so that the diff can skip unchanged subtrees in O(1) and align
 * list items by content.
 *
 * Invariants:
 * - Equal values hash equal, under the diff's equality: ints by exact text (2**64 and 2**64+1
 *   differ), floats by value with NaN equal to NaN and -0.0 distinct from 0.0, dicts and sets
 *   regardless of order, and the Python type counts (list ≠ tuple, int 1 ≠ float 1.0 ≠ True,
 *   int key 1 ≠ str key "1", set ≠ frozenset, bytes ≠ bytearray).
 * - A hash is a 53-bit non-negative integer from two independent 32-bit lanes (one shown in full,
 *   one in 21 bits), so two different subtrees collide with probability ~2**-53. The diff treats
 *   equal hashes as equal subtrees; that is the price of diffing 50 MB in about a second.
 * - Hashing is iterative (no recursion, so 100k-deep trees work) and hashes each tracked container
 *   once: pickle trees that share nodes stay linear, and a node reached again while it is still
 *   being hashed (a cycle) contributes a back-reference token carrying its distance up the stack.
 * - Small containers — whose whole subtree, unfolded, has at most 64 nodes (a record like
 *   `{"id": 1, "tags": ["a"], "metrics": {"acc": 0.9}}`) — are not tracked: a subtree that small
 *   cannot contain a cycle (a cycle unfolds without end), hashing one again costs at most 64
 *   nodes, and identity lookups are the dominant cost of hashing a 50 MB tree (about half a
 *   microsecond each). The bounded hash of a small subtree recurses at most 64 levels.
 * - The inner loop passes hashes as two int32 lanes through module-level registers (`OH`, `OL`)
 *   rather than returning 53-bit doubles, which V8 would box on every call.
 */
import { floatValue, type Value } from '../model/value';

/**
 * Hashes of the tracked composite nodes hashed so far; hash both sides of a diff into the same
 * index. One Map lookup and one insert per tracked composite: the Map gives a slot, the hash lives
 * in a typed array (negative while the node is still being hashed), next to the hashes of the
 * node's children, so that aligning a list never hashes its items again.
 */
export class HashIndex {
  private readonly slotOf = new Map<Value, number>();
  private slots = new Float64Array(1024);
  private readonly children: (Float64Array | null)[] = [];
  private used = 0;

  /** The node's hash, its in-progress marker (negative), or undefined when never reached. */
  lookup(v: Value): number | undefined {
    const s = this.slotOf.get(v);
    return s === undefined ? undefined : this.slots[s];
  }

  /** Registers a node with a provisional (negative) value; returns its slot. */
  open(v: Value, marker: number): number {
    if (this.used === this.slots.length) {
      const grown = new Float64Array(this.slots.length * 2);
      grown.set(this.slots);
      this.slots = grown;
    }
    const s = this.used++;
    this.slots[s] = marker;
    this.children[s] = null;
    this.slotOf.set(v, s);
    return s;
  }

  /** Stores the final hash of a slot, and its children's hashes (items; dict: key, value, …). */
  close(slot: number, hash: number, children: Float64Array | null): void {
    this.slots[slot] = hash;
    this.children[slot] = children;
  }

  /** The children's hashes of a tracked node (dict: key, value, key, value…), or null. */
  childHashes(v: Value): Float64Array | null {
    const s = this.slotOf.get(v);
    return s === undefined || this.slots[s] < 0 ? null : this.children[s];
  }
}

/** A fresh, empty index. */
export function createHashIndex(): HashIndex {
  return new HashIndex();
}

/** Nodes with children: list, tuple, set, dict, and inert objects (args then state). */
export function isComposite(v: Value): boolean {
  const k = v.kind;
  return k === 'list' || k === 'tuple' || k === 'dict' || k === 'set' || k === 'object';
}

const TWO_21 = 2097152;

// Seeds per kind so that e.g. [] and () and set() hash apart.
const SEED = {
  null: 0x1b873593,
  true: 0x2c1b3c6d,
  false: 0x297a2d39,
  int: 0x6c8e9cf5,
  float: 0x3c6ef372,
  str: 0x165667b1,
  bytes: 0x27d4eb2f,
  bytearray: 0x61c88647,
  typed: 0x7f4a7c15,
  global: 0x5bd1e995,
  list: 0x0b4611a5,
  tuple: 0x4cf5ad43,
  set: 0x1656b7e3,
  frozenset: 0x2545f491,
  dict: 0x68e31da4,
  object: 0x3a8f05c5,
  cycle: 0x7a3dc1f3,
  setItem: 0x3c6ef372,
  dictEntry: 0x68e31da4,
} as const;

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const LANE_B = 0x2f6b8a1d;

/** Lane 1: a murmur3 round. */
function mixA(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Lane 2: an xxhash32 round, so that the lanes do not collide together. */
function mixB(h: number, k: number): number {
  h = (h + Math.imul(k, P2)) | 0;
  h = (h << 13) | (h >>> 19);
  return Math.imul(h, P1);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h;
}

// Output registers of the last hash computed: lane A (32 bits) and lane B (21 bits).
let OH = 0;
let OL = 0;

function finishInto(a: number, b: number, n: number): void {
  OH = fmix(mixA(a, n));
  OL = fmix(mixB(b, n ^ 0x5f356495)) >>> 11;
}

/** The registers as one 53-bit non-negative integer. */
function out53(): number {
  return (OH >>> 0) * TWO_21 + OL;
}

function strInto(seed: number, s: string): void {
  let a = seed;
  let b = seed ^ LANE_B;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
    a = mixA(a, k);
    b = mixB(b, k);
  }
  if (i < n) {
    const k = s.charCodeAt(i);
    a = mixA(a, k);
    b = mixB(b, k);
  }
  finishInto(a, b, n);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

finishInto(SEED.null, SEED.null, 0);
const NULL_H = OH;
const NULL_L = OL;
finishInto(SEED.true, SEED.true, 1);
const TRUE_H = OH;
const TRUE_L = OL;
finishInto(SEED.false, SEED.false, 0);
const FALSE_H = OH;
const FALSE_L = OL;

/** Hash a leaf node into the registers. */
function leafInto(v: Value): void {
  switch (v.kind) {
    case 'str':
      strInto(SEED.str, v.value);
      return;
    case 'int':
      strInto(SEED.int, normalIntText(v.text));
      return;
    case 'float': {
      // By value: every NaN alike, -0.0 apart from 0.0 (its sign bit differs).
      let lo = 0;
      let hi = 0x7ff80000;
      const x = floatValue(v);
      if (!Number.isNaN(x)) {
        f64[0] = x;
        lo = u32[0];
        hi = u32[1];
      }
      finishInto(mixA(mixA(SEED.float, lo), hi), mixB(mixB(SEED.float, hi), lo), 8);
      return;
    }
    case 'bool':
      OH = v.value ? TRUE_H : FALSE_H;
      OL = v.value ? TRUE_L : FALSE_L;
      return;
    case 'null':
      OH = NULL_H;
      OL = NULL_L;
      return;
    case 'bytes': {
      let a: number = v.mutable ? SEED.bytearray : SEED.bytes;
      let b = a ^ LANE_B;
      const bytes = v.value;
      for (let i = 0; i < bytes.length; i++) {
        a = mixA(a, bytes[i]);
        b = mixB(b, bytes[i]);
      }
      finishInto(a, b, bytes.length);
      return;
    }
    case 'typed':
      strInto(SEED.typed, `${v.type}\u0000${v.repr}`);
      return;
    case 'global':
      strInto(SEED.global, v.name);
      return;
    default:
      throw new Error(`leafHash: ${v.kind} is a composite node`);
  }
}

/** Hash of a leaf node (anything but a composite). */
export function leafHash(v: Value): number {
  leafInto(v);
  return out53();
}

/**
 * Integer text as the diff compares it. Readers give canonical decimal text; `-0`, `+1` and
 * leading zeros are folded defensively so that equal integers can never hash apart.
 */
export function normalIntText(text: string): string {
  const c0 = text.charCodeAt(0);
  if (text.length > 1 && (c0 === 48 || c0 === 43 || (c0 === 45 && text.charCodeAt(1) === 48))) {
    try {
      return BigInt(text).toString();
    } catch {
      return text;
    }
  }
  return text;
}

function compositeSeed(v: Value): number {
  switch (v.kind) {
    case 'list':
      return SEED.list;
    case 'tuple':
      return SEED.tuple;
    case 'set':
      return v.frozen ? SEED.frozenset : SEED.set;
    case 'dict':
      if (!v.cls) return SEED.dict;
      strInto(SEED.dict, v.cls);
      return OH;
    case 'object':
      strInto(SEED.object, v.cls);
      return OH;
    default:
      return 0;
  }
}

/**
 * Children of an inert object, in hashing order: args, state, list-subclass items, dict-subclass
 * entries (key, value, …), each group led by a marker leaf so that moving a value from one group
 * to another changes the hash.
 */
function objectChildren(v: Value & { kind: 'object' }): Value[] {
  const kids: Value[] = [{ kind: 'int', text: String(v.args ? v.args.length : 0) }];
  if (v.args) for (const a of v.args) kids.push(a);
  kids.push(v.state !== undefined ? v.state : NO_STATE);
  kids.push({ kind: 'int', text: String(v.items ? v.items.length : 0) });
  if (v.items) for (const item of v.items) kids.push(item);
  kids.push({ kind: 'int', text: String(v.pairs ? v.pairs.length >> 1 : 0) });
  if (v.pairs) for (const c of v.pairs) kids.push(c);
  return kids;
}

const NO_STATE: Value = { kind: 'global', name: '<no state>' };

const REPORT_EVERY = 65_536;

/** Subtrees of at most this many nodes (unfolded) are hashed on the spot, untracked. */
const SMALL = 64;

/**
 * Hash a composite whose unfolded subtree has at most `budget` nodes into the registers, and
 * return the budget left; return -1 (registers clobbered) when it is bigger. Recursion is bounded
 * by the budget: every level spends at least one node.
 */
function smallInto(v: Value, budget: number): number {
  const kind = v.kind;
  if (kind === 'dict') {
    // Keys and values alternately: entry i's key at pairs[2 * i], its value at pairs[2 * i + 1].
    const pairs = v.pairs;
    const n = pairs.length >> 1;
    budget -= 2 * n;
    if (budget < 0) return -1;
    let a = compositeSeed(v);
    let b = a ^ LANE_B;
    let x = 0;
    for (let i = 0; i < n; i++) {
      const key = pairs[2 * i];
      if (isComposite(key)) {
        if ((budget = smallInto(key, budget)) < 0) return -1;
      } else leafInto(key);
      const kh = OH;
      const kl = OL;
      const value = pairs[2 * i + 1];
      if (isComposite(value)) {
        if ((budget = smallInto(value, budget)) < 0) return -1;
      } else leafInto(value);
      finishInto(mixA(mixA(mixA(SEED.dictEntry, kh), kl), OH), mixB(mixB(mixB(SEED.dictEntry, kh), kl), OL), 4);
      a = (a + OH) | 0;
      b = (b + Math.imul(OL, LANE_B) + OH) | 0;
      x ^= fmix(OH ^ Math.imul(OL, P1));
    }
    finishInto(a ^ x, mixB(b, x), n);
    return budget;
  }
  if (kind !== 'list' && kind !== 'tuple' && kind !== 'set') return -1;
  const items = v.items;
  const n = items.length;
  budget -= n;
  if (budget < 0) return -1;
  let a = compositeSeed(v);
  let b = a ^ LANE_B;
  let x = 0;
  const unordered = kind === 'set';
  for (let i = 0; i < n; i++) {
    const item = items[i];
    const ik = item.kind;
    if (ik === 'str') strInto(SEED.str, item.value);
    else if (ik !== 'list' && ik !== 'dict' && ik !== 'tuple' && ik !== 'set' && ik !== 'object') leafInto(item);
    else if ((budget = smallInto(item, budget)) < 0) return -1;
    if (unordered) {
      finishInto(mixA(SEED.setItem, OH), mixB(SEED.setItem, OL), 2);
      a = (a + OH) | 0;
      b = (b + Math.imul(OL, LANE_B) + OH) | 0;
      x ^= fmix(OH ^ Math.imul(OL, P1));
    } else {
      a = mixA(mixA(a, OH), OL);
      b = mixB(mixB(b, OH), OL);
    }
  }
  if (unordered) finishInto(a ^ x, mixB(b, x), n);
  else finishInto(a, b, n);
  return budget;
}

/**
 * The number of nodes below a composite (itself excluded) when its unfolded subtree is small (at
 * most `SMALL` nodes), else -1. Same bound as the hash: a small subtree holds no cycle.
 */
export function smallSubtreeSize(v: Value, budget = SMALL): number {
  const start = budget;
  const left = smallSize(v, budget);
  return left < 0 ? -1 : start - left;
}

function smallSize(v: Value, budget: number): number {
  let kids: readonly Value[] | null = null;
  if (v.kind === 'dict') {
    const pairs = v.pairs;
    budget -= pairs.length;
    if (budget < 0) return -1;
    for (let i = 0; i < pairs.length; i++) {
      const c = pairs[i];
      if (isComposite(c) && (budget = smallSize(c, budget)) < 0) return -1;
    }
    return budget;
  }
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') kids = v.items;
  if (kids === null) return -1;
  budget -= kids.length;
  if (budget < 0) return -1;
  for (const k of kids) if (isComposite(k) && (budget = smallSize(k, budget)) < 0) return -1;
  return budget;
}

/**
 * Hash `root` and every composite below it into `index`; returns the root's hash. `onNodes` is
 * called every 65,536 nodes with the number of nodes hashed so far in this call.
 */
export function hashTree(root: Value, index: HashIndex, onNodes?: (count: number) => void): number {
  if (!isComposite(root)) return leafHash(root);
  if (smallInto(root, SMALL) >= 0) return out53();
  const known = index.lookup(root);
  if (known !== undefined && known >= 0) return known;

  // One frame per composite being hashed: the node, its children (items, a dict's pairs, or object
  // children), the hashes of the children so far, the next child, its slot, two hash lanes (ordered
  // kinds) or two sums and an xor (set, dict), and for a dict the lanes of the key whose value is next.
  let cap = 256;
  const nodes: Value[] = [];
  const kidsOf: (Value[] | null)[] = [];
  const hashesOf: (Float64Array | null)[] = [];
  let pos = new Int32Array(cap);
  let slot = new Int32Array(cap);
  let la = new Int32Array(cap);
  let lb = new Int32Array(cap);
  let lx = new Int32Array(cap);
  let keyA = new Int32Array(cap);
  let keyB = new Int32Array(cap);
  let sp = -1;
  let toOpen: Value | undefined = root;
  // Lanes of a child that just finished, for the frame on top to absorb.
  let pending = false;
  let pendH = 0;
  let pendL = 0;
  let counted = 0;
  let nextReport = REPORT_EVERY;

  for (;;) {
    if (toOpen !== undefined) {
      const v: Value = toOpen;
      toOpen = undefined;
      sp++;
      if (sp === cap) {
        cap *= 2;
        pos = grow(pos, cap);
        slot = grow(slot, cap);
        la = grow(la, cap);
        lb = grow(lb, cap);
        lx = grow(lx, cap);
        keyA = grow(keyA, cap);
        keyB = grow(keyB, cap);
      }
      nodes[sp] = v;
      kidsOf[sp] = v.kind === 'object' ? objectChildren(v) : v.kind === 'dict' ? v.pairs : (v as { items: Value[] }).items;
      hashesOf[sp] =
        v.kind === 'object' ? null : new Float64Array(v.kind === 'dict' ? v.pairs.length : (v as { items: Value[] }).items.length);
      pos[sp] = 0;
      const seed = compositeSeed(v);
      la[sp] = seed;
      lb[sp] = seed ^ LANE_B;
      lx[sp] = 0;
      // Negative while open: -(depth + 1), so a back reference can say how far up it points.
      slot[sp] = index.open(v, -(sp + 1));
    }
    const node = nodes[sp];
    const kind = node.kind;
    let i = pos[sp];
    let a = la[sp];
    let b = lb[sp];
    let x = lx[sp];
    let next: Value | undefined;
    const isDict = kind === 'dict';
    // A dict's kids are its pairs: key, value, key, value…
    const kids = kidsOf[sp] as Value[];
    const n = kids.length;
    const unordered = isDict || kind === 'set';
    for (;;) {
      let h: number;
      let l: number;
      if (pending) {
        pending = false;
        h = pendH;
        l = pendL;
      } else {
        if (i >= n) break;
        const c: Value = kids[i];
        i++;
        if (++counted >= nextReport && onNodes) {
          onNodes(counted);
          nextReport = counted + REPORT_EVERY;
        }
        const ck = c.kind;
        // Strings (keys and values) are most of the leaves: skip the kind switch for them.
        if (ck === 'str') {
          strInto(SEED.str, c.value);
        } else if (ck !== 'list' && ck !== 'dict' && ck !== 'tuple' && ck !== 'set' && ck !== 'object') {
          leafInto(c);
        } else {
          const left = ck === 'object' ? -1 : smallInto(c, SMALL);
          if (left >= 0) {
            counted += SMALL - left;
          } else {
            const known = index.lookup(c);
            if (known === undefined) {
              next = c;
              break;
            }
            if (known >= 0) {
              OH = (known / TWO_21) | 0;
              OL = known % TWO_21;
            } else {
              // A back reference: the node is open -(known) - 1 frames deep.
              const distance = sp + 1 + known;
              finishInto(SEED.cycle, SEED.cycle ^ distance, distance);
            }
          }
        }
        h = OH;
        l = OL;
      }
      // Keep each child's hash for the diff (i is already past the child).
      const store = hashesOf[sp];
      if (store !== null) store[i - 1] = (h >>> 0) * TWO_21 + l;
      if (!unordered) {
        a = mixA(mixA(a, h), l);
        b = mixB(mixB(b, h), l);
        continue;
      }
      if (isDict) {
        // i is already past the child: odd means it was a key, even a value.
        if ((i & 1) === 1) {
          keyA[sp] = h;
          keyB[sp] = l;
          continue;
        }
        const kh = keyA[sp];
        const kl = keyB[sp];
        finishInto(mixA(mixA(mixA(SEED.dictEntry, kh), kl), h), mixB(mixB(mixB(SEED.dictEntry, kh), kl), l), 4);
      } else {
        finishInto(mixA(SEED.setItem, h), mixB(SEED.setItem, l), 2);
      }
      a = (a + OH) | 0;
      b = (b + Math.imul(OL, LANE_B) + OH) | 0;
      x ^= fmix(OH ^ Math.imul(OL, P1));
    }
    if (onNodes && counted >= nextReport) {
      onNodes(counted);
      nextReport = counted + REPORT_EVERY;
    }
    pos[sp] = i;
    if (next !== undefined) {
      la[sp] = a;
      lb[sp] = b;
      lx[sp] = x;
      toOpen = next;
      continue;
    }
    const size = isDict ? n >> 1 : n;
    if (unordered) finishInto(a ^ x, mixB(b, x), size);
    else finishInto(a, b, size);
    index.close(slot[sp], out53(), hashesOf[sp]);
    nodes[sp] = undefined as unknown as Value; // let the GC have finished frames
    kidsOf[sp] = null;
    hashesOf[sp] = null;
    sp--;
    if (sp < 0) {
      if (onNodes) onNodes(counted);
      return out53();
    }
    pending = true;
    pendH = OH;
    pendL = OL;
  }
}

function grow(arr: Int32Array<ArrayBuffer>, cap: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(cap);
  out.set(arr);
  return out;
}

/** Hash of any node: a leaf or small leaf-only container on the spot, a composite looked up (hashed if new). */
export function hashOf(v: Value, index: HashIndex): number {
  if (!isComposite(v)) {
    leafInto(v);
    return out53();
  }
  if (smallInto(v, SMALL) >= 0) return out53();
  const h = index.lookup(v);
  if (h === undefined || h < 0) return hashTree(v, index);
  return h;
}
