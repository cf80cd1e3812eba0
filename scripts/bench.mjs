#!/usr/bin/env node
/**
 * `npm run bench`: Checkpoint Doctor against the tools a developer would reach for otherwise, on
 * the same inputs, in the same run, several times, interleaved (ours, peer, peer, ours, ...) so
 * load on a shared machine hits both sides alike. Prints medians, ratios (ours / peer), the
 * target and whether it was met.
 *
 *   npm run bench -- [--scale S] [--only CASE[,CASE]] [--runs N] [--writes N] [--json] [--markdown]
 *
 * CASE: sha256, json, pickle, diff, scan, renderer. Inputs are written by real python3
 * (scripts/bench/make_inputs.py) into a cache under the OS temp dir and reused between runs.
 *
 * How each side is timed:
 * - Ours: scripts/bench/ours.ts bundled with esbuild the way the shipped CLI is (real modules,
 *   scan worker beside the bundle), one fresh `node` process per run; the time is the operation
 *   alone, reading the file included, process start-up excluded. A JSON parse runs in a worker
 *   thread whose heap is sized as the engine sizes its scan workers, where the app parses (the
 *   JSON.parse floor likewise).
 * - In-interpreter peers (json.load, pickle.loads, JSON.parse): the same rule, timed inside
 *   python3 / node.
 * - Command-line peers (sha256sum, python3 -m pickletools, jq -S . | diff): wall time of the
 *   command, which is what a person waits for (their start-up is milliseconds).
 * Memory: peak RSS (getrusage / GNU time). Files are read from the page cache on both sides.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(repoRoot, 'scripts', 'bench');
const CASES = ['sha256', 'json', 'pickle', 'diff', 'scan', 'renderer'];

function parseArgs(argv) {
  const args = { scale: 1, only: CASES, runs: 3, writes: 100, json: false, markdown: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--scale' || a.startsWith('--scale=')) args.scale = Number(value());
    else if (a === '--only' || a.startsWith('--only=')) args.only = value().split(',');
    else if (a === '--runs' || a.startsWith('--runs=')) args.runs = Number(value());
    else if (a === '--writes' || a.startsWith('--writes=')) args.writes = Number(value());
    else if (a === '--json') args.json = true;
    else if (a === '--markdown') args.markdown = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!(args.scale > 0 && args.scale <= 4)) usage('--scale must be in (0, 4]');
  if (!(Number.isInteger(args.runs) && args.runs >= 1)) usage('--runs must be a positive integer');
  for (const c of args.only) if (!CASES.includes(c)) usage(`unknown case ${c} (cases: ${CASES.join(', ')})`);
  return args;
}

function usage(error) {
  const text = 'usage: npm run bench -- [--scale S] [--only CASE[,CASE]] [--runs N] [--writes N] [--json] [--markdown]\n' + `cases: ${CASES.join(', ')}\n`;
  if (error) {
    process.stderr.write(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

const args = parseArgs(process.argv.slice(2));
const log = (m) => process.stderr.write(`${m}\n`);
const cacheDir = path.join(os.tmpdir(), 'ckpt-doctor-bench', `scale-${args.scale}`);
// Inside node_modules/.cache: packages resolve from there, and linters and git leave it alone.
const buildDir = path.join(repoRoot, 'node_modules', '.cache', 'ckpt-doctor-bench');
const timeFile = path.join(os.tmpdir(), `ckpt-bench-time-${process.pid}`);

/** Run a command to completion; returns wall ms, peak RSS (KB, via GNU time) and stdout. */
function measure(cmd, argv, { okCodes = [0], shell = false, timeoutMs = 30 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const full = shell ? ['-f', '%M', '-o', timeFile, 'bash', '-c', cmd] : ['-f', '%M', '-o', timeFile, cmd, ...argv];
    const child = spawn('/usr/bin/time', full, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      if (!okCodes.includes(code)) {
        reject(new Error(`${shell ? cmd : [cmd, ...argv].join(' ')} exited ${code}: ${err.slice(-2000)}`));
        return;
      }
      let maxRssKb = NaN;
      try {
        maxRssKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      } catch {
        // GNU time wrote nothing: leave RSS unknown
      }
      resolve({ wallMs, maxRssKb, stdout: out });
    });
  });
}

