/**
 * The Checkpoint Doctor side of `npm run bench`: one operation per process, through the real
 * modules (bundled by scripts/bench.mjs with esbuild exactly as the shipped CLI is, with the scan
 * worker beside it). Prints one JSON line: `{ms, rssBeforeKb, maxRssKb, ...}` where `ms` is the
 * operation alone (reading the file included, process start excluded).
 *
 * Also runs the in-Node peer (`jsonparse`: plain JSON.parse), so both sides of that ratio share
 * one runtime.
 */
import { readFileSync, renameSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker, isMainThread } from 'node:worker_threads';
import { runDiff } from '../../electron/engine/diff-job';
import { createEngine, DEFAULT_MAX_TEXT_CHARS } from '../../electron/engine/engine';
import { listTree } from '../../electron/engine/list-tree';
import { discoverFamilies } from '../../shared/discovery/discover';
import { DEFAULT_MAX_ANALYZE_BYTES, readAndHash } from '../../electron/engine/read-file';
import { startServer } from '../../electron/serve';
import { sizeWorkerHeaps } from '../../electron/engine/worker-pool';
import { diffValues } from '../../shared/diff/diff-values';
import { parsePythonJson } from '../../shared/formats/json/parse-python-json';
import { decodePickle } from '../../shared/formats/pickle/decode-pickle';
import type { FamilySummary, WorkspaceSnapshot } from '../../shared/model/workspace';

const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);

