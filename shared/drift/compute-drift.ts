/**
 * Type drift of one JSON checkpoint: for each place in the file, what the program held before
 * saving (from the best source available) against what a loader gets back.
 *
 * Sources, best first: a pickle of the same state (walked together with the JSON), the save-time
 * `ckpt-types/1` manifest, or inference from the JSON's own strings (always labelled `inferred`).
 * The loader is Python's `json.load` by default; `js` adds what `JSON.parse` loses on top.
 *
 * Invariants: iterative (no recursion), one pass over the JSON value, pointers built only for
 * containers and for values that get an entry; lossless values are only counted, and entries are
 * capped (`maxEntries`), so a million-node state yields a bounded report. Pointers are into the
 * JSON file, laid out as `json.dumps` writes the state (int keys as str, tuples as arrays).
 */
import { childPointer } from '../model/json-pointer';
import { pythonJsonFloat } from '../model/python-float';
import { floatValue, type Value } from '../model/value';
import { pythonStr } from '../render/python-repr';
import { inferFromString } from './infer-pre';
import { jsLoaderEffect, jsLoses } from './js-loader';
import { categoryOfType, describe, judgeConversion, type Judgement, type PreDesc } from './judge-conversion';
import { shortRepr } from './short-repr';
import { dictTypeName, shortTypeName, typeNameOf } from './type-names';
import type { DriftEntry, DriftInput, DriftLoader, DriftReport, DriftSide, DriftVerdict, ManifestEntry, TypeManifest } from './types';

/** Default cap on listed entries; the counts always cover everything. */
export const DEFAULT_MAX_DRIFT_ENTRIES = 10_000;

const RANK: Record<DriftVerdict, number> = { lossless: 0, coerced: 1, lossy: 2, dropped: 3 };
const MISSING: DriftSide = { type: 'missing', value: '' };

/** Compute the drift report; see the module comment. */
export function computeDrift(input: DriftInput): DriftReport {
  const loader = input.loader ?? 'python';
  // The requested source when it is there, else the next best one that is.
  const source =
    input.preSource === 'pickle' && input.pre ? 'pickle' : input.preSource !== 'inferred' && input.manifest ? 'manifest' : 'inferred';
  const acc = new Collector(loader, input.maxEntries ?? DEFAULT_MAX_DRIFT_ENTRIES);
  if (source === 'pickle') walkWithImage(input.pre as Value, input.post, acc);
  else walkPostOnly(input.post, source === 'manifest' ? (input.manifest as TypeManifest) : null, acc);
  const report: { source: typeof source; loader: DriftLoader; entries: DriftEntry[]; counts: Collector['counts']; truncated?: boolean } = {
    source,
    loader,
    entries: acc.entries,
    counts: acc.counts,
  };
  if (acc.truncated) report.truncated = true;
  return report;
}

/** Gathers verdicts: counts all of them, lists the non-lossless ones up to the cap. */
class Collector {
  readonly counts = { lossless: 0, coerced: 0, lossy: 0, dropped: 0 };
  readonly entries: DriftEntry[] = [];
  truncated = false;

  constructor(
    readonly loader: DriftLoader,
    private readonly max: number,
  ) {}

  /**
   * Settle one place: `py` is the Python-side judgement (null when lossless); the JS loader's
   * effect on a leaf is added on top. `pointer`, `pre` and `post` are built only for an entry.
   */
  settle(pointer: () => string, pre: () => DriftSide, post: Value, py: Judgement | null, postSide?: DriftSide): void {
    const jsLoss = this.loader === 'js' && jsLoses(post);
    if ((py === null || py.verdict === 'lossless') && !jsLoss) {
      this.counts.lossless++;
      return;
    }
    let verdict: DriftVerdict = py ? py.verdict : 'lossless';
    if (jsLoss && RANK.lossy > RANK[verdict]) verdict = 'lossy';
    if (this.entries.length >= this.max) {
      // Past the cap only the count matters: skip building the entry.
      this.counts[verdict as DriftEntry['verdict']]++;
      this.truncated = true;
      return;
    }
    const js = jsLoss ? jsLoaderEffect(post) : null;
    const note = [py && py.verdict !== 'lossless' ? py.note : '', js ? js.note : ''].filter(Boolean).join(' ');
    const side = postSide ?? { type: typeNameOf(post), value: js ? js.seen : shortRepr(post) };
    this.add({ pointer: pointer(), pre: pre(), post: side, verdict: verdict as DriftEntry['verdict'], note });
  }

