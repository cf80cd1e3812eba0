import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const poolModule = fileURLToPath(new URL('./worker-pool.ts', import.meta.url));

/**
 * In a fresh process (V8 flags are process-wide), optionally size the worker heaps as the pool
 * does, then start a worker that builds a tree of ~300 MB of small nodes, all kept alive, the way
 * a big checkpoint's parse does, and count the full (mark-compact) collections it ran.
 */
function fullCollectionsWhileBuilding(sized: boolean): number {
  const workerCode = `
    (async () => {
    const { parentPort } = await import('node:worker_threads');
    const { PerformanceObserver, constants } = await import('node:perf_hooks');
    let major = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
    });
    obs.observe({ entryTypes: ['gc'] });
    const root = [];
    for (let i = 0; i < 60000; i++) {
      const pairs = [];
      for (let k = 0; k < 40; k++) pairs.push({ kind: 'str', value: 'k' + k }, { kind: 'float', text: String(i * 0.37 + k) });
      root.push({ kind: 'dict', pairs });
    }
    setTimeout(() => parentPort.postMessage({ major, nodes: root.length }), 50);
    })();
  `;
  const script = `
    import { Worker } from 'node:worker_threads';
    import { sizeWorkerHeaps } from ${JSON.stringify(poolModule)};
    if (${sized}) sizeWorkerHeaps();
    const w = new Worker(${JSON.stringify(workerCode)}, { eval: true });
    w.on('message', (m) => { process.stdout.write(JSON.stringify(m)); void w.terminate(); });
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  const reply = JSON.parse(out) as { major: number; nodes: number };
  expect(reply.nodes).toBe(60000);
  return reply.major;
}

describe('worker heap sizing', () => {
  it('lets a worker build a big tree without full collections, which an unsized worker runs', () => {
    expect(fullCollectionsWhileBuilding(false)).toBeGreaterThan(0);
    expect(fullCollectionsWhileBuilding(true)).toBe(0);
  });
});
