/**
 * Truncation sweep: every healthy sample (JSON compact and indented, the integrity envelope,
 * pickle protocols 0–5, gzip/xz/bz2, the three members of a triple, one 140 KB file) cut at every
 * byte offset (sampled for the large one). Each cut must come back from analyzeFile and decodeFile
 * without an exception, with well-formed findings, and with an error finding — unless Python
 * itself loads the cut bytes as a complete document (asked, not assumed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFamily, type HashedFileAnalysis } from '../../shared/checks/analyze-family';
import { analyzeFile, decodeFile } from '../../shared/checks/analyze-file';
import { discoverFamilies } from '../../shared/discovery/discover';
import { hasError } from '../../shared/model/finding';
import { hostileInputs, malformedFindings, pythonAccepts, type HostileInputs } from './support';

let inputs: HostileInputs;

beforeAll(() => {
  inputs = hostileInputs();
}, 240_000);

/** Every offset for small files; for big ones the edges, every 4 KB boundary and a seeded spread. */
function offsets(n: number): number[] {
  if (n <= 4096) return Array.from({ length: n }, (_, i) => i);
  const set = new Set<number>();
  for (let i = 0; i < 128; i++) {
    set.add(i);
    set.add(n - 1 - i);
  }
  for (let i = 8192; i < n; i += 8192) set.add(i);
  let seed = 12345;
  for (let i = 0; i < 100; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    set.add(seed % n);
  }
  return [...set].sort((a, b) => a - b);
}

interface SweepResult {
  readonly cuts: number;
  readonly thrown: string[];
  readonly malformed: string[];
  /** Cuts judged healthy, to be confirmed by Python. */
  readonly okCuts: number[];
}

async function sweep(name: string, bytes: Uint8Array): Promise<SweepResult> {
  const thrown: string[] = [];
  const malformed: string[] = [];
  const okCuts: number[] = [];
  const cuts = offsets(bytes.length);
  for (const k of cuts) {
    const cut = bytes.slice(0, k);
    try {
      const analysis = await analyzeFile(name, cut);
      const bad = malformedFindings(analysis.findings, name);
      if (bad.length > 0) malformed.push(`cut ${k}: ${JSON.stringify(bad[0])}`);
      if (analysis.findings.length === 0 || !hasError(analysis.findings)) okCuts.push(k);
      const decoded = await decodeFile(name, cut);
      if (decoded.result.kind === 'ok' && hasError(analysis.findings) && !analysis.decoded) {
        malformed.push(`cut ${k}: decodeFile says ok where analyzeFile could not decode`);
      }
    } catch (error) {
      thrown.push(`cut ${k}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  return { cuts: cuts.length, thrown, malformed, okCuts };
}

describe('truncation sweep', () => {
  const names = [
    'compact.json',
    'indented.json',
    'envelope.json',
    'state.p0.pkl',
    'state.p1.pkl',
    'state.p2.pkl',
    'state.p3.pkl',
    'state.p4.pkl',
    'state.p5.pkl',
    'state.json.gz',
    'state.json.xz',
    'state.json.bz2',
    'state.p5.pkl.gz',
    'run.pkl',
    'run.state.json',
    'run.meta.json',
    'large.json',
  ];

  it.each(names)('%s: every cut is an error finding, never an exception or a healthy verdict', async (name) => {
    expect(inputs.samples).toContain(name);
    const bytes = new Uint8Array(readFileSync(join(inputs.dir, 'samples', name)));
    const whole = await analyzeFile(name, bytes);
    expect(whole.decoded, `${name} itself must decode`).toBe(true);
    expect(whole.findings.filter((f) => f.severity === 'error'), `${name} itself is healthy`).toEqual([]);

    const result = await sweep(name, bytes);
    expect(result.thrown).toEqual([]);
    expect(result.malformed).toEqual([]);
    expect(result.cuts).toBeGreaterThanOrEqual(Math.min(bytes.length, 300));
    // The only healthy cut allowed is one Python itself loads as a whole document.
    const accepted = pythonAccepts(result.okCuts.map((k) => ({ name, bytes: bytes.slice(0, k) })));
    const wrong = result.okCuts.filter((_, i) => !accepted[i]);
    expect(wrong, `cuts judged healthy that Python refuses`).toEqual([]);
  }, 120_000);

  it('the trailing-newline cut of indented JSON is the one Python accepts, and it is judged healthy', async () => {
    const bytes = new Uint8Array(readFileSync(join(inputs.dir, 'samples', 'indented.json')));
    const cut = bytes.slice(0, bytes.length - 1);
    expect(pythonAccepts([{ name: 'indented.json', bytes: cut }])).toEqual([true]);
    expect(hasError((await analyzeFile('indented.json', cut)).findings)).toBe(false);
  });

  it('a triple whose pickle member is cut makes its generation unhealthy', async () => {
    const files = ['run.pkl', 'run.state.json', 'run.meta.json'].map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(join(inputs.dir, 'samples', n))) }));
    const discovered = discoverFamilies(files.map((f, i) => ({ name: f.name, kind: 'file' as const, size: f.bytes.length, mtimeMs: 1_780_000_000_000 + i })));
    const plan = discovered.families.find((f) => f.kind === 'triple');
    expect(plan, `discovery groups run.* as a triple: ${JSON.stringify(discovered.families.map((f) => [f.name, f.kind]))}`).toBeDefined();
    for (const cutAt of [0, 1, 10, files[0].bytes.length >> 1, files[0].bytes.length - 1]) {
      const analyses = new Map<string, HashedFileAnalysis>();
      for (const f of files) {
        const bytes = f.name === 'run.pkl' ? f.bytes.slice(0, cutAt) : f.bytes;
        const a = await analyzeFile(f.name, bytes);
        analyses.set(f.name, { ...a, sha256: `sha-${f.name}-${bytes.length}`, mtimeMs: 1_780_000_000_000 });
      }
      const family = analyzeFamily({ id: 'f', name: plan!.name, dir: '/x', root: '/x', plan: plan!, files: analyses });
      expect(family.generations.length).toBe(1);
      expect(family.generations[0].healthy, `cut at ${cutAt}`).toBe(false);
      expect(family.fallbackId).toBeNull();
    }
  }, 60_000);
});
