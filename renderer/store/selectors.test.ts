import { describe, expect, it } from 'vitest';
import { brokenRing, content, finding, healthyNumbered, root, snapshot } from '../test-support/workspace-fixtures';
import { allFamilies, findRoot, locateFinding, preferredFamily } from './selectors';

describe('locateFinding', () => {
  const shown = content('f#agent.json', 'agent.json', {
    locations: { 'pointer:/phase_outputs': { line: 3, column: 3 }, 'offset:81920': { line: 7, column: 17 } },
  });

  it('finds a pointer, or its nearest located ancestor', () => {
    expect(locateFinding(shown, finding({ code: 'content.emptied', pointer: '/phase_outputs' }))).toEqual({ line: 3, column: 3 });
    expect(locateFinding(shown, finding({ code: 'content.emptied', pointer: '/phase_outputs/lit_result/0' }))).toEqual({ line: 3, column: 3 });
  });

  it('finds a byte offset', () => {
    expect(locateFinding(shown, finding({ code: 'json.truncated', offset: 81920 }))).toEqual({ line: 7, column: 17 });
  });

  it('uses the finding’s own line and column in raw text only', () => {
    const located = finding({ code: 'json.syntax', offset: 5, line: 2, column: 4 });
    expect(locateFinding(shown, located)).toBeNull();
    expect(locateFinding({ ...shown, view: 'raw' }, located)).toEqual({ line: 2, column: 4 });
  });

  it('says nothing for a finding about another member file', () => {
    expect(locateFinding(shown, finding({ code: 'json.truncated', offset: 81920, file: 'agent.1.json' }))).toBeNull();
  });
});

describe('preferredFamily', () => {
  it('prefers broken, then warning, then sidebar order', () => {
    const ring = brokenRing();
    const trainer = healthyNumbered();
    expect(preferredFamily([trainer, ring])?.id).toBe(ring.id);
    expect(preferredFamily([trainer, { ...ring, id: 'w', health: 'warning' }])?.id).toBe('w');
    expect(preferredFamily([trainer])?.id).toBe(trainer.id);
    expect(preferredFamily([])).toBeNull();
  });
});

describe('findRoot', () => {
  const snap = snapshot(1, [root('/home/me/runs/agent-runs', [brokenRing('/home/me/runs/agent-runs')])]);
  it('matches the path as typed or as the engine resolved it', () => {
    expect(findRoot(snap, '/home/me/runs/agent-runs')?.path).toBe('/home/me/runs/agent-runs');
    expect(findRoot(snap, '/home/me/runs/agent-runs/')?.path).toBe('/home/me/runs/agent-runs');
    expect(findRoot(snap, 'runs/agent-runs')?.path).toBe('/home/me/runs/agent-runs');
    expect(findRoot(snap, '/home/me/runs')).toBeNull();
    expect(allFamilies(snap)).toHaveLength(1);
  });
});