  add(entry: DriftEntry): void {
    this.counts[entry.verdict]++;
    if (this.entries.length >= this.max) {
      this.truncated = true;
      return;
    }
    this.entries.push(entry);
  }
}

const sideOf = (v: Value): DriftSide => ({ type: typeNameOf(v), value: shortRepr(v) });

// ---------------------------------------------------------------------------------------------
// Source 1: a typed image (pickle) of the same state, walked together with the JSON.

type ImageTask =
  | { readonly t: 'pair'; readonly pre: Value; readonly post: Value; readonly pointer: string }
  | { readonly t: 'dropped'; readonly pre: Value; readonly pointer: string; readonly note: string };

function walkWithImage(preRoot: Value, postRoot: Value, acc: Collector): void {
  const stack: ImageTask[] = [{ t: 'pair', pre: preRoot, post: postRoot, pointer: '' }];
  // The JSON is a tree, so each of its containers is paired once; the set only guards against a
  // caller passing a cyclic value as `post`.
  const seenPost = new Set<Value>();
  const pending: ImageTask[] = [];
  const flush = (): void => {
    for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]);
    pending.length = 0;
  };
  while (stack.length > 0) {
    const task = stack.pop() as ImageTask;
    if (task.t === 'dropped') {
      acc.add({ pointer: task.pointer, pre: sideOf(task.pre), post: MISSING, verdict: 'dropped', note: task.note });
      continue;
    }
    const { pre, post, pointer } = task;
    if (isContainer(post)) {
      if (seenPost.has(post)) continue;
      seenPost.add(post);
    }
    const ptr = () => pointer;
    const preSide = () => sideOf(pre);
    switch (pre.kind) {
      case 'null':
      case 'bool':
      case 'int':
      case 'float':
      case 'str':
        acc.settle(ptr, preSide, post, sameNative(pre, post) ? null : mismatch(pre, post));
        break;
      case 'bytes':
      case 'typed':
      case 'set':
      case 'global':
        acc.settle(ptr, preSide, post, judgeConversion(describePre(pre), post));
        break;
      case 'object': {
        const j = judgeConversion(describePre(pre), post);
        acc.settle(ptr, preSide, post, j);
        // An object written as the dict of its fields: compare those fields too.
        if (post.kind === 'dict' && pre.state && pre.state.kind === 'dict') {
          pairDict(pre.state, post, pointer, acc, pending, false);
          flush();
        }
        break;
      }
      case 'list':
      case 'tuple': {
        if (post.kind !== 'list') {
          acc.settle(ptr, preSide, post, mismatch(pre, post));
          break;
        }
        if (emptied(pre, post, pointer, acc)) break;
        acc.settle(ptr, preSide, post, pre.kind === 'tuple' ? { verdict: 'coerced', note: 'tuple → list: json.load gives a list; code that hashes it, uses it as a key or compares it with a tuple breaks.' } : null);
        const n = Math.min(pre.items.length, post.items.length);
        for (let i = 0; i < n; i++) pending.push({ t: 'pair', pre: pre.items[i], post: post.items[i], pointer: childPointer(pointer, i) });
        if (pre.items.length > n) {
          const missing = pre.items.length - n;
          pending.push({
            t: 'dropped',
            pre: pre.items[n],
            pointer: childPointer(pointer, n),
            note: missing === 1 ? `Item ${n} is missing after load.` : `Items ${n}–${pre.items.length - 1} (${missing}) are missing after load.`,
          });
        }
        flush();
        break;
      }
      case 'dict': {
        if (post.kind !== 'dict') {
          acc.settle(ptr, preSide, post, mismatch(pre, post));
          break;
        }
        if (emptied(pre, post, pointer, acc)) break;
        pairDict(pre, post, pointer, acc, pending, true);
        flush();
        break;
      }
    }
  }
}

