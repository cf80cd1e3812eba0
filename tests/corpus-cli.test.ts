/**
 * The same data-driven corpus as corpus.test.ts, replayed through the real `ckpt-doctor scan --json`
 * (engine, worker threads, file system) instead of the shared functions: what CI scripts see must
 * be what the manifest says. Drift findings are left out of the comparison because only the engine
 * adds them (from typed twins and manifests); corpus.test.ts covers the rest exactly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ExpectedFinding {
  readonly code: string;
}
interface ExpectedFamily {
  readonly name: string;
  readonly kind: string;
  readonly health: string;
  readonly generations: readonly string[];
  readonly current: string | null;
  readonly fallback: string | null;
  readonly findings?: Readonly<Record<string, readonly ExpectedFinding[]>>;
  readonly familyFindings?: readonly ExpectedFinding[];
}
interface ManifestCase {
  readonly id: string;
  readonly dir: string;
  readonly options?: { readonly expectedSchemaVersion?: string | null };
  readonly families: readonly ExpectedFamily[];
}
interface CliFamily {
  readonly name: string;
  readonly kind: string;
  readonly dir: string;
  readonly health: string;
  readonly current: string | null;
  readonly fallback: string | null;
  readonly findings: readonly { code: string }[];
  readonly generations: readonly { files: readonly string[]; findings: readonly { code: string }[] }[];
}

const run = promisify(execFile);
const repo = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'manifest.json'), 'utf8')) as { cases: ManifestCase[] };

let root = '';
let skipped: Record<string, string> = {};
const scans = new Map<string, CliFamily[]>();

/** Finding codes the manifest speaks for: drift is the engine's own addition. */
const codes = (list: readonly { code: string }[] | undefined) => [...new Set((list ?? []).map((f) => f.code).filter((c) => !c.startsWith('drift.')))].sort();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ckpt-corpus-cli-'));
  execFileSync('python3', [join(__dirname, 'fixtures', 'make_fixtures.py'), root], { stdio: ['ignore', 'ignore', 'inherit'] });
  skipped = (JSON.parse(readFileSync(join(root, 'generated.json'), 'utf8')) as { skipped: Record<string, string> }).skipped;
  // One CLI run per set of analysis options, over every case folder that uses it.
  const groups = new Map<string, ManifestCase[]>();
  for (const c of manifest.cases) {
    if (c.id in skipped || c.dir in skipped) continue;
    const key = c.options?.expectedSchemaVersion ?? '';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [schema, cases] of groups) {
    const args = ['--import', 'tsx', join(repo, 'electron', 'cli.ts'), 'scan', '--json', ...(schema ? ['--expect-schema', schema] : []), ...new Set(cases.map((c) => join(root, c.dir)))];
    const { stdout } = await run(process.execPath, args, { cwd: repo, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CKPT_DOCTOR_SETTINGS: join(root, 'settings.json') } });
    scans.set(schema, (JSON.parse(stdout) as { families: CliFamily[] }).families);
  }
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('ckpt-doctor scan --json on the corpus', () => {
  for (const c of manifest.cases) {
    it(`${c.id}`, (ctx) => {
      if (c.id in skipped || c.dir in skipped) ctx.skip();
      const families = scans.get(c.options?.expectedSchemaVersion ?? '') ?? [];
      const caseDir = join(root, c.dir);
      const path = (p: string | null) => (p === null ? null : join(caseDir, p));
      for (const expected of c.families) {
        const got = families.find((f) => f.name === expected.name && (f.dir === caseDir || f.dir.startsWith(`${caseDir}/`)));
        expect(got, `family ${expected.name} in ${c.dir}`).toBeDefined();
        if (!got) continue;
        expect({ kind: got.kind, health: got.health, current: got.current, fallback: got.fallback }).toEqual({
          kind: expected.kind,
          health: expected.health,
          current: path(expected.current),
          fallback: path(expected.fallback),
        });
        expect(got.generations.length).toBe(expected.generations.length);
        expected.generations.forEach((main, i) => {
          const generation = got.generations[i];
          expect(generation.files, `generation ${i} of ${expected.name}`).toContain(path(main));
          expect(codes(generation.findings), `findings of ${main}`).toEqual(codes(expected.findings?.[main]));
        });
        expect(codes(got.findings), `family findings of ${expected.name}`).toEqual(codes(expected.familyFindings));
      }
    });
  }
});
