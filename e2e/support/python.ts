/**
 * Fixtures are written by the real producer, Python, at test time: the demo generator and small
 * scripts doing what a checkpointing program does (rotate a ring buffer, write a new generation).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths';

/** Run a Python program from its source text; throws with its stderr when it fails. */
export function python(source: string, args: readonly string[] = []): string {
  const result = spawnSync('python3', ['-c', source, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Write the demo workspace (scripts/make-demo.py) into `dir`, mtimes included. */
export function makeDemo(dir: string): void {
  const result = spawnSync('python3', [path.join(repoRoot, 'scripts/make-demo.py'), dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`make-demo.py failed: ${result.stderr}`);
}

/**
 * Save a new generation into a ring buffer the way seed 003's `rotate_checkpoints` does:
 * `x.2.json → x.3.json`, `x.1 → x.2`, `x → x.1`, then write `x.json` atomically (temp file + rename).
 */
export function saveRingGeneration(dir: string, base: string, state: Record<string, unknown>): void {
  python(
    `
import json, os, sys, tempfile
directory, base, state = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
path = lambda i: os.path.join(directory, f"{base}.json" if i == 0 else f"{base}.{i}.json")
for i in range(3, 0, -1):
    if os.path.exists(path(i - 1)):
        os.replace(path(i - 1), path(i))
with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as tmp:
    json.dump(state, tmp, indent=2)
    tmp.flush()
    os.fsync(tmp.fileno())
os.replace(tmp.name, path(0))
`,
    [dir, base, JSON.stringify(state)],
  );
}
