import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..');
const committed = path.join(repo, 'demo');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'make-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

function generate(target: string): void {
  const result = spawnSync('python3', [path.join(repo, 'scripts/make-demo.py'), target], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
}

// Pickled paths name `pathlib.PosixPath` up to Python 3.12; later Pythons may name a private
// module, so pickle bytes are only comparable with the committed ones on a matching Python.
const pathlibModule = spawnSync('python3', ['-c', 'import pathlib; print(pathlib.PosixPath.__module__)'], { encoding: 'utf8' }).stdout.trim();

describe('scripts/make-demo.py', () => {
  it('regenerates the committed demo workspace byte for byte, with the recorded mtimes', () => {
    const out = path.join(scratch, 'demo');
    generate(out);
    expect(listFiles(out)).toEqual(listFiles(committed));
    for (const file of listFiles(committed)) {
      if (file.endsWith('.pkl') && pathlibModule !== 'pathlib') continue;
      expect(readFileSync(path.join(out, file)).equals(readFileSync(path.join(committed, file))), file).toBe(true);
    }
    const mtimes = JSON.parse(readFileSync(path.join(out, '.demo-mtimes.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(mtimes).sort()).toEqual(listFiles(out).filter((f) => f !== '.demo-mtimes.json'));
    for (const [file, seconds] of Object.entries(mtimes)) {
      expect(Math.round(statSync(path.join(out, file)).mtimeMs / 1000), file).toBe(seconds);
    }
  });

  it('dates every ring buffer newest-first in the order its names say', () => {
    const mtimes = JSON.parse(readFileSync(path.join(committed, '.demo-mtimes.json'), 'utf8')) as Record<string, number>;
    for (const [current, older, oldest] of [
      ['research-agent/agent_state.json', 'research-agent/agent_state.1.json', 'research-agent/agent_state.2.json'],
      ['training-run/trainer_state.json', 'training-run/trainer_state.1.json', 'training-run/trainer_state.2.json'],
      ['pipeline-run-42/checkpoint.json', 'pipeline-run-42/checkpoint.1.json', 'pipeline-run-42/checkpoint.2.json'],
    ]) {
      expect(mtimes[current]).toBeGreaterThan(mtimes[older]);
      expect(mtimes[older]).toBeGreaterThan(mtimes[oldest]);
    }
  });

  it('refuses to overwrite a folder that is not a demo workspace', () => {
    const result = spawnSync('python3', [path.join(repo, 'scripts/make-demo.py'), path.join(repo, 'shared')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('not a demo workspace');
  });
});
