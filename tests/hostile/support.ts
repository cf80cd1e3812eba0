/**
 * Shared pieces of the hostile-input suite: the inputs written by real python3
 * (make_hostile.py), cached under the OS temp dir by the generator's hash so the suite's files
 * share one copy, and small helpers to ask Python what it accepts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINDING_CODES, type Finding } from '../../shared/model/finding';

const here = dirname(fileURLToPath(import.meta.url));
const generator = join(here, 'make_hostile.py');

/** What make_hostile.py wrote. */
export interface HostileInputs {
  readonly dir: string;
  /** Payloads `touch` files here; it must stay empty. */
  readonly sentinelDir: string;
  readonly samples: readonly string[];
  readonly malicious: readonly string[];
  readonly bombs: readonly string[];
}

/** Write (or reuse) the inputs. Safe when several test files ask at once: the last rename wins. */
export function hostileInputs(): HostileInputs {
  const hash = createHash('sha256').update(readFileSync(generator)).digest('hex').slice(0, 16);
  const base = join(tmpdir(), 'ckpt-doctor-hostile');
  const dir = join(base, hash);
  const sentinelDir = join(base, `${hash}-sentinels`);
  mkdirSync(sentinelDir, { recursive: true });
  if (!existsSync(join(dir, 'manifest.json'))) {
    mkdirSync(base, { recursive: true });
    const work = mkdtempSync(join(base, 'writing-'));
    const r = spawnSync('python3', [generator, work, sentinelDir], { encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`make_hostile.py failed: ${r.stderr || r.error}`);
    require_(r.stdout.trim().length > 0, 'make_hostile.py printed no manifest');
    writeFileSync(join(work, 'manifest.json'), r.stdout.trim());
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another test file finished first
    }
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { samples: string[]; malicious: string[]; bombs: string[] };
  return { dir, sentinelDir, ...manifest };
}

function require_(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** Files the payloads created (must be none). */
export function sentinelsFired(inputs: HostileInputs): string[] {
  return readdirSync(inputs.sentinelDir).filter((n) => n !== 'control');
}

/** Run a python3 snippet with `input` on stdin; returns stdout. */
export function python(code: string, input = ''): string {
  const r = spawnSync('python3', ['-c', code], { input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr || r.error}`);
  return r.stdout;
}

/**
 * Which of these byte strings Python itself loads as a complete document, the way the file's
 * program would: decompress by suffix, then json.loads or pickle.loads. Only benign samples are
 * passed here (the truncation sweep's own healthy files, cut).
 */
export function pythonAccepts(items: readonly { name: string; bytes: Uint8Array }[]): boolean[] {
  if (items.length === 0) return [];
  const code = `
import base64, bz2, gzip, json, lzma, pickle, sys
out = []
for item in json.load(sys.stdin):
    name, data = item["name"], base64.b64decode(item["b64"])
    try:
        if name.endswith(".gz"): data = gzip.decompress(data); name = name[:-3]
        elif name.endswith(".xz"): data = lzma.decompress(data); name = name[:-3]
        elif name.endswith(".bz2"): data = bz2.decompress(data); name = name[:-4]
        if name.endswith(".pkl"): pickle.loads(data)
        else: json.loads(data)
        out.append(True)
    except Exception:
        out.append(False)
print(json.dumps(out))
`;
  const payload = JSON.stringify(items.map((i) => ({ name: i.name, b64: Buffer.from(i.bytes).toString('base64') })));
  return JSON.parse(python(code, payload)) as boolean[];
}

const KNOWN_CODES = new Set<string>(FINDING_CODES);

/** Findings that break the contract: unknown code, wrong file, no message. */
export function malformedFindings(findings: readonly Finding[], file: string): Finding[] {
  return findings.filter((f) => !KNOWN_CODES.has(f.code) || f.file !== file || typeof f.message !== 'string' || f.message.length < 10 || !['error', 'warning', 'info'].includes(f.severity));
}

/** Peak-ish memory now, in MB (RSS of this process). */
export function rssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