function report(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...fields, rssBeforeKb, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function sha256(file: string): Promise<void> {
  const t0 = performance.now();
  // maxBytes 0: the path a file above the analysis limit takes — hashed as it streams, never kept.
  const r = await readAndHash(file, 0);
  const ms = performance.now() - t0;
  if (r.kind !== 'read') fail(`readAndHash: ${r.kind}`);
  report({ ms, sha256: r.sha256, size: r.size });
}

function parse(file: string): void {
  const t0 = performance.now();
  const r = parsePythonJson(readFileSync(file), 'state.json');
  const ms = performance.now() - t0;
  if (r.kind !== 'ok') fail(`parsePythonJson: ${JSON.stringify(r.findings.slice(0, 2))}`);
  report({ ms, findings: r.findings.length });
}

function jsonParse(file: string): void {
  const t0 = performance.now();
  const v = JSON.parse(readFileSync(file, 'utf8')) as { records: unknown[] };
  const ms = performance.now() - t0;
  report({ ms, records: v.records.length });
}

/**
 * Decode as the checks do (default operation budget). If that budget refuses an honest file, say
 * so (`refused`) and time the decode again with the budget lifted, which is what a fix would cost.
 */
function pickle(file: string): void {
  const bytes = readFileSync(file);
  const t0 = performance.now();
  const r = decodePickle(bytes, 'state.pkl');
  const ms = performance.now() - t0;
  if (r.kind === 'ok') return report({ ms, findings: r.findings.length, refused: null });
  const refused = r.findings[0]?.message ?? 'corrupt';
  if (r.findings[0]?.code !== 'pickle.invalid' || !/operations/.test(refused)) fail(`decodePickle: ${JSON.stringify(r.findings.slice(0, 2))}`);
  const t1 = performance.now();
  const lifted = decodePickle(bytes, 'state.pkl', { maxOps: Number.MAX_SAFE_INTEGER });
  const liftedMs = performance.now() - t1;
  if (lifted.kind !== 'ok') fail(`decodePickle without a budget: ${JSON.stringify(lifted.findings.slice(0, 2))}`);
  report({ ms: liftedMs, refusedAfterMs: ms, findings: lifted.findings.length, refused });
}

/** The app's diff: the worker job behind the diff view (read, decode, diff, render both sides). */
async function diffJob(a: string, b: string): Promise<void> {
  const t0 = performance.now();
  // With a progress listener, as the app's worker runs it (the job then reports every percent).
  let reports = 0;
  const r = await runDiff(
    { kind: 'diff', a: { path: a, file: 'a.json' }, b: { path: b, file: 'b.json' }, file: 'a.json → b.json', maxBytes: DEFAULT_MAX_ANALYZE_BYTES, maxChars: DEFAULT_MAX_TEXT_CHARS, maxChanges: 100_000 },
    () => void reports++,
  );
  const ms = performance.now() - t0;
  if (r.kind !== 'diff') fail(`runDiff: ${JSON.stringify(r).slice(0, 300)}`);
  report({ ms, summary: r.summary, truncated: r.truncated, progressReports: reports });
}

/** The core alone: parse both files and diff the trees. */
function diff(a: string, b: string): void {
  const t0 = performance.now();
  const before = parsePythonJson(readFileSync(a), 'a.json');
  const after = parsePythonJson(readFileSync(b), 'b.json');
  if (before.kind !== 'ok' || after.kind !== 'ok') fail('diff inputs did not parse');
  const tParsed = performance.now();
  // As the app's diff job calls it on two JSON trees.
  const d = diffValues(before.value, after.value, { unshared: true });
  const ms = performance.now() - t0;
  report({ ms, parseMs: tParsed - t0, diffMs: ms - (tParsed - t0), summary: d.summary, truncated: d.truncated });
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function allFamilies(s: WorkspaceSnapshot): FamilySummary[] {
  return s.roots.flatMap((r) => r.families);
}

/**
 * Cold scan of `root` with a fresh engine (watching, as the app runs), then `writes` new
 * generations written the way a job writes them (temp file, rename), each timed from the rename
 * to the snapshot that lists it as the family's current generation with its findings.
 */
async function scan(root: string, writes: number): Promise<void> {
  const settingsDir = mkdtempSync(join(tmpdir(), 'ckpt-bench-settings-'));
  const t0 = performance.now();
  const engine = await createEngine({ settingsPath: join(settingsDir, 'settings.json'), host: 'serve', roots: [root], watch: true });
  let latest = engine.getSnapshot();
  const waiters = new Set<(s: WorkspaceSnapshot) => void>();
  engine.onEvent((e) => {
    if (e.type !== 'snapshot') return;
    latest = e.snapshot;
    for (const w of [...waiters]) w(e.snapshot);
  });
  await engine.whenIdle();
  const coldMs = performance.now() - t0;
  const families = allFamilies(engine.getSnapshot());
  const generations = families.reduce((n, f) => n + f.generations.length, 0);
  const broken = families.filter((f) => f.health === 'broken').length;
  const analyzed = engine.stats().analyze;

  // The watcher walks the tree after the scan; let it settle before timing single writes.
  await new Promise((r) => setTimeout(r, 3000));

  const targets = families.filter((f) => f.kind === 'numbered' && f.name.startsWith('job-'));
  if (targets.length === 0 && writes > 0) fail('no numbered JSON family to write to');
  // How long one listing of the whole root takes (Rescan, a folder added or removed); a written file
  // lists only its own folder again.
  const relist: number[] = [];
  for (let k = 0; k < 3; k++) {
    const tl = performance.now();
    await listTree({ path: root, real: root }, { discover: discoverFamilies, roots: [{ path: root, real: root }] });
    relist.push(performance.now() - tl);
  }
  const latencies: number[] = [];
  // Write → the rescan's progress snapshot and from there to the verdict, for the rescans that send
  // one first (a quick rescan sends only its final snapshot).
  const toRescan: number[] = [];
  const rescanToVerdict: number[] = [];
  const written: string[] = [];
  let timeouts = 0;
  for (let k = 0; k < writes; k++) {
    const family = targets[k % targets.length];
    const step = 5 + Math.floor(k / targets.length);
    const name = family.name.replace('*', String(step).padStart(6, '0'));
    const path = join(family.dir, name);
    const body = JSON.stringify({ family: family.name, step: step * 100, phase_outputs: { phase0: { score: Math.random() } }, history: [{ t: k, loss: 0.1 }] });
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, body);
    let firstProgress = -1;
    const seen = new Promise<number>((resolve) => {
      const check = (s: WorkspaceSnapshot): void => {
        if (firstProgress < 0 && s.progress !== null) firstProgress = performance.now();
        const f = allFamilies(s).find((x) => x.id === family.id);
        const current = f?.generations.find((g) => g.id === f.currentId);
        if (current && current.mainPath === name && current.sha256 !== '') {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve(-1);
      }, 10_000);
      waiters.add(check);
    });
    renameSync(tmp, path);
    const tw = performance.now();
    written.push(path);
    const at = await seen;
    if (at < 0) timeouts++;
    latencies.push(at < 0 ? 10_000 : at - tw);
    if (at >= 0 && firstProgress >= 0) {
      toRescan.push(firstProgress - tw);
      rescanToVerdict.push(at - firstProgress);
    }
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
  }
  void latest;
  await engine.close();
  for (const p of written) rmSync(p, { force: true });
  rmSync(settingsDir, { recursive: true, force: true });
  const sorted = [...latencies].sort((a, b) => a - b);
  report({
    ms: coldMs,
    files: analyzed,
    families: families.length,
    generations,
    broken,
    writes: latencies.length,
    timeouts,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? NaN,
    relistMs: [...relist].sort((a, b) => a - b)[1],
    withProgress: toRescan.length,
    toRescanP50: quantile([...toRescan].sort((a, b) => a - b), 0.5),
    rescanToVerdictP50: quantile([...rescanToVerdict].sort((a, b) => a - b), 0.5),
  });
}

/** Serve mode for the renderer case: prints the URL, serves until stdin closes. */
async function serve(root: string, staticDir: string): Promise<void> {
  const settingsDir = mkdtempSync(join(tmpdir(), 'ckpt-bench-settings-'));
  const server = await startServer({ roots: [root], port: 0, staticDir, settingsPath: join(settingsDir, 'settings.json') });
  process.stdout.write(`${server.url}\n`);
  const done = new Promise<void>((resolve) => {
    createInterface({ input: process.stdin }).on('close', resolve);
    process.once('SIGTERM', resolve);
  });
  await done;
  const idle = performance.now();
  await server.close();
  rmSync(settingsDir, { recursive: true, force: true });
  process.stderr.write(`closed in ${Math.round(performance.now() - idle)} ms\n`);
  report({ ms: 0 });
}

/**
 * The app parses in its scan workers, whose heaps the engine sizes for big trees: run a parse the
 * same way, in a worker thread started after the same sizing (the JSON.parse floor too, so both
 * sides of that ratio share the setting). The worker runs this module again with the same op.
 */
function inWorker(op: string, file: string): Promise<void> {
  sizeWorkerHeaps();
  const worker = new Worker(new URL(import.meta.url), { argv: [op, file] });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${op} worker exited with code ${code}`))));
  });
}

const [op, ...args] = process.argv.slice(2);
if (isMainThread && (op === 'parse' || op === 'jsonparse')) await inWorker(op, args[0]);
else await runOp();

async function runOp(): Promise<void> {
  switch (op) {
    case 'sha256':
      await sha256(args[0]);
      break;
    case 'parse':
      parse(args[0]);
      break;
    case 'jsonparse':
      jsonParse(args[0]);
      break;
    case 'pickle':
      pickle(args[0]);
      break;
    case 'diff':
      await diffJob(args[0], args[1]);
      break;
    case 'diffcore':
      diff(args[0], args[1]);
      break;
    case 'scan':
      await scan(args[0], Number(args[1] ?? 100));
      break;
    case 'serve':
      await serve(args[0], args[1]);
      break;
    default:
      fail(`unknown operation ${op}`);
  }
}
