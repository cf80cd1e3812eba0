/**
 * `ckpt-doctor inspect` recomputes an envelope's checksum with node:crypto, not with shared/'s
 * pure-TypeScript SHA-256 (about fifteen times slower on a large state). Runs the CLI in-process
 * with the pure-TypeScript factory spied on.
 */
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Sha256Module from '../shared/hash/sha256';
import { tempDir } from './engine/test-fixtures';

const pureTs = vi.hoisted(() => ({ calls: 0 }));

vi.mock('../shared/hash/sha256', async (importOriginal) => {
  const actual = await importOriginal<typeof Sha256Module>();
  return {
    ...actual,
    createSha256: () => {
      pureTs.calls++;
      return actual.createSha256();
    },
  };
});

const { main } = await import('./cli');

let base: string;

beforeAll(async () => {
  base = await tempDir('ckpt-cli-inspect-');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function inspect(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['inspect', file], {
    stdout: async (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    color: false,
    env: {},
  });
  return { code, stdout, stderr };
}

describe('ckpt-doctor inspect on an integrity envelope', () => {
  it('verifies the checksum with node:crypto, never the pure-TypeScript hasher', async () => {
    // json.dumps({"step": 7}, sort_keys=True, default=str)
    const good = createHash('sha256').update('{"step": 7}').digest('hex');
    const okFile = join(base, 'ok.json');
    const badFile = join(base, 'bad.json');
    await writeFile(okFile, JSON.stringify({ state: { step: 7 }, checksum: good, is_complete: true }));
    await writeFile(badFile, JSON.stringify({ state: { step: 8 }, checksum: good, is_complete: true }));

    const ok = await inspect(okFile);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    // The checksum was recomputed (a wrong one is caught), so a hasher did run.
    const bad = await inspect(badFile);
    expect(bad.code).toBe(0);
    expect(bad.stderr).toMatch(/envelope\.checksum_mismatch/);

    expect(pureTs.calls).toBe(0);
  });
});