/** Same JSON-native type and value (floats by value: NaN equals NaN, -0.0 is not 0.0). */
function sameNative(pre: Value, post: Value): boolean {
  if (pre.kind !== post.kind) return false;
  switch (pre.kind) {
    case 'null':
      return true;
    case 'bool':
      return pre.value === (post as typeof pre).value;
    case 'str':
      return pre.value === (post as typeof pre).value;
    case 'int':
      return pre.text === (post as typeof pre).text || safeBigInt(pre.text) === safeBigInt((post as typeof pre).text);
    case 'float':
      return Object.is(floatValue(pre), floatValue(post as typeof pre));
    default:
      return false;
  }
}

function safeBigInt(text: string): bigint | string {
  try {
    return BigInt(text);
  } catch {
    return text;
  }
}

/** The JSON holds something the pickle's value does not explain. */
function mismatch(pre: Value, post: Value): Judgement {
  if (post.kind === 'str' && pre.kind !== 'str' && post.value === pythonStr(pre)) {
    return { verdict: 'coerced', note: `${typeNameOf(pre)} → str: written as str(value); json.load gives a str.` };
  }
  if ((pre.kind === 'int' || pre.kind === 'float') && (post.kind === 'int' || post.kind === 'float')) {
    const a = pre.kind === 'int' ? Number(pre.text) : floatValue(pre);
    const b = post.kind === 'int' ? Number(post.text) : floatValue(post);
    if (a === b && (pre.kind === 'float' || BigInt(pre.text) === BigInt(Math.trunc(b)))) {
      return { verdict: 'coerced', note: `${pre.kind} → ${post.kind}: same value, other type after load.` };
    }
  }
  return {
    verdict: 'lossy',
    note: `The JSON holds ${describe(post)} where the pre-save image holds ${shortRepr(pre, 60)}: the value changed on the way (or the two files were not written from the same state).`,
  };
}

/** A non-empty container that is empty after load: one `dropped` entry for the whole (seed 000's phase_outputs). */
function emptied(pre: Value & { kind: 'list' | 'tuple' | 'dict' }, post: Value & { kind: 'list' | 'dict' }, pointer: string, acc: Collector): boolean {
  const before = pre.kind === 'dict' ? pre.pairs.length >> 1 : pre.items.length;
  const after = post.kind === 'dict' ? post.pairs.length >> 1 : post.items.length;
  if (before === 0 || after !== 0) return false;
  acc.add({
    pointer,
    pre: sideOf(pre),
    post: sideOf(post),
    verdict: 'dropped',
    note: `Emptied: the pre-save image holds ${before} ${pre.kind === 'dict' ? 'entries' : 'items'} here, the JSON none — the save path lost them, and a resume starts without them.`,
  });
  return true;
}

/**
 * Pair a pickle dict with the JSON object `json.dumps` made of it: keys converted as the encoder
 * converts them (int 1 → "1", True → "true", None → "null", 1.5 → "1.5"), later duplicates winning
 * on load. `judgeSelf` is false when the dict is an object's fields (already judged).
 */
