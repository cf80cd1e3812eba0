import { describe, expect, it } from 'vitest';
import { findCounters, findRingIndex, findTimestamp, isCheckpointName, parseName, parseTempName } from './name-patterns';

describe('parseName', () => {
  it.each([
    ['agent.1.json.gz', { plain: 'agent.1.json', compression: '.gz', ext: '.json', stem: 'agent.1' }],
    ['model.PT', { plain: 'model.PT', compression: '', ext: '.pt', stem: 'model' }],
    ['run.state.json', { plain: 'run.state.json', compression: '', ext: '.json', stem: 'run.state' }],
    ['weights.safetensors.zst', { plain: 'weights.safetensors', compression: '.zst', ext: '.safetensors', stem: 'weights' }],
    ['README.md', { plain: 'README.md', compression: '', ext: '', stem: 'README.md' }],
    ['.gz', { plain: '.gz', compression: '', ext: '', stem: '.gz' }],
  ])('%s', (name, expected) => {
    expect(parseName(name)).toEqual({ name, ...expected });
  });
});

describe('isCheckpointName', () => {
  it.each([
    ['state.json', true],
    ['state.json.2.gz', true],
    ['state.json.1', true],
    ['x.msgpack.lz4', true],
    ['.hidden.json', false],
    ['train.log', false],
    ['notes.txt.gz', false],
  ])('%s → %s', (name, expected) => expect(isCheckpointName(name)).toBe(expected));
});

describe('parseTempName', () => {
  const known = (n: string) => ['agent.json', 'agent'].includes(n);
  it.each([
    ['agent.json.tmp', { kind: 'named', targets: ['agent.json'] }],
    ['agent.json.TMP', { kind: 'named', targets: ['agent.json'] }],
    ['agent.json.tmp.4711', { kind: 'named', targets: ['agent.json'] }],
    ['agent.json.tmp4711', { kind: 'named', targets: ['agent.json'] }],
    ['agent.json.3fa9c2d1.tmp', { kind: 'named', targets: ['agent.json.3fa9c2d1', 'agent.json'] }],
    ['current_work.3fa9c2d1.tmp', { kind: 'named', targets: ['current_work.3fa9c2d1', 'current_work'] }],
    ['model.pt.part', { kind: 'named', targets: ['model.pt'] }],
    ['agent.json.new', { kind: 'named', targets: ['agent.json'] }],
    ['.agent.json.tmp', { kind: 'named', targets: ['agent.json'] }],
    ['.agent.json.Kx3a9Q', { kind: 'named', targets: ['agent.json'] }],
    ['notes.txt.tmp', { kind: 'named', targets: ['notes.txt'] }],
    ['tmpk3j4l5m6.tmp', { kind: 'anonymous' }],
    ['tmpk3j4l5m6', { kind: 'anonymous' }],
    ['tmp_a1b2c3d.json', { kind: 'anonymous' }],
    ['.other.json.Kx3a9Q', null],
    ['.agent.json.swp', null],
    ['agent.json~', null],
    ['agent.json.newfile', null],
    ['agent.json', null],
    ['tmpcheckpoint.json', null],
  ])('%s', (name, expected) => {
    expect(parseTempName(name, known)).toEqual(expected);
  });
});

describe('findTimestamp', () => {
  const utc = (s: string) => Date.parse(s);
  it.each([
    ['ckpt-2026-05-25T10-00-00', utc('2026-05-25T10:00:00Z')],
    ['ckpt-2026-05-25T10:00:00.250Z', utc('2026-05-25T10:00:00.250Z')],
    ['ckpt-2026-05-25T12:00:00+02:00', utc('2026-05-25T10:00:00Z')],
    ['ckpt_2026-05-25_10-00-00', utc('2026-05-25T10:00:00Z')],
    ['daily-2026-05-25', utc('2026-05-25T00:00:00Z')],
    ['snap_20260525-101500', utc('2026-05-25T10:15:00Z')],
    ['snap_20260525T1015', utc('2026-05-25T10:15:00Z')],
    ['state-1780000000', 1_780_000_000_000],
    ['state-1780000000123', 1_780_000_000_123],
    ['ckpt_000', null],
    ['step-1200', null],
    ['id-9999999999', null],
    ['bad-2026-13-45T10-00-00', null],
  ])('%s', (stem, expected) => {
    expect(findTimestamp(stem)?.ms ?? null).toBe(expected);
  });
});

describe('findCounters and findRingIndex', () => {
  it('replaces every digit run for the template', () => {
    expect(findCounters('epoch=3-step=1200')).toEqual({ template: 'epoch=*-step=*', numbers: [3, 1200] });
    expect(findCounters('final')).toBeNull();
  });
  it.each([
    ['agent.2.json', { head: 'agent.json', index: 2 }],
    ['agent.json.3', { head: 'agent.json', index: 3 }],
    ['agent.json.3.gz', { head: 'agent.json', index: 3 }],
    ['ckpt.007.json', null],
    ['ckpt_7.json', null],
    ['agent.json', null],
  ])('%s', (name, expected) => {
    expect(findRingIndex(parseName(name))).toEqual(expected);
  });
});
