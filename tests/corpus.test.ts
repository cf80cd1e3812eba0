/**
 * The data-driven corpus: tests/fixtures/make_fixtures.py writes every case with Python itself, and
 * tests/fixtures/manifest.json says what Checkpoint Doctor must conclude about each one. This test
 * replays the manifest through discovery, the file checks and the family checks, exactly as the
 * engine chains them, reading the files with node:fs.
 *
 * `CORPUS_DUMP=1` prints what was concluded for every case, to help write a new manifest entry.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFamily, type HashedFileAnalysis } from '../shared/checks/analyze-family';
import { analyzeFile } from '../shared/checks/analyze-file';
import { discoverFamilies } from '../shared/discovery/discover';
import type { AnalysisOptions } from '../shared/checks/types';
import type { DirEntryInfo } from '../shared/discovery/types';
import type { Finding } from '../shared/model/finding';
import type { FamilySummary } from '../shared/model/workspace';

/** One expected finding: the code, and whatever else is deterministic about it. */
interface ExpectedFinding {
  readonly code: string;
  readonly severity?: Finding['severity'];
  readonly offset?: number;
  readonly pointer?: string;
  readonly file?: string;
}

interface ExpectedFamily {
  readonly name: string;
  readonly kind: string;
  readonly health: string;
  /** Main paths of the generations, newest first by naming order. */
  readonly generations: readonly string[];
  readonly current: string | null;
  readonly fallback: string | null;
  /** Every finding code of each generation (by main path); a generation not listed must have none. */
  readonly findings?: Readonly<Record<string, readonly ExpectedFinding[]>>;
  /** Findings about the family as a whole; absent means none. */
  readonly familyFindings?: readonly ExpectedFinding[];
  /** Detected format of members, by path. */
  readonly formats?: Readonly<Record<string, string>>;
  /** Words the verdict must contain. */
  readonly verdictIncludes?: readonly string[];
}

interface ManifestCase {
  readonly id: string;
  readonly dir: string;
  readonly seed?: string;
  readonly description: string;
  readonly requires?: readonly string[];
  /** Analysis options for this replay (a folder may be replayed under several). */
  readonly options?: AnalysisOptions;
  readonly families: readonly ExpectedFamily[];
  readonly ignored?: readonly string[];
}

interface Manifest {
  readonly format: string;
  readonly cases: readonly ManifestCase[];
}

const manifest = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'manifest.json'), 'utf8')) as Manifest;
const dump = process.env.CORPUS_DUMP === '1';

let root = '';
let generated: { generated: string[]; skipped: Record<string, string> } = { generated: [], skipped: {} };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ckpt-corpus-'));
  execFileSync('python3', [join(__dirname, 'fixtures', 'make_fixtures.py'), root], { stdio: ['ignore', 'ignore', 'inherit'] });
  generated = JSON.parse(readFileSync(join(root, 'generated.json'), 'utf8'));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A directory listing as the engine gives it to discovery: sub-directories with one level of children. */
function listDir(dir: string, withChildren = true): DirEntryInfo[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const st = statSync(join(dir, name));
      if (st.isDirectory()) {
        return { name, kind: 'dir' as const, size: 0, mtimeMs: st.mtimeMs, ...(withChildren ? { children: listDir(join(dir, name), false) } : {}) };
      }
      return { name, kind: 'file' as const, size: st.size, mtimeMs: st.mtimeMs };
    });
}

async function scan(dir: string, options?: AnalysisOptions): Promise<{ families: FamilySummary[]; ignored: readonly string[] }> {
  const discovery = discoverFamilies(listDir(dir));
  const families: FamilySummary[] = [];
  for (const plan of discovery.families) {
    const files = new Map<string, HashedFileAnalysis>();
    for (const m of [...plan.generations.flatMap((g) => g.members), ...plan.strays]) {
      const abs = join(dir, m.path);
      const bytes = new Uint8Array(readFileSync(abs));
      const analysis = await analyzeFile(m.path, bytes, options);
      files.set(m.path, { ...analysis, sha256: createHash('sha256').update(bytes).digest('hex'), mtimeMs: statSync(abs).mtimeMs });
    }
    families.push(analyzeFamily({ id: `${dir}::${plan.name}`, name: plan.name, dir, root: dir, plan, files }, options));
  }
  return { families, ignored: discovery.ignored };
}

