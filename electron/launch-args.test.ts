import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldersFromArgv, foldersFromInstanceData } from './launch-args';

describe('folders from the command line', () => {
  const cwd = path.resolve('/home/dev/project');

  it('skips the app path in development and resolves relative folders', () => {
    expect(foldersFromArgv(['/x/electron', '.', 'ckpts', '/abs/run'], { packaged: false, cwd })).toEqual([path.join(cwd, 'ckpts'), path.resolve('/abs/run')]);
  });

  it('finds the app path after switches put before it (Playwright, debuggers)', () => {
    const argv = ['/x/electron', '--inspect=0', '--remote-debugging-port=0', '/repo', '/data/ckpts'];
    expect(foldersFromArgv(argv, { packaged: false, cwd })).toEqual([path.resolve('/data/ckpts')]);
  });

  it('takes every argument after the executable when packaged', () => {
    expect(foldersFromArgv(['/opt/app/checkpoint-doctor', '/data/ckpts'], { packaged: true, cwd })).toEqual([path.resolve('/data/ckpts')]);
  });

  it('ignores switches Chromium and the OS add, and duplicates', () => {
    const argv = ['/opt/app/checkpoint-doctor', '--no-sandbox', '--original-process-start-time=1337', '-psn_0_12345', '/data', '/data'];
    expect(foldersFromArgv(argv, { packaged: true, cwd })).toEqual([path.resolve('/data')]);
  });

  it('treats everything after -- as a folder', () => {
    expect(foldersFromArgv(['/e', '.', '--', '-odd-name'], { packaged: false, cwd })).toEqual([path.join(cwd, '-odd-name')]);
    expect(foldersFromArgv(['/app/checkpoint-doctor', '--', '-odd-name'], { packaged: true, cwd })).toEqual([path.join(cwd, '-odd-name')]);
  });

  it('reads second-instance data only when it is a list of absolute paths', () => {
    expect(foldersFromInstanceData({ folders: ['/a', '/b'] })).toEqual(['/a', '/b']);
    expect(foldersFromInstanceData({ folders: ['relative'] })).toBeNull();
    expect(foldersFromInstanceData({ folders: '/a' })).toBeNull();
    expect(foldersFromInstanceData(null)).toBeNull();
  });
});
