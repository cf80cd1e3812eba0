import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore, loadSettings, pushRecent } from './settings';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ckpt-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('treats a missing file as a first run', async () => {
    const loaded = await loadSettings(join(dir, 'nope', 'settings.json'));
    expect(loaded.kind).toBe('missing');
    expect(loaded.settings.roots).toEqual([]);
  });

  it('round-trips through an atomic write and leaves no temp file behind', async () => {
    const path = join(dir, 'sub', 'settings.json');
    const store = new SettingsStore(path);
    await Promise.all([store.save({ roots: ['/a'], recent: ['/a'] }), store.save({ roots: ['/a', '/b'], recent: ['/b', '/a'] })]);
    const loaded = await loadSettings(path);
    expect(loaded).toEqual({ kind: 'ok', settings: { roots: ['/a', '/b'], recent: ['/b', '/a'] } });
    expect(await readdir(join(dir, 'sub'))).toEqual(['settings.json']);
  });

  it('moves a damaged file aside, keeps its bytes and says where', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, '{"roots": ["/a", ');
    const loaded = await loadSettings(path);
    expect(loaded.kind).toBe('corrupt');
    if (loaded.kind !== 'corrupt') return;
    expect(loaded.settings.roots).toEqual([]);
    expect(loaded.movedTo).toMatch(/settings\.json\.corrupt-/);
    expect(await readFile(loaded.movedTo!, 'utf8')).toBe('{"roots": ["/a", ');
    expect(loaded.message).toContain(loaded.movedTo!);
    expect((await readdir(dir)).includes('settings.json')).toBe(false);
  });

  it('rejects a document of the wrong shape as damaged', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, JSON.stringify({ roots: [5] }));
    expect((await loadSettings(path)).kind).toBe('corrupt');
  });

  it('keeps expected schema versions per folder and drops entries that are not versions', async () => {
    const path = join(dir, 'settings.json');
    await new SettingsStore(path).save({ roots: ['/a'], recent: [], expectedSchema: { '/a': '4' } });
    expect(await loadSettings(path)).toEqual({ kind: 'ok', settings: { roots: ['/a'], recent: [], expectedSchema: { '/a': '4' } } });
    await writeFile(path, JSON.stringify({ roots: ['/a', '/b'], expectedSchema: { '/a': ' 5 ', '/b': '', '/c': 7, '/d': 'x'.repeat(201) } }));
    expect(await loadSettings(path)).toEqual({ kind: 'ok', settings: { roots: ['/a', '/b'], recent: [], expectedSchema: { '/a': '5' } } });
    await new SettingsStore(path).save({ roots: ['/a'], recent: [], expectedSchema: {} });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ roots: ['/a'], recent: [] });
  });

  it('keeps recent folders unique, newest first', () => {
    expect(pushRecent(['/b', '/a', '/c'], '/a')).toEqual(['/a', '/b', '/c']);
  });
});
