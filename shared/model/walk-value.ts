/**
 * Depth-first walk over a value tree, the one way every consumer (renderer, diff, drift, checks)
 * visits nodes and names them with JSON Pointers.
 *
 * Invariants:
 * - Never recurses on the JS stack: a 100k-deep tree walks like a flat one.
 * - Containers (list, tuple, set, dict) and objects are visited once. Pickles share nodes through
 *   the memo and may be cyclic; a node met again is reported with `refTo` = the pointer where it was
 *   first seen and is not expanded, which keeps a billion-laughs pickle linear.
 * - Pointers and tokens cost nothing until read: an entry builds its own (from its parent's) the
 *   first time a visitor asks, so a walk that reports few nodes builds few strings.
 * - Pointer tokens: a dict's str keys as they are (RFC 6901-escaped); list, tuple and set items by
 *   index; other dict keys by their Python repr (`1`, `(1, 2)`, `True`). An object node walks like
 *   a dict with two children: `args` (a list of its constructor arguments, when it has any) and
 *   `state` (what BUILD set, when present), plus `items` / `entries` for a list or dict subclass
 *   instance that received APPEND(S) / SETITEM(S).
 */
import { childPointer } from './json-pointer';
import type { DictValue, ListValue, ObjectValue, Value } from './value';
import { pythonRepr } from '../render/python-repr';

/** One visited node. */
export interface WalkEntry {
  readonly value: Value;
  /** RFC 6901 pointer of this node (`''` for the root). */
  readonly pointer: string;
  /** 0 for the root, 1 for its children, … */
  readonly depth: number;
  /** Position among the parent's children (item or entry index); -1 for the root. */
  readonly index: number;
  /** The dict key this value sits under (dict entries and object members only). */
  readonly key?: Value;
  /** The unescaped token this node adds to its parent's pointer (`''` for the root). */
  readonly token: string;
  /** The parent node, or null for the root. */
  readonly parent: Value | null;
  /** Set when this container or object was visited before: the pointer of its first visit. */
  readonly refTo?: string;
}

/** What `enter` may ask: `skip` the node's children, or `stop` the whole walk. */
export type WalkControl = void | 'skip' | 'stop';

/** Callbacks of {@link walkValue}. `leave` runs for every entered node, leaves included. */
export interface WalkVisitor {
  enter?(entry: WalkEntry): WalkControl;
  leave?(entry: WalkEntry): void | 'stop';
}

interface Frame {
  readonly entry: Entry;
  readonly value: Value;
  /** Only objects need a made-up child list; other containers are indexed in place. */
  readonly objectChildren: readonly Child[] | null;
  readonly count: number;
  next: number;
}

interface Child {
  readonly value: Value;
  readonly key?: Value;
}

/**
 * A visited node. Its token and pointer are computed on first read (and kept), from the parent's
 * pointer, so a walk that never asks for a pointer — most nodes of most walks — builds none; the
 * answers are the ones an eager walk would give, whenever they are read.
 */
class Entry implements WalkEntry {
  /** The first visit of the same node, when this is a repeat (see `refTo`). */
  first: Entry | undefined = undefined;
  private cachedPointer: string | undefined;
  private cachedToken: string | undefined;

  constructor(
    readonly value: Value,
    readonly depth: number,
    readonly index: number,
    readonly key: Value | undefined,
    readonly parent: Value | null,
    /** The parent's entry; null for the root. */
    private readonly up: Entry | null,
  ) {
    if (up === null) {
      this.cachedPointer = '';
      this.cachedToken = '';
    }
  }

  get token(): string {
    if (this.cachedToken === undefined) this.cachedToken = this.key === undefined ? String(this.index) : keyToken(this.key);
    return this.cachedToken;
  }

  get pointer(): string {
    if (this.cachedPointer !== undefined) return this.cachedPointer;
    // Up to the nearest ancestor that knows its pointer (the root does), then down, keeping each:
    // no recursion, so a 100k-deep node works.
    const chain: Entry[] = [this];
    let at = this.up as Entry; // the root knows its pointer, so this one has a parent
    while (at.cachedPointer === undefined) {
      chain.push(at);
      at = at.up as Entry;
    }
    let pointer = at.cachedPointer;
    for (let i = chain.length - 1; i >= 0; i--) {
      pointer = childPointer(pointer, chain[i].token);
      chain[i].cachedPointer = pointer;
    }
    return pointer;
  }

