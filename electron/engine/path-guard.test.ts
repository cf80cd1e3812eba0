import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInside, resolveInsideRoots, type RootRef } from './path-guard';

let base: string;
let roots: RootRef[];
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ckpt-guard-')));
  await mkdir(join(base, 'root'));
  await mkdir(join(base, 'outside'));
  await writeFile(join(base, 'root', 'a.json'), '{}');
  await writeFile(join(base, 'outside', 'secret.json'), '{}');
  await symlink(join(base, 'outside', 'secret.json'), join(base, 'root', 'escape.json'));
  roots = [{ path: join(base, 'root'), real: join(base, 'root') }];
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const codeOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code: string }) => e.code);

describe('resolveInsideRoots', () => {
  it('accepts a file inside a root', async () => {
    expect(await resolveInsideRoots(roots, join(base, 'root', 'a.json'))).toBe(join(base, 'root', 'a.json'));
  });
  it('refuses .. that climbs out of the root', async () => {
    expect(await codeOf(resolveInsideRoots(roots, join(base, 'root', '..', 'outside', 'secret.json')))).toBe('outside_roots');
  });
  it('refuses a symbolic link that leads out of the root', async () => {
    expect(await codeOf(resolveInsideRoots(roots, join(base, 'root', 'escape.json')))).toBe('outside_roots');
  });
  it('says not_found for a file that is gone', async () => {
    expect(await codeOf(resolveInsideRoots(roots, join(base, 'root', 'gone.json')))).toBe('not_found');
  });
  it('does not take a sibling with a common prefix for a child', () => {
    expect(isInside('/a/root', '/a/root2/x')).toBe(false);
    expect(isInside('/a/root', '/a/root/x')).toBe(true);
  });
});
