import { describe, expect, it } from 'vitest';
import { briefFinding, formatInterval } from './verdict';

describe('formatInterval', () => {
  it.each([
    [0, '0 s'],
    [40_000, '40 s'],
    [89_000, '89 s'],
    [12 * 60_000, '12 min'],
    [-12 * 60_000, '12 min'],
    [89 * 60_000, '89 min'],
    [3 * 3_600_000, '3 h'],
    [35 * 3_600_000, '35 h'],
    [36 * 3_600_000, '2 days'],
    [24 * 3_600_000 * 1.4, '34 h'],
    [10 * 24 * 3_600_000, '10 days'],
  ])('%d ms → %s', (ms, text) => expect(formatInterval(ms)).toBe(text));
});

describe('briefFinding', () => {
  it('names the byte offset first, then the pointer, else just the code', () => {
    expect(briefFinding({ code: 'json.truncated', severity: 'error', message: '', file: 'a', offset: 81920, pointer: '/x' })).toBe('json.truncated at byte 81920');
    expect(briefFinding({ code: 'content.emptied', severity: 'warning', message: '', file: 'a', pointer: '/phase_outputs' })).toBe('content.emptied at /phase_outputs');
    expect(briefFinding({ code: 'file.empty', severity: 'error', message: '', file: 'a', pointer: '' })).toBe('file.empty');
  });
});