  get refTo(): string | undefined {
    return this.first === undefined ? undefined : this.first.pointer;
  }
}

/**
 * Walk `root` depth first, calling `enter` before a node's children and `leave` after them.
 * Returns false when a callback stopped the walk.
 */
export function walkValue(root: Value, visitor: WalkVisitor): boolean {
  const seen = new Map<object, Entry>();
  const stack: Frame[] = [];
  const { enter, leave } = visitor;

  // Enter one node; returns false to stop. Pushes a frame when its children should be visited.
  const visit = (e: Entry): boolean => {
    const v = e.value;
    const shareable = isShareable(v);
    if (shareable) {
      const first = seen.get(v);
      if (first !== undefined) e.first = first;
      else seen.set(v, e);
    }
    const control = enter ? enter(e) : undefined;
    if (control === 'stop') return false;
    if (shareable && e.first === undefined && control !== 'skip') {
      const objectChildren = v.kind === 'object' ? membersOf(v) : null;
      const count = objectChildren ? objectChildren.length : childCount(v);
      stack.push({ entry: e, value: v, objectChildren, count, next: 0 });
      return true;
    }
    return !(leave && leave(e) === 'stop');
  };

  if (!visit(new Entry(root, 0, -1, undefined, null, null))) return false;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.count) {
      stack.pop();
      if (leave && leave(top.entry) === 'stop') return false;
      continue;
    }
    const i = top.next++;
    const v = top.value;
    let child: Value;
    let key: Value | undefined;
    if (top.objectChildren !== null) {
      child = top.objectChildren[i].value;
      key = top.objectChildren[i].key;
    } else if (v.kind === 'dict') {
      child = v.pairs[2 * i + 1];
      key = v.pairs[2 * i];
    } else {
      child = (v as { items: Value[] }).items[i];
      key = undefined;
    }
    if (!visit(new Entry(child, top.entry.depth + 1, i, key, v, top.entry))) return false;
  }
  return true;
}

/**
 * The pointer token (unescaped) of a dict key: a str key as is, anything else as Python's repr
 * (`1`, `1.5`, `True`, `None`, `(1, 2)`, `b'k'`), which is also how a person would type it.
 */
export function keyToken(key: Value): string {
  return key.kind === 'str' ? key.value : pythonRepr(key);
}

/** True for nodes that may be shared or cyclic in a pickle (and so are visited once). */
function isShareable(v: Value): boolean {
  return v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set' || v.kind === 'dict' || v.kind === 'object';
}

const ARGS_KEY: Value = { kind: 'str', value: 'args' };
const STATE_KEY: Value = { kind: 'str', value: 'state' };
const ITEMS_KEY: Value = { kind: 'str', value: 'items' };
const ENTRIES_KEY: Value = { kind: 'str', value: 'entries' };

function childCount(v: Value): number {
  if (v.kind === 'dict') return v.pairs.length >> 1;
  if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') return v.items.length;
  return 0;
}

/**
 * The children an object node walks as, in walk order: `args` (a list view made for the walk),
 * `state`, `items` (a list view), `entries` (a dict view), each when present.
 */
export function objectMembers(v: ObjectValue): { readonly key: Value; readonly value: Value }[] {
  return membersOf(v) as { readonly key: Value; readonly value: Value }[];
}

/** An object walks as `{args: [...], state: ...}`; the args list is a view made for the walk. */
function membersOf(v: ObjectValue): Child[] {
  const out: Child[] = [];
  if (v.args && v.args.length > 0) out.push({ key: ARGS_KEY, value: { kind: 'list', items: v.args } satisfies ListValue });
  if (v.state !== undefined) out.push({ key: STATE_KEY, value: v.state });
  if (v.items && v.items.length > 0) out.push({ key: ITEMS_KEY, value: { kind: 'list', items: v.items } satisfies ListValue });
  if (v.pairs && v.pairs.length > 0) out.push({ key: ENTRIES_KEY, value: { kind: 'dict', pairs: v.pairs } satisfies DictValue });
  return out;
}
