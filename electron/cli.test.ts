import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import { tempDir, writeNumbered, writeRingWithTruncatedCurrent } from './engine/test-fixtures';
import { CLI_SOURCE, TSX_IMPORT, runCli, type CliRun } from './test-support/run-cli';

let base: string;

/** Run the real CLI from source in a child process, in `base`. */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(base, args, env);
}

interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  file: string;
}
interface JsonReport {
  families: {
    name: string;
    dir: string;
    current: string | null;
    fallback: string | null;
    findings: JsonFinding[];
    generations: { files: string[]; current: boolean; healthy: boolean; sha256: string; schemaVersion: string | null; findings: JsonFinding[] }[];
  }[];
}

beforeAll(async () => {
  base = await tempDir('ckpt-cli-');
  await mkdir(join(base, 'ring'));
  writeRingWithTruncatedCurrent(join(base, 'ring'));
  writeNumbered(join(base, 'ring'), 2);
  await mkdir(join(base, 'good', 'nested'), { recursive: true });
  writeNumbered(join(base, 'good', 'nested'), 3);
  await writeFile(join(base, 'good', 'README.md'), 'not a checkpoint');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('ckpt-doctor check', () => {
  it('exits 0 when every current generation is healthy', async () => {
    const run = await cli(['check', 'good']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/can resume/);
    expect(run.stdout).toContain('ckpt_002.json');
  });

  it('exits 1 on a broken current generation and names the fallback as given on the command line', async () => {
    const run = await cli(['check', 'ring']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('fall back to ring/agent.1.json');
    expect(run.stdout).toMatch(/json\.truncated/);
  });

  it('prints one JSON document with paths joined to the folder as given', async () => {
    const run = await cli(['check', 'ring', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const agent = report.families.find((f) => f.current === 'ring/agent.json')!;
    expect(agent).toBeDefined();
    expect(agent.dir).toBe('ring');
    expect(agent.fallback).toBe('ring/agent.1.json');
    expect(Array.isArray(agent.findings)).toBe(true);
    const current = agent.generations.find((g) => g.current)!;
    expect(current.files).toEqual(['ring/agent.json']);
    expect(current.healthy).toBe(false);
    expect(current.sha256).toMatch(/^[0-9a-f]{64}$/);
    const truncated = current.findings.find((f) => f.code === 'json.truncated')!;
    expect(truncated).toMatchObject({ severity: 'error', file: 'ring/agent.json' });
    expect(truncated.message.length).toBeGreaterThan(20);
    const older = agent.generations.find((g) => g.files[0] === 'ring/agent.1.json')!;
    expect(older).toMatchObject({ current: false, healthy: true, schemaVersion: '2' });
  });

  it('reports only the families that hold a file given as a path', async () => {
    const run = await cli(['scan', join('ring', 'agent.1.json'), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.families).toHaveLength(1);
    expect(report.families[0].generations.flatMap((g) => g.files)).toContain('ring/agent.1.json');
    expect(report.families[0].generations.flatMap((g) => g.files)).not.toContain('ring/ckpt_000.json');
  });

  it('judges every generation against --expect-schema, and the exit code follows', async () => {
    const run = await cli(['check', 'good', '--expect-schema', '4', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const series = report.families.find((f) => f.current === 'good/nested/ckpt_002.json')!;
    expect(series.fallback).toBeNull();
    expect(series.generations).toHaveLength(3);
    for (const g of series.generations) {
      expect(g.healthy).toBe(false);
      expect(g.findings.find((f) => f.code === 'envelope.schema_mismatch')).toMatchObject({ severity: 'error', file: g.files[0] });
    }
    expect((await cli(['check', 'good', '--expect-schema=1'])).code).toBe(0);
    const misplaced = await cli(['inspect', join('ring', 'agent.1.json'), '--expect-schema', '4']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/--expect-schema only applies to scan and check/);
    expect((await cli(['--help'])).stdout).toMatch(/--expect-schema V/);
  });

  it('exits 2 with a clear message on usage errors', async () => {
    const missing = await cli(['check', 'no-such-folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-folder does not exist/);
    expect(missing.stdout).toBe('');
    for (const args of [[], ['frobnicate'], ['check'], ['scan', 'good', '--port', '80'], ['check', 'good', '--bogus']]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(/ckpt-doctor/);
    }
  });
});

describe('ckpt-doctor inspect, --help, --version', () => {
  it('prints the decoded value with big integers exact, and exits 1 on a file that does not decode', async () => {
    const ok = await cli(['inspect', join('ring', 'agent.1.json')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('18446744073709551617');
    const bad = await cli(['inspect', join('ring', 'agent.json'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ decoded: false });
    expect(bad.stderr).toMatch(/json\.truncated/);
  });

  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/ckpt-doctor check <path…>/);
    // Only commands that exist are offered.
    expect(help.stdout).toMatch(/ckpt-doctor diff <a> <b>/);
    expect(help.stdout).toMatch(/ckpt-doctor drift <file> \[--pre <file>\] \[--loader python\|js\]/);
    expect(help.stdout).toMatch(/drift: 0 every value comes back/);
    const version = await cli(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
  });
});

describe('ckpt-doctor serve', () => {
  it('prints exactly one URL line, serves the page, and exits cleanly on SIGTERM', async () => {
    await mkdir(join(base, 'static'), { recursive: true });
    await writeFile(join(base, 'static', 'index.html'), '<!doctype html><title>Checkpoint Doctor</title>');
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, CLI_SOURCE, 'serve', 'good', '--port', '0'], {
      cwd: base,
      env: { ...process.env, CKPT_DOCTOR_SETTINGS: join(base, 'settings.json'), CKPT_DOCTOR_STATIC_DIR: join(base, 'static') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 30_000);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited with ${code} before printing a URL; stderr: ${stderr}`));
      });
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          resolve(stdout.split('\n')[0]);
        }
      });
    });
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    const status = await new Promise<number>((resolve, reject) => get(firstLine, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
    expect(status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe(`${firstLine}\n`);
  });
});
