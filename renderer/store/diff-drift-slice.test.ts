import { describe, expect, it } from 'vitest';
import type { FamilySummary, GenerationSummary } from '../../shared/model/workspace';
import { ScriptedApi } from '../test-support/scripted-api';
import { createAppStore } from './app-store';
import { defaultDiffPair } from './diff-drift-slice';

function gen(label: string, current = false): GenerationSummary {
  return {
    id: `f#${label}`,
    label,
    mainPath: label,
    members: [],
    current,
    healthy: true,
    health: 'healthy',
    sha256: label,
    size: 1,
    mtimeMs: 1,
    schemaVersion: null,
    findings: [],
  };
}

function family(fallback: string | null): FamilySummary {
  const generations = [gen('x.json', true), gen('x.1.json'), gen('x.2.json')];
  return {
    id: 'f',
    name: 'x',
    dir: '/d',
    root: '/d',
    kind: 'ring',
    health: 'healthy',
    generations,
    currentId: 'f#x.json',
    fallbackId: fallback,
    verdict: '',
    findings: [],
  };
}

describe('defaultDiffPair', () => {
  it('compares a broken current with the fallback, a healthy one with the previous generation, and an older one with the current', () => {
    const broken = family('f#x.2.json');
    expect(defaultDiffPair(broken, broken.generations[0])).toMatchObject({ a: { label: 'x.2.json' }, b: { label: 'x.json' } });
    const healthy = family('f#x.json');
    expect(defaultDiffPair(healthy, healthy.generations[0])).toMatchObject({ a: { label: 'x.1.json' }, b: { label: 'x.json' } });
    expect(defaultDiffPair(healthy, healthy.generations[2])).toMatchObject({ a: { label: 'x.2.json' }, b: { label: 'x.json' } });
  });
});

describe('diff loading', () => {
  it('shows progress for the diff it waits for only, and drops a late answer', async () => {
    const api = new ScriptedApi();
    const store = createAppStore(api);
    const f = family('f#x.json');
    store.setState({ snapshot: { roots: [{ path: '/d', status: 'ready', families: [f] }], recent: [], progress: null, version: 1 }, selectedFamilyId: 'f', selectedGenerationId: 'f#x.json' });
    void store.getState().diffRequested();
    const first = api.take('diffGenerations');
    expect(first.params).toEqual(['f#x.1.json', 'f#x.json']);
    store.getState().jobProgressReceived({ job: 'diff', key: 'f#other\nf#x.json', done: 5, total: 10 });
    expect(store.getState().diff).toMatchObject({ status: 'loading', progress: null });
    store.getState().jobProgressReceived({ job: 'diff', key: 'f#x.1.json\nf#x.json', done: 5, total: 10 });
    expect(store.getState().diff).toMatchObject({ status: 'loading', progress: { done: 5, total: 10 } });
    // The person picks other sides before the first answer arrives.
    store.getState().diffSidesPicked('f#x.2.json', 'f#x.json');
    const second = api.take('diffGenerations');
    first.resolve({ summary: { added: 9, removed: 0, changed: 0, typeChanged: 0 } });
    await Promise.resolve();
    expect(store.getState().diff.status).toBe('loading');
    second.resolve({ summary: { added: 1, removed: 0, changed: 0, typeChanged: 0 } });
    await new Promise((r) => setTimeout(r, 0));
    const diff = store.getState().diff;
    expect(diff.status === 'ready' && diff.view.summary.added).toBe(1);
  });
});