function mainPathOf(id: string | null): string | null {
  return id === null ? null : id.slice(id.indexOf('#') + 1);
}

function describeFamily(f: FamilySummary): string {
  const lines = [`  family ${f.name} kind=${f.kind} health=${f.health} current=${mainPathOf(f.currentId)} fallback=${mainPathOf(f.fallbackId)}`, `  verdict: ${f.verdict}`];
  for (const x of f.findings) lines.push(`   family: ${x.code} ${x.severity} ${x.file} :: ${x.message}`);
  for (const g of f.generations) {
    lines.push(`   gen ${g.mainPath} ${g.health} formats=${g.members.map((m) => `${m.path}:${m.format}`).join(',')} schema=${g.schemaVersion}`);
    for (const x of g.findings) lines.push(`     ${x.code} ${x.severity} ${x.file} offset=${x.offset} pointer=${x.pointer} :: ${x.message}`);
  }
  return lines.join('\n');
}

function expectFindings(actual: readonly Finding[], expected: readonly ExpectedFinding[], where: string): void {
  const codes = (list: readonly { code: string }[]) => [...new Set(list.map((f) => f.code))].sort();
  expect(codes(actual), `finding codes of ${where}`).toEqual(codes(expected));
  for (const e of expected) {
    const match = actual.find(
      (f) =>
        f.code === e.code &&
        (e.severity === undefined || f.severity === e.severity) &&
        (e.offset === undefined || f.offset === e.offset) &&
        (e.pointer === undefined || f.pointer === e.pointer) &&
        (e.file === undefined || f.file === e.file),
    );
    expect(match, `${where}: a ${JSON.stringify(e)} finding among ${JSON.stringify(actual.map((f) => ({ code: f.code, severity: f.severity, offset: f.offset, pointer: f.pointer, file: f.file })))}`).toBeDefined();
  }
}

describe('checkpoint corpus', () => {
  it('has a manifest entry for every case the generator writes, and a case for every entry', () => {
    const dirs = [...new Set(manifest.cases.map((c) => c.dir))].sort();
    expect([...generated.generated, ...Object.keys(generated.skipped)].sort()).toEqual(dirs);
    expect(new Set(manifest.cases.map((c) => c.id)).size).toBe(manifest.cases.length);
    expect(manifest.format).toBe('ckpt-doctor-corpus/1');
  });

  for (const c of manifest.cases) {
    it(`${c.id}: ${c.description}`, async (ctx) => {
      const skipped = generated.skipped[c.dir];
      if (skipped) ctx.skip(skipped);
      const { families, ignored } = await scan(join(root, c.dir), c.options);
      if (dump) console.log(`\n=== ${c.id}  ignored=${JSON.stringify(ignored)}\n${families.map(describeFamily).join('\n')}`);

      expect(families.map((f) => f.name).sort(), 'family names').toEqual(c.families.map((f) => f.name).sort());
      if (c.ignored) expect([...ignored].sort(), 'ignored names').toEqual([...c.ignored].sort());
      for (const e of c.families) {
        const f = families.find((x) => x.name === e.name)!;
        expect(f.kind, `${e.name} kind`).toBe(e.kind);
        expect(f.generations.map((g) => g.mainPath), `${e.name} generations`).toEqual(e.generations);
        expect(mainPathOf(f.currentId), `${e.name} current`).toBe(e.current);
        expect(mainPathOf(f.fallbackId), `${e.name} fallback`).toBe(e.fallback);
        expect(f.health, `${e.name} health`).toBe(e.health);
        for (const g of f.generations) expectFindings(g.findings, e.findings?.[g.mainPath] ?? [], `${e.name} → ${g.mainPath}`);
        expectFindings(f.findings, e.familyFindings ?? [], `${e.name} (family)`);
        for (const [path, format] of Object.entries(e.formats ?? {})) {
          const member = f.generations.flatMap((g) => g.members).find((m) => m.path === path);
          expect(member?.format, `format of ${path}`).toBe(format);
        }
        for (const words of e.verdictIncludes ?? []) expect(f.verdict, `${e.name} verdict`).toContain(words);
        expect(f.verdict.length, `${e.name} has a verdict`).toBeGreaterThan(20);
      }
    });
  }
});