function pairDict(pre: Value & { kind: 'dict' }, post: Value & { kind: 'dict' }, pointer: string, acc: Collector, pending: ImageTask[], judgeSelf: boolean): void {
  // Keys and values alternate in `pairs`: entry i's key at 2i, its value at 2i + 1.
  const prePairs = pre.pairs;
  const postPairs = post.pairs;
  const preSize = prePairs.length >> 1;
  const postIndex = new Map<string, number>();
  for (let i = 0; i < postPairs.length >> 1; i++) {
    const key = postPairs[2 * i];
    if (key.kind === 'str') postIndex.set(key.value, i);
  }
  // Which pre entry ends up owning each JSON key (the last one written wins in json.load).
  const owner = new Map<string, number>();
  const jsonKeys: (string | null)[] = new Array(preSize);
  for (let i = 0; i < preSize; i++) {
    const key = prePairs[2 * i];
    let k = jsonKey(key);
    if (k === null && postIndex.has(pythonStr(key))) k = pythonStr(key);
    if (k !== null) owner.set(k, i);
    jsonKeys[i] = k;
  }
  const keyTypes: string[] = [];
  let converted = false;
  for (let i = 0; i < preSize; i++) {
    const key = prePairs[2 * i];
    keyTypes.push(typeNameOf(key));
    if (key.kind !== 'str') converted = true;
  }
  if (judgeSelf) {
    const notes: string[] = [];
    let verdict: DriftVerdict = 'lossless';
    if (converted) {
      verdict = 'coerced';
      notes.push(`json.dumps turned the ${[...new Set(keyTypes.filter((t) => t !== 'str'))].join('/')} keys into str; json.load gives them back as str, so lookups by the original keys miss.`);
    }
    if (pre.cls === 'collections.defaultdict') {
      verdict = 'lossy';
      notes.push('defaultdict → dict: its default_factory is lost, so a missing key raises KeyError after load.');
    } else if (pre.cls) {
      if (verdict === 'lossless') verdict = 'coerced';
      notes.push(`${shortTypeName(pre.cls)} → dict: json.load gives a plain dict.`);
    }
    const preType = converted ? dictTypeName(keyTypes, pre.cls ? shortTypeName(pre.cls) : 'dict') : typeNameOf(pre);
    const postSide: DriftSide = { type: converted ? 'dict[str]' : 'dict', value: shortRepr(post) };
    acc.settle(() => pointer, () => ({ type: preType, value: shortRepr(pre) }), post, verdict === 'lossless' ? null : { verdict, note: notes.join(' ') }, postSide);
  }
  for (let i = 0; i < preSize; i++) {
    const key = prePairs[2 * i];
    const value = prePairs[2 * i + 1];
    const k = jsonKeys[i];
    if (k === null) {
      pending.push({
        t: 'dropped',
        pre: value,
        pointer: childPointer(pointer, pythonStr(key)),
        note: `json.dumps cannot write a ${typeNameOf(key)} key (${shortRepr(key, 40)}): it raises TypeError, or with skipkeys=True leaves the entry out.`,
      });
      continue;
    }
    if (owner.get(k) !== i) {
      pending.push({ t: 'dropped', pre: value, pointer: childPointer(pointer, k), note: `Key ${shortRepr(key, 40)} becomes "${k}" like a later key does; json.load keeps only the last one.` });
      continue;
    }
    const j = postIndex.get(k);
    if (j === undefined) {
      pending.push({ t: 'dropped', pre: value, pointer: childPointer(pointer, k), note: 'Missing after load: the pre-save image has this key, the JSON does not.' });
      continue;
    }
    pending.push({ t: 'pair', pre: value, post: postPairs[2 * j + 1], pointer: childPointer(pointer, k) });
  }
}

/** The JSON object key `json.dumps` writes for a dict key, or null when it raises TypeError. */
function jsonKey(key: Value): string | null {
  switch (key.kind) {
    case 'str':
      return key.value;
    case 'int':
      return safeBigInt(key.text).toString();
    case 'bool':
      return key.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'float':
      return pythonJsonFloat(floatValue(key));
    default:
      return null;
  }
}