/** A process that prints one JSON line with its own `ms`. */
async function inProcess(cmd, argv) {
  const r = await measure(cmd, argv);
  const line = r.stdout.trim().split('\n').pop();
  const parsed = JSON.parse(line);
  return { ...parsed, ms: parsed.ms, wallMs: r.wallMs, maxRssKb: parsed.maxRssKb ?? r.maxRssKb };
}

const ours = (...argv) => inProcess(process.execPath, [path.join(buildDir, 'ours.js'), ...argv]);
const python = (...argv) => inProcess('python3', [path.join(benchDir, 'peers.py'), ...argv]);
const command = async (cmd, argv, options) => {
  const r = await measure(cmd, argv, options);
  return { ms: r.wallMs, maxRssKb: r.maxRssKb };
};

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function bundle() {
  const { build } = await import('esbuild');
  mkdirSync(buildDir, { recursive: true });
  await build({
    absWorkingDir: repoRoot,
    entryPoints: { ours: 'scripts/bench/ours.ts', 'scan-worker': 'electron/engine/scan-worker.ts' },
    outdir: buildDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'error',
  });
}

function makeInputs(names) {
  log(`inputs: python3 make_inputs.py ${cacheDir} --scale ${args.scale} (${names.join(', ')}) ...`);
  const r = spawnSync('python3', [path.join(benchDir, 'make_inputs.py'), cacheDir, '--scale', String(args.scale), '--only', names.join(',')], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`make_inputs.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Read a file once so every side starts from the page cache. */
function warm(...files) {
  for (const f of files) spawnSync('cat', [f], { stdio: ['ignore', 'ignore', 'ignore'] });
}

function sizeMb(file) {
  return Number(spawnSync('stat', ['-c', '%s', file], { encoding: 'utf8' }).stdout) / 1e6;
}

/**
 * Run `sides` (name → async fn returning {ms,...}) `runs` times, interleaved.
 * Returns name → array of results.
 */
async function interleave(sides, runs, label) {
  const results = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(sides)) {
      // A side that takes minutes per run (pickletools on 100 MB) is run once: its median is that run.
      if (r > 0 && results[name][0].ms > SLOW_SIDE_MS) continue;
      const res = await fn();
      results[name].push(res);
      log(`  ${label} run ${r + 1}/${runs}: ${name} ${fmtMs(res.ms)}`);
    }
  }
  for (const [name, list] of Object.entries(results)) {
    if (runs > 1 && list.length === 1) notes.push(`${label}: ${name} took ${fmtMs(list[0].ms)} on its first run, so it ran once.`);
  }
  return results;
}

/** A side slower than this on its first run is not repeated (noted in the report). */
const SLOW_SIDE_MS = 120_000;

function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

const rows = [];
const notes = [];

/** One line of the table. `target` is {kind: 'ratio'|'max', value} or null (informational). */
function row(caseName, metric, oursValue, peerName, peerValue, target, unit = 'ms', extra = {}) {
  const ratio = Number.isFinite(peerValue) && peerValue > 0 ? oursValue / peerValue : NaN;
  let met = null;
  if (target?.kind === 'ratio') met = ratio <= target.value;
  if (target?.kind === 'max') met = oursValue <= target.value;
  rows.push({ case: caseName, metric, ours: oursValue, peer: peerName, peerValue, ratio, unit, target, met, ...extra });
}

const cases = {
  async sha256(inputs) {
    const file = inputs.big;
    warm(file);
    const mb = sizeMb(file);
    const r = await interleave(
      {
        ours: () => ours('sha256', file),
        sha256sum: () => command('sha256sum', [file]),
      },
      args.runs,
      'sha256',
    );
    row('sha256', `sha256 of ${mb.toFixed(0)} MB, streamed`, median(r.ours.map((x) => x.ms)), 'sha256sum', median(r.sha256sum.map((x) => x.ms)), { kind: 'ratio', value: 1.1 });
    const growthMb = median(r.ours.map((x) => (x.maxRssKb - x.rssBeforeKb) / 1024));
    row('sha256', 'memory growth while hashing (peak RSS − RSS at start)', growthMb, 'sha256sum peak RSS', median(r.sha256sum.map((x) => x.maxRssKb / 1024)), { kind: 'max', value: 64 }, 'MB', {
      note: 'flat: independent of the file size',
    });
  },

  async json(inputs) {
    warm(inputs.json, inputs.json_strict);
    const mb = sizeMb(inputs.json);
    const r = await interleave(
      {
        ours: () => ours('parse', inputs.json),
        'json.load': () => python('jsonload', inputs.json),
        'JSON.parse': () => ours('jsonparse', inputs.json_strict),
      },
      args.runs,
      'json',
    );
    const o = median(r.ours.map((x) => x.ms));
    row('json', `parse ${mb.toFixed(0)} MB Python JSON into the lossless tree`, o, "python3 json.load", median(r['json.load'].map((x) => x.ms)), { kind: 'ratio', value: 1.0 });
    row('json', `parse ${mb.toFixed(0)} MB Python JSON into the lossless tree`, o, 'JSON.parse (lossy floor)', median(r['JSON.parse'].map((x) => x.ms)), { kind: 'ratio', value: 2.5 });
    row('json', 'peak RSS while parsing', median(r.ours.map((x) => x.maxRssKb / 1024)), 'json.load peak RSS', median(r['json.load'].map((x) => x.maxRssKb / 1024)), null, 'MB');
  },

  async pickle(inputs) {
    warm(inputs.pickle);
    const mb = sizeMb(inputs.pickle);
    const r = await interleave(
      {
        ours: () => ours('pickle', inputs.pickle),
        pickletools: () => command('bash', ['-c', `python3 -m pickletools "$0" > /dev/null`, inputs.pickle]),
        'pickle.loads': () => python('pickleloads', inputs.pickle),
      },
      args.runs,
      'pickle',
    );
    const o = median(r.ours.map((x) => x.ms));
    const what = `decode ${mb.toFixed(0)} MB protocol-5 pickle (${Math.round(1_000_000 * args.scale).toLocaleString('en-US')} dicts with datetimes)`;
    const refused = r.ours.find((x) => x.refused);
    if (refused) notes.push(`pickle: the checks REFUSE this honest file — ${refused.refused} (after ${fmtMs(refused.refusedAfterMs)}). The decode times are with the operation budget lifted.`);
    row('pickle', 'the checks accept this honest pickle (default operation budget)', refused ? 1 : 0, '', NaN, { kind: 'max', value: 0 }, 'refusals');
    row('pickle', what, o, 'python3 -m pickletools', median(r.pickletools.map((x) => x.ms)), { kind: 'ratio', value: 0.1 });
    row('pickle', what, o, 'pickle.loads (executes code)', median(r['pickle.loads'].map((x) => x.ms)), { kind: 'ratio', value: 3 });
    row('pickle', 'peak RSS while decoding', median(r.ours.map((x) => x.maxRssKb / 1024)), 'pickle.loads peak RSS', median(r['pickle.loads'].map((x) => x.maxRssKb / 1024)), null, 'MB');
  },

  async diff(inputs) {
    if (!existsSync(path.join(repoRoot, 'shared', 'diff', 'diff-values.ts'))) {
      notes.push('diff: skipped — shared/diff/diff-values.ts (diffValues) is not there yet.');
      log('diff: skipped (diffValues is not there yet)');
      return;
    }
    warm(inputs.diff_a, inputs.diff_b);
    const mb = sizeMb(inputs.diff_a);
    const changed = JSON.parse(readFileSync(`${inputs.diff_b}.changed`, 'utf8'));
    const r = await interleave(
      {
        ours: () => ours('diff', inputs.diff_a, inputs.diff_b),
        core: () => ours('diffcore', inputs.diff_a, inputs.diff_b),
        'jq|diff': () => command('bash', ['-c', 'diff <(jq -S . "$0") <(jq -S . "$1") > /dev/null', inputs.diff_a, inputs.diff_b], { okCodes: [0, 1] }),
      },
      args.runs,
      'diff',
    );
    const s = r.ours[0].summary;
    row('diff', `diff two ${mb.toFixed(0)} MB generations, ${changed.changed.toLocaleString('en-US')} of ${changed.leaves.toLocaleString('en-US')} values changed (the app's diff job: read, decode, diff, render both sides)`, median(r.ours.map((x) => x.ms)), 'jq -S . | diff', median(r['jq|diff'].map((x) => x.ms)), { kind: 'ratio', value: 0.5 }, 'ms', {
      detail: `found ${s.changed} changed, ${s.typeChanged} type changes, ${s.added} added, ${s.removed} removed`,
    });
    row('diff', 'the same, core only (parse both + diffValues)', median(r.core.map((x) => x.ms)), 'jq -S . | diff', median(r['jq|diff'].map((x) => x.ms)), null, 'ms', {
      detail: `core: parse ${fmtMs(median(r.core.map((x) => x.parseMs)))} + diff ${fmtMs(median(r.core.map((x) => x.diffMs)))}`,
    });
  },

  async scan(inputs) {
    const info = inputs.scan_info;
    const r = await interleave(
      {
        ours: () => ours('scan', inputs.scan, String(args.writes)),
        python: () => python('scan', inputs.scan),
      },
      args.runs,
      'scan',
    );
    const o = r.ours;
    row('scan', `cold scan, ${info.files.toLocaleString('en-US')} checkpoints (${info.families.toLocaleString('en-US')} families × ${info.generations})`, median(o.map((x) => x.ms)), 'python3 loop: sha256 + json.load/pickle.loads each file', median(r.python.map((x) => x.ms)), null, 'ms', {
      detail: `${o[0].families} families, ${o[0].generations} generations, ${o[0].broken} broken found (${info.kinds.broken_current} written broken)`,
    });
    row('scan', `new generation → findings, p50 of ${args.writes} writes`, median(o.map((x) => x.p50)), '', NaN, null);
    row('scan', `new generation → findings, p95 of ${args.writes} writes`, median(o.map((x) => x.p95)), '', NaN, { kind: 'max', value: 300 }, 'ms', {
      detail:
        `max ${fmtMs(median(o.map((x) => x.max)))}, ${o.reduce((n, x) => n + x.timeouts, 0)} writes not seen within 10 s; ` +
        `${median(o.map((x) => x.withProgress ?? NaN))} of ${args.writes} rescans sent a progress snapshot before the verdict (write → it p50 ${fmtMs(median(o.map((x) => x.toRescanP50)))}, ` +
        `then → verdict p50 ${fmtMs(median(o.map((x) => x.rescanToVerdictP50)))}); one full listing of the root alone ${fmtMs(median(o.map((x) => x.relistMs)))} (a write lists only its own folder again)`,
    });
    row('scan', 'engine peak RSS (main + workers)', median(o.map((x) => x.maxRssKb / 1024)), 'python3 loop peak RSS', median(r.python.map((x) => x.maxRssKb / 1024)), null, 'MB');
  },

  async renderer(inputs) {
    const staticDir = path.join(repoRoot, 'out', 'renderer');
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      notes.push('renderer: skipped — out/renderer is not built (run `npm run build`).');
      log('renderer: skipped (out/renderer missing; run npm run build)');
      return;
    }
    if (!existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium')) {
      notes.push('renderer: skipped — no Chromium at /usr/bin/chromium (apt-get install chromium).');
      return;
    }
    const mb = sizeMb(path.join(inputs.renderer, 'trainer_state.json'));
    const results = [];
    for (let i = 0; i < args.runs; i++) {
      const res = await inProcess(process.execPath, [path.join(benchDir, 'renderer.mjs'), buildDir, inputs.renderer, staticDir]);
      results.push(res);
      log(`  renderer run ${i + 1}/${args.runs}: rows at ${fmtMs(res.ms)}, longest task during scan ${fmtMs(res.maxTaskDuringScanMs)}, after ${fmtMs(res.maxTaskAfterScanMs)}`);
    }
    row('renderer', `serve mode, family with a ${mb.toFixed(0)} MB current generation: first rendered generation list`, median(results.map((x) => x.ms)), '', NaN, null, 'ms', {
      detail: `family listed at ${fmtMs(median(results.map((x) => x.familyMs)))}, current generation judged at ${fmtMs(median(results.map((x) => x.scanDoneMs)))}`,
    });
    row('renderer', 'longest main-thread task while the scan runs', median(results.map((x) => x.maxTaskDuringScanMs)), '', NaN, { kind: 'max', value: 200 }, 'ms', {
      detail: `${median(results.map((x) => x.longTasksDuringScan))} tasks over 50 ms`,
    });
    row('renderer', 'longest main-thread task opening the current generation (after the scan)', median(results.map((x) => x.maxTaskAfterScanMs)), '', NaN, null, 'ms', {
      detail: `${median(results.map((x) => x.longTasksAfterScan))} tasks over 50 ms; value shown at ${results.some((x) => x.valueMs === null) ? 'never (within 3 min) in some runs' : fmtMs(median(results.map((x) => x.valueMs)))}`,
    });
  },
};

