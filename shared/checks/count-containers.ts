/**
 * Entry counts of the containers in a decoded value, by JSON Pointer, so the family check can see
 * a container that lost its entries between generations without keeping whole values around.
 */
import type { Value } from '../model/value';
import { containerSize, isContainer } from '../model/value';
import { walkValue } from '../model/walk-value';

/** Default bounds: containers down to depth 6, at most 5000 of them (the shallowest win). */
export const CONTAINER_LIMITS = { maxDepth: 6, maxCount: 5000 } as const;

/** Pointer → entry count for every container (and object state dict) down to `maxDepth`. */
export function countContainers(value: Value, limits: { maxDepth: number; maxCount: number } = CONTAINER_LIMITS): Record<string, number> {
  // One bucket per depth, each capped, so a huge list deep down cannot crowd out the top levels.
  const byDepth: [string, number][][] = Array.from({ length: limits.maxDepth + 1 }, () => []);
  walkValue(value, {
    enter(entry) {
      if (entry.refTo !== undefined) return 'skip';
      const v = entry.value;
      if (isContainer(v)) {
        const bucket = byDepth[entry.depth];
        if (bucket.length < limits.maxCount) bucket.push([entry.pointer, containerSize(v)]);
      }
      return entry.depth >= limits.maxDepth ? 'skip' : undefined;
    },
  });
  const out: Record<string, number> = {};
  let n = 0;
  for (const bucket of byDepth) {
    for (const [pointer, count] of bucket) {
      if (n >= limits.maxCount) return out;
      out[pointer] = count;
      n++;
    }
  }
  return out;
}
