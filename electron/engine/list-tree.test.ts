import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirEntryInfo, DiscoveryResult } from '../../shared/discovery/types';
import { listTree, relistTree } from './list-tree';
import type { RootRef } from './path-guard';

/** A stand-in grouping for these listing tests only: each file is a family; `step-*` folders are consumed. */
function discover(entries: readonly DirEntryInfo[]): DiscoveryResult {
  return {
    families: entries
      .filter((e) => e.kind === 'file')
      .map((e) => ({
        name: e.name,
        kind: 'single' as const,
        generations: [{ label: e.name, mainPath: e.name, members: [{ path: e.name, role: 'main' as const, size: e.size, mtimeMs: e.mtimeMs }], current: true, order: 0 }],
        strays: [],
      })),
    consumedDirs: entries.filter((e) => e.kind === 'dir' && e.name.startsWith('step-')).map((e) => e.name),
    ignored: [],
  };
}

let base: string;
let root: RootRef;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ckpt-list-')));
  await mkdir(join(base, 'root'));
  root = { path: join(base, 'root'), real: join(base, 'root') };
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('listTree', () => {
  it('lists nested folders, gives sub-folders one level of children, and skips consumed and ignored folders', async () => {
    await mkdir(join(root.path, 'run', 'step-10'), { recursive: true });
    await mkdir(join(root.path, 'run', 'step-10', 'deeper'));
    await mkdir(join(root.path, '.ckpt-doctor'));
    await mkdir(join(root.path, 'node_modules'));
    await writeFile(join(root.path, 'run', 'a.json'), '{"x": 1}');
    await writeFile(join(root.path, 'run', 'step-10', 'model.pkl'), 'x');
    await writeFile(join(root.path, '.ckpt-doctor', 'journal.json'), '{}');
    const listing = await listTree(root, { discover, roots: [root] });
    expect(listing.kind).toBe('ok');
    if (listing.kind !== 'ok') return;
    expect(listing.dirs.map((d) => d.rel).sort()).toEqual(['', 'run']);
    const run = listing.dirs.find((d) => d.rel === 'run')!;
    const step = run.entries.find((e) => e.name === 'step-10')!;
    expect(step.kind).toBe('dir');
    expect(step.children?.map((c) => c.name)).toEqual(['deeper', 'model.pkl']);
    expect(run.entries.find((e) => e.name === 'a.json')?.size).toBe(8);
    expect(listing.dirs[0].entries.map((e) => e.name)).toEqual(['run']);
    expect(listing.problems).toEqual([]);
  });

  it('reports a symbolic-link loop on the root instead of looping', async () => {
    await mkdir(join(root.path, 'a'));
    await symlink(root.path, join(root.path, 'a', 'back'));
    const listing = await listTree(root, { discover, roots: [root] });
    expect(listing.kind).toBe('ok');
    if (listing.kind !== 'ok') return;
    expect(listing.problems.join(' ')).toMatch(/loop/);
  });

  it('skips links that lead outside the added folders and says so', async () => {
    await mkdir(join(base, 'outside'));
    await writeFile(join(base, 'outside', 'secret.json'), '{}');
    await symlink(join(base, 'outside', 'secret.json'), join(root.path, 'evil.json'));
    await symlink(join(base, 'outside'), join(root.path, 'evil-dir'));
    const listing = await listTree(root, { discover, roots: [root] });
    if (listing.kind !== 'ok') throw new Error(listing.kind);
    expect(listing.dirs.flatMap((d) => d.entries.map((e) => e.name))).toEqual([]);
    expect(listing.problems.join(' ')).toContain('outside the folders you added');
  });

  it('stops at the depth limit with a message', async () => {
    await mkdir(join(root.path, 'a', 'b', 'c', 'd'), { recursive: true });
    const listing = await listTree(root, { discover, roots: [root], maxDepth: 2 });
    if (listing.kind !== 'ok') throw new Error(listing.kind);
    expect(listing.dirs.map((d) => d.rel)).toEqual(['', 'a', 'a/b']);
    expect(listing.problems.join(' ')).toMatch(/more than 2 levels/);
  });

  it('applies a file change by reading one folder again, handing discovery the same children for untouched folders', async () => {
    await mkdir(join(root.path, 'a'));
    await mkdir(join(root.path, 'b'));
    await writeFile(join(root.path, 'a', 'x.json'), '{}');
    await writeFile(join(root.path, 'b', 'y.json'), '{}');
    const calls: (readonly DirEntryInfo[])[] = [];
    const spy = (entries: readonly DirEntryInfo[]): DiscoveryResult => {
      calls.push(entries);
      return discover(entries);
    };
    const rootInput = () => calls.find((c) => c.some((e) => e.name === 'a'))!;
    const children = (entries: readonly DirEntryInfo[], name: string) => entries.find((e) => e.name === name)!.children;
    const listing = await listTree(root, { discover: spy, roots: [root] });
    if (listing.kind !== 'ok') throw new Error(listing.kind);
    const before = rootInput();
    await writeFile(join(root.path, 'a', 'z.json'), '{}');
    calls.length = 0;
    const relisted = await relistTree(listing.state, [join(root.path, 'a')], { discover: spy, roots: [root] });
    expect(relisted).not.toBeNull();
    expect(relisted!.changed).toEqual(new Set([root.path, join(root.path, 'a')]));
    expect(calls).toHaveLength(2);
    expect(children(rootInput(), 'b')).toBe(children(before, 'b'));
    expect(children(rootInput(), 'a')!.map((c) => c.name)).toEqual(['x.json', 'z.json']);
    const full = await listTree(root, { discover, roots: [root] });
    if (full.kind !== 'ok') throw new Error(full.kind);
    expect(relisted!.dirs).toEqual(full.dirs);
  });

  it('says when the root is missing or is a file', async () => {
    expect((await listTree({ path: join(base, 'gone'), real: join(base, 'gone') }, { discover, roots: [root] })).kind).toBe('missing');
    await writeFile(join(base, 'file'), 'x');
    expect((await listTree({ path: join(base, 'file'), real: join(base, 'file') }, { discover, roots: [root] })).kind).toBe('not_a_directory');
  });
});