function describePre(v: Value): PreDesc {
  switch (v.kind) {
    case 'typed':
      return { type: v.type, category: categoryOfType(v.type) === 'object' ? 'typed' : categoryOfType(v.type), repr: v.repr, str: v.str };
    case 'bytes':
      return { type: v.mutable ? 'builtins.bytearray' : 'builtins.bytes', category: 'bytes', repr: shortRepr(v), len: v.value.length, bytes: v.value };
    case 'set':
      return { type: v.frozen ? 'builtins.frozenset' : 'builtins.set', category: 'set', repr: shortRepr(v), len: v.items.length };
    case 'global':
      return { type: 'builtins.type', category: 'global', repr: `<class '${v.name}'>` };
    case 'object': {
      const desc: { type: string; category: 'object'; repr: string; str?: string; args?: Value[] } = { type: v.cls, category: 'object', repr: shortRepr(v) };
      if (v.args) desc.args = v.args;
      // str() of an exception is its message; of other objects, their repr (unknown here).
      if (/(?:Error|Exception|Warning)$/.test(v.cls)) desc.str = pythonStr(v);
      return desc;
    }
    default:
      return { type: typeNameOf(v), category: 'object', repr: shortRepr(v) };
  }
}

function isContainer(v: Value): boolean {
  return v.kind === 'list' || v.kind === 'dict' || v.kind === 'tuple' || v.kind === 'set';
}

// ---------------------------------------------------------------------------------------------
// Sources 2 and 3: the JSON alone, with a manifest's entries, or with inference from its strings.

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  entry?: ManifestEntry;
  pointer: string;
  visited: boolean;
}

function buildTrie(manifest: TypeManifest): TrieNode {
  const root: TrieNode = { children: new Map(), pointer: '', visited: false };
  for (const [pointer, entry] of manifest.types) {
    let node = root;
    if (pointer !== '') {
      for (const raw of pointer.slice(1).split('/')) {
        const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
        let next = node.children.get(token);
        if (!next) node.children.set(token, (next = { children: new Map(), pointer: '', visited: false }));
        node = next;
      }
    }
    node.entry = entry;
    node.pointer = pointer;
  }
  return root;
}

interface PostTask {
  readonly post: Value;
  readonly parent: string;
  readonly token: string | number | null;
  readonly trie: TrieNode | null;
}