const INPUTS_OF = { sha256: ['big'], json: ['json'], pickle: ['pickle'], diff: ['diff'], scan: ['scan'], renderer: ['renderer'] };

function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const version = (cmd, argv) => {
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    return (r.stdout || r.stderr || '').trim().split('\n')[0];
  };
  return {
    cpu,
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    python: version('python3', ['--version']),
    jq: version('jq', ['--version']),
    chromium: version(process.env.CHROMIUM_PATH || '/usr/bin/chromium', ['--version']),
    os: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function formatValue(v, unit) {
  if (!Number.isFinite(v)) return '—';
  if (unit === 'refusals') return v > 0 ? 'refused' : 'accepted';
  return unit === 'ms' ? fmtMs(v) : `${v.toFixed(v >= 100 ? 0 : 1)} ${unit}`;
}

function formatTarget(t) {
  if (!t) return '—';
  if (t.value === 0) return 'accepted';
  return t.kind === 'ratio' ? `≤ ${t.value}×` : `≤ ${t.value}${t.value === 64 ? ' MB' : ' ms'}`;
}

function table(markdown) {
  const header = ['case', 'measure', 'ours (median)', 'peer', 'peer (median)', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [
    r.case,
    r.metric,
    formatValue(r.ours, r.unit),
    r.peer || '—',
    formatValue(r.peerValue, r.unit),
    Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '—',
    formatTarget(r.target),
    r.met === null ? 'info' : r.met ? 'met' : 'MISSED',
  ]);
  if (markdown) {
    const esc = (s) => String(s).replace(/\|/g, '\\|');
    return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((b) => `| ${b.map(esc).join(' | ')} |`)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main() {
  const started = new Date();
  const info = machine();
  log(`bench: scale ${args.scale}, ${args.runs} run(s), cases ${args.only.join(', ')}; cache ${cacheDir}`);
  await bundle();
  const inputs = makeInputs(args.only.flatMap((c) => INPUTS_OF[c]));
  for (const c of CASES) {
    if (!args.only.includes(c)) continue;
    log(`${c}:`);
    try {
      await cases[c](inputs);
    } catch (error) {
      notes.push(`${c}: failed — ${error instanceof Error ? error.message : String(error)}`);
      log(`${c}: failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  const report = { date: started.toISOString(), scale: args.scale, runs: args.runs, writes: args.writes, machine: info, ours: 'esbuild bundle of scripts/bench/ours.ts + electron/engine/scan-worker.ts (the real modules)', rows, notes };
  writeFileSync(path.join(cacheDir, 'last-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`\nCheckpoint Doctor benchmarks — ${started.toISOString().slice(0, 10)}, scale ${args.scale}, ${args.runs} run(s) each, medians\n`);
    process.stdout.write(`${info.cpu}, ${info.cores} cores, ${info.ramGiB} GiB, node ${info.node}, ${info.python}, load ${info.loadAverageAtStart.join(' ')}\n\n`);
    process.stdout.write(`${table(args.markdown)}\n`);
    for (const r of rows) if (r.detail) process.stdout.write(`  ${r.case}: ${r.detail}\n`);
    for (const n of notes) process.stdout.write(`  note: ${n}\n`);
    const missed = rows.filter((r) => r.met === false).length;
    process.stdout.write(`\n${rows.filter((r) => r.met === true).length} targets met, ${missed} missed\n`);
  }
}

main().catch((error) => {
  log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
