/**
 * Entry counts of the containers in a decoded value, by JSON Pointer, so the family check can see
 * a container that lost its entries between generations without keeping whole values around.
 *
 * The result is what a `walkValue` over the value gives (containers in depth-first order, each
 * shared node counted where it is first met, the shallowest kept), but the walk here steps only
 * through containers and objects, builds a pointer only for a container it records, and — for a
 * tree known to share no node (`unshared`, true of every JSON tree) — neither remembers the nodes
 * it has seen nor enters subtrees that can no longer add to the result. A 100 MB JSON checkpoint
 * is counted in milliseconds instead of seconds.
 */
import { childPointer } from '../model/json-pointer';
import type { Value } from '../model/value';
import { objectMembers, keyToken } from '../model/walk-value';

/** Default bounds: containers down to depth 6, at most 5000 of them (the shallowest win). */
export const CONTAINER_LIMITS = { maxDepth: 6, maxCount: 5000 } as const;

/** Options of {@link countContainers}. */
export interface CountContainersOptions {
  /**
   * The caller knows no container or object appears twice in the tree (true for any JSON tree;
   * pickles may share and cycle). Gives the same result, faster. Never pass it for a pickle.
   */
  readonly unshared?: boolean;
}

/** An open container or object: its place (for the pointer, built on demand) and its children. */
interface Frame {
  readonly value: Value;
  readonly depth: number;
  readonly up: Frame | null;
  /** The token under `up`: an item index or a dict key. */
  readonly index: number;
  readonly key: Value | undefined;
  pointer: string | undefined;
  readonly members: readonly { readonly key: Value; readonly value: Value }[] | null;
  readonly count: number;
  next: number;
}

/** Pointer → entry count for every container (and object state dict) down to `maxDepth`. */
export function countContainers(
  value: Value,
  limits: { maxDepth: number; maxCount: number } = CONTAINER_LIMITS,
  options?: CountContainersOptions,
): Record<string, number> {
  const { maxDepth, maxCount } = limits;
  // One bucket per depth, each capped, so a huge list deep down cannot crowd out the top levels.
  const byDepth: [string, number][][] = Array.from({ length: maxDepth + 1 }, () => []);
  const seen = options?.unshared ? null : new Set<Value>();
  // The shallowest depth whose bucket is full: nothing deeper reaches the result (see the end).
  // Only used to prune an unshared tree: in a shared one, a skipped subtree could hold the first
  // visit of a node met again higher up, which would then count where a full walk does not.
  let fullAt = Infinity;
  const stack: Frame[] = [];

  const pointerOf = (up: Frame | null, index: number, key: Value | undefined): string => {
    if (up === null) return '';
    if (up.pointer === undefined) {
      const chain: Frame[] = [];
      let at: Frame = up;
      while (at.pointer === undefined) {
        chain.push(at);
        at = at.up as Frame; // the root frame's pointer is ''
      }
      let p = at.pointer;
      for (let i = chain.length - 1; i >= 0; i--) {
        const f = chain[i];
        p = childPointer(p, f.key === undefined ? f.index : keyToken(f.key));
        f.pointer = p;
      }
    }
    return childPointer(up.pointer as string, key === undefined ? index : keyToken(key));
  };

  // What walkValue's visitor did on entering a node, minus the leaves (they never count).
  const visit = (v: Value, depth: number, up: Frame | null, index: number, key: Value | undefined): void => {
    let size: number;
    let members: Frame['members'] = null;
    switch (v.kind) {
      case 'list':
      case 'tuple':
      case 'set':
        size = v.items.length;
        break;
      case 'dict':
        size = v.pairs.length >> 1;
        break;
      case 'object':
        size = -1;
        break;
      default:
        return;
    }
    if (seen !== null) {
      if (seen.has(v)) return; // met before: a reference, neither counted nor entered
      seen.add(v);
    }
    if (size >= 0) {
      const bucket = byDepth[depth];
      if (bucket.length < maxCount) {
        bucket.push([pointerOf(up, index, key), size]);
        if (bucket.length === maxCount && depth < fullAt) fullAt = depth;
      }
    }
    if (depth >= maxDepth) return;
    if (seen === null && depth + 1 >= fullAt) return;
    if (v.kind === 'object') {
      members = objectMembers(v);
      size = members.length;
    }
    if (size > 0) stack.push({ value: v, depth, up, index, key, pointer: up === null ? '' : undefined, members, count: size, next: 0 });
  };

  visit(value, 0, null, -1, undefined);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.count || (seen === null && top.depth + 1 >= fullAt)) {
      stack.pop();
      continue;
    }
    const i = top.next++;
    const v = top.value;
    if (top.members !== null) visit(top.members[i].value, top.depth + 1, top, i, top.members[i].key);
    else if (v.kind === 'dict') visit(v.pairs[2 * i + 1], top.depth + 1, top, i, v.pairs[2 * i]);
    else visit((v as { items: Value[] }).items[i], top.depth + 1, top, i, undefined);
  }

  const out: Record<string, number> = {};
  let n = 0;
  for (const bucket of byDepth) {
    for (const [pointer, count] of bucket) {
      if (n >= maxCount) return out;
      out[pointer] = count;
      n++;
    }
  }
  return out;
}