function walkPostOnly(postRoot: Value, manifest: TypeManifest | null, acc: Collector): void {
  const trie = manifest ? buildTrie(manifest) : null;
  const stack: PostTask[] = [{ post: postRoot, parent: '', token: null, trie }];
  const seen = new Set<Value>();
  while (stack.length > 0) {
    const { post, parent, token, trie: node } = stack.pop() as PostTask;
    const pointer = token === null ? () => parent : () => childPointer(parent, token);
    if (node) node.visited = true;
    const entry = node?.entry;
    if (entry) acc.settle(pointer, () => ({ type: manifestTypeName(entry), value: entry.repr }), post, judgeManifest(entry, post), manifestPostSide(entry, post));
    else if (!manifest && post.kind === 'str') {
      const guess = inferFromString(post.value);
      acc.settle(pointer, () => (guess ? { type: guess.type, value: guess.value } : sideOf(post)), post, guess);
    } else acc.settle(pointer, () => sideOf(post), post, null);

    if (post.kind !== 'list' && post.kind !== 'dict') continue;
    if (seen.has(post)) continue;
    seen.add(post);
    const here = pointer();
    const kids: PostTask[] = [];
    if (post.kind === 'list') {
      for (let i = 0; i < post.items.length; i++) kids.push({ post: post.items[i], parent: here, token: i, trie: node ? (node.children.get(String(i)) ?? null) : null });
    } else {
      const pairs = post.pairs;
      for (let i = 0; i < pairs.length; i += 2) {
        const k = pairs[i];
        const key = k.kind === 'str' ? k.value : pythonStr(k);
        kids.push({ post: pairs[i + 1], parent: here, token: key, trie: node ? (node.children.get(key) ?? null) : null });
      }
    }
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  if (!trie) return;
  // Manifest entries whose place the JSON does not have: the value was dropped on the way.
  const nodes: TrieNode[] = [trie];
  while (nodes.length > 0) {
    const n = nodes.pop() as TrieNode;
    if (n.entry && !n.visited) {
      acc.add({ pointer: n.pointer, pre: { type: manifestTypeName(n.entry), value: n.entry.repr }, post: MISSING, verdict: 'dropped', note: 'Missing after load: the manifest recorded a value here, the JSON has none.' });
    }
    for (const c of n.children.values()) nodes.push(c);
  }
}

function manifestTypeName(e: ManifestEntry): string {
  const name = shortTypeName(e.type);
  return e.keys && e.keys.length > 0 ? dictTypeName(e.keys.map(shortTypeName), name) : name;
}

function manifestPostSide(e: ManifestEntry, post: Value): DriftSide | undefined {
  if (e.keys && e.keys.length > 0 && post.kind === 'dict') return { type: 'dict[str]', value: shortRepr(post) };
  return undefined;
}

/** Judge a manifest entry against the JSON value at its pointer. */
function judgeManifest(e: ManifestEntry, post: Value): Judgement {
  const t = e.type;
  const base = e.base ?? t;
  const name = shortTypeName(t);
  if (base === 'builtins.tuple' || base === 'builtins.list') {
    if (post.kind !== 'list') return { verdict: 'lossy', note: `${name} ${e.repr} → ${describe(post)}.` };
    if (e.len !== undefined && post.items.length !== e.len) return { verdict: 'lossy', note: `${name} of ${e.len} items → list of ${post.items.length}.` };
    return { verdict: 'coerced', note: `${name} → list: json.load gives a list${base === 'builtins.tuple' ? '; code that hashes it, uses it as a key or compares it with a tuple breaks' : ''}.` };
  }
  if (base === 'builtins.dict' || t.startsWith('collections.')) {
    if (post.kind !== 'dict') return { verdict: 'lossy', note: `${name} ${e.repr} → ${describe(post)}.` };
    const notes: string[] = [];
    let verdict: 'coerced' | 'lossy' = 'coerced';
    const nonStr = (e.keys ?? []).filter((k) => k !== 'builtins.str').map(shortTypeName);
    if (nonStr.length > 0) notes.push(`json.dumps turned the ${nonStr.join('/')} keys into str; json.load gives them back as str, so lookups by the original keys miss.`);
    if (t === 'collections.defaultdict') {
      verdict = 'lossy';
      notes.push('defaultdict → dict: its default_factory is lost, so a missing key raises KeyError after load.');
    } else if (t !== 'builtins.dict') notes.push(`${name} → dict: json.load gives a plain dict.`);
    const size = post.pairs.length >> 1;
    if (e.len !== undefined && size < e.len) {
      verdict = 'lossy';
      notes.push(`${e.len - size} of its ${e.len} entries are missing (keys that collided after str conversion, or were skipped).`);
    }
    return { verdict, note: notes.join(' ') || `${name} → dict.` };
  }
  if (base === 'builtins.int' || base === 'builtins.float' || base === 'builtins.str' || base === 'builtins.bool') {
    const plain = base.slice(9);
    if (post.kind === plain) return { verdict: 'coerced', note: `${name} → ${plain}: json.load gives a plain ${plain}; ${name}(value) restores it.` };
    return { verdict: 'lossy', note: `${name} ${e.repr} → ${describe(post)}.` };
  }
  const desc: { type: string; category: PreDesc['category']; repr: string; str?: string; len?: number } = { type: t, category: categoryOfType(t), repr: e.repr };
  if (e.str !== undefined) desc.str = e.str;
  if (e.len !== undefined) desc.len = e.len;
  return judgeConversion(desc, post);
}
