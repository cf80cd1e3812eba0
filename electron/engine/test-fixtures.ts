/**
 * Test helpers shared by the engine, serve and CLI tests: folders filled by Python's own `json`
 * (the real producer of the checkpoints this app reads), and a wait-for-event helper.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../shared/api/contract';
import type { WorkspaceSnapshot } from '../../shared/model/workspace';

/** Run a Python snippet with `argv[1:]` = `args`. */
export function python(code: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
}

/** A fresh temporary directory (real path, so comparisons with engine paths hold). */
export async function tempDir(prefix: string): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), prefix)));
}

/**
 * A ring buffer written by `json.dump`: `agent.2.json` and `agent.1.json` intact, the current
 * `agent.json` cut in half as by a kill mid-write. mtimes follow the rotation order.
 */
export function writeRingWithTruncatedCurrent(dir: string): void {
  python(
    [
      'import json, os, sys, time',
      'd = sys.argv[1]',
      'now = time.time()',
      'for age, (name, step) in enumerate([("agent.json", 7), ("agent.1.json", 6), ("agent.2.json", 5)]):',
      '    state = {"schema_version": 2, "step": step, "phase_outputs": {"lit_review": {"papers": list(range(step))}}, "big": 2**64 + 1}',
      '    path = os.path.join(d, name)',
      '    text = json.dumps(state, indent=2)',
      '    with open(path, "w") as f:',
      '        f.write(text[: len(text) // 2] if name == "agent.json" else text)',
      '    os.utime(path, (now - 60 * age, now - 60 * age))',
    ].join('\n'),
    dir,
  );
}

/** An intact ring `agent.json`, `agent.1.json`, `agent.2.json` whose states record `schema_version`. */
export function writeRingWithSchema(dir: string, schemaVersion: number): void {
  python(
    [
      'import json, os, sys, time',
      'd, version = sys.argv[1], int(sys.argv[2])',
      'now = time.time()',
      'for age, name in enumerate(["agent.json", "agent.1.json", "agent.2.json"]):',
      '    path = os.path.join(d, name)',
      '    with open(path, "w") as f:',
      '        json.dump({"schema_version": version, "step": 10 - age, "losses": [0.5, 0.25]}, f, indent=2)',
      '    os.utime(path, (now - 60 * age, now - 60 * age))',
    ].join('\n'),
    dir,
    String(schemaVersion),
  );
}

/** A numbered series `ckpt_000.json` … written by `json.dump`, all intact. */
export function writeNumbered(dir: string, count: number, start = 0): void {
  python(
    [
      'import json, os, sys, time',
      'd, count, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])',
      'now = time.time()',
      'for i in range(start, start + count):',
      '    path = os.path.join(d, "ckpt_%03d.json" % i)',
      '    with open(path, "w") as f:',
      '        json.dump({"schema_version": 1, "step": i, "items": list(range(i + 1))}, f)',
      '    os.utime(path, (now - 100 + i, now - 100 + i))',
    ].join('\n'),
    dir,
    String(count),
    String(start),
  );
}

/** Resolves with the first snapshot for which `predicate` holds (the current one counts). */
export function waitForSnapshot(
  subscribe: (listener: (event: EngineEvent) => void) => () => void,
  current: () => WorkspaceSnapshot,
  predicate: (snapshot: WorkspaceSnapshot) => boolean,
  timeoutMs = 10_000,
): Promise<WorkspaceSnapshot> {
  return new Promise((resolve, reject) => {
    let unsubscribe: () => void = () => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`No matching snapshot within ${timeoutMs} ms; last: ${JSON.stringify(current()).slice(0, 2000)}`));
    }, timeoutMs);
    unsubscribe = subscribe((event) => {
      if (event.type === 'snapshot' && predicate(event.snapshot)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(event.snapshot);
      }
    });
    const now = current();
    if (predicate(now)) {
      clearTimeout(timer);
      unsubscribe();
      resolve(now);
    }
  });
}

/** Every generation main path in a snapshot, across roots and families. */
export function mainPaths(snapshot: WorkspaceSnapshot): string[] {
  return snapshot.roots.flatMap((r) => r.families.flatMap((f) => f.generations.map((g) => g.mainPath))).sort();
}
