import { describe, expect, it } from 'vitest';
import type { FamilySummary, GenerationSummary } from '../../shared/model/workspace';
import { ApiError } from '../api/api-error';
import { ScriptedApi } from '../test-support/scripted-api';
import { brokenRing, family as familyOf, finding, generation, root, snapshot } from '../test-support/workspace-fixtures';
import { createAppStore } from './app-store';
import { defaultDiffPair, isRetryable, nothingToCompare } from './diff-drift-slice';

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

/** A store showing `f` with `selected` (default: its current generation) selected. */
function storeShowing(f: FamilySummary, selected = f.currentId) {
  const api = new ScriptedApi();
  const store = createAppStore(api);
  store.setState({ snapshot: snapshot(1, [root(f.dir, [f])]), selectedFamilyId: f.id, selectedGenerationId: selected });
  return { api, store };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** A ring whose current is cut off and whose older generations are broken by `older`. */
function ringWithOlder(older: 'one decodes' | 'none decodes'): FamilySummary {
  return familyOf('/runs/r', 'agent', (id) => [
    generation(id, 'agent.json', { current: true, findings: [finding({ code: 'json.truncated', file: 'agent.json' })] }),
    generation(id, 'agent.1.json', { findings: older === 'none decodes' ? [finding({ code: 'json.zero_filled', file: 'agent.1.json' })] : [] }),
    generation(id, 'agent.2.json', { findings: [finding({ code: 'json.syntax', file: 'agent.2.json' })] }),
  ]);
}

describe('the default pair skips generations that do not decode', () => {
  it('compares the two newest generations that decode when the current one is cut off', () => {
    const ring = brokenRing();
    const [current, one, two] = ring.generations;
    expect(ring.fallbackId).toBe(one.id);
    expect(defaultDiffPair(ring, current)).toEqual({ a: two, b: one });
    // An older generation is compared with the newest that decodes instead of the current.
    expect(defaultDiffPair(ring, two)).toEqual({ a: two, b: one });
    expect(defaultDiffPair(ring, one)).toEqual({ a: two, b: one });
    expect(nothingToCompare(ring)).toBeNull();

    // A broken current whose value decodes (a checksum mismatch) is still compared with the fallback.
    const envelope = familyOf('/runs/p', 'checkpoint', (id) => [
      generation(id, 'checkpoint.json', { current: true, findings: [finding({ code: 'envelope.checksum_mismatch', file: 'checkpoint.json' })] }),
      generation(id, 'checkpoint.1.json'),
      generation(id, 'checkpoint.2.json'),
    ]);
    expect(defaultDiffPair(envelope, envelope.generations[0])).toEqual({ a: envelope.generations[1], b: envelope.generations[0] });
  });

  it('loads the diff of the two newest that decode when the broken current is selected', async () => {
    const ring = brokenRing();
    const { api, store } = storeShowing(ring);
    void store.getState().diffRequested();
    expect(api.take('diffGenerations').params).toEqual([ring.generations[2].id, ring.generations[1].id]);
    await settle();
  });

  it('says plainly that only one generation decodes, and asks the engine nothing', async () => {
    const ring = ringWithOlder('one decodes');
    expect(nothingToCompare(ring)).toBe(
      'Only one generation of agent decodes (agent.1.json); there is nothing to compare it with. agent.json (json.truncated) and agent.2.json (json.syntax) do not decode.',
    );
    const { api, store } = storeShowing(ring);
    await store.getState().diffRequested();
    expect(api.pending('diffGenerations')).toHaveLength(0);
    expect(store.getState().diff.status).toBe('idle');

    const none = ringWithOlder('none decodes');
    expect(nothingToCompare(none)).toBe(
      'No generation of agent decodes, so there is nothing to compare: agent.json (json.truncated), agent.1.json (json.zero_filled) and agent.2.json (json.syntax) do not decode.',
    );
  });

  it('compares a broken generation the person picks, and its "does not decode" offers no second try', async () => {
    const ring = ringWithOlder('one decodes');
    const { api, store } = storeShowing(ring);
    const [current, one] = ring.generations;
    store.getState().diffSidesPicked(one.id, current.id);
    const call = api.take('diffGenerations');
    expect(call.params).toEqual([one.id, current.id]);
    call.reject(new ApiError('unreadable', 'agent.json does not decode (json.truncated: …), so it cannot be compared. Pick a generation whose value decodes.'));
    await settle();
    expect(store.getState().diff).toMatchObject({ status: 'error', retryable: false, message: expect.stringContaining('does not decode') });
  });
});

describe('a second try is offered only where it can help', () => {
  it('tells failures that can pass on retry from those that cannot', () => {
    for (const code of ['not_found', 'internal', 'timeout', 'disconnected']) expect(isRetryable(new ApiError(code, 'x')), code).toBe(true);
    for (const code of ['unreadable', 'not_applicable', 'bad_request', 'outside_roots']) expect(isRetryable(new ApiError(code, 'x')), code).toBe(false);
  });

  it('marks a diff the worker could not finish, and a drift of a file that does not decode', async () => {
    const ring = brokenRing();
    const { api, store } = storeShowing(ring, ring.generations[1].id);
    void store.getState().diffRequested();
    api.take('diffGenerations').reject(new ApiError('internal', 'Checkpoint Doctor could not compare … (it took too long). Try again.'));
    await settle();
    expect(store.getState().diff).toMatchObject({ status: 'error', retryable: true });
    void store.getState().diffRequested({ retry: true });
    expect(api.pending('diffGenerations')).toHaveLength(1);

    store.setState({ selectedGenerationId: ring.currentId });
    void store.getState().driftRequested();
    api.take('driftOf').reject(new ApiError('unreadable', 'agent.json does not decode (json.truncated: …), so it cannot be judged for type drift.'));
    await settle();
    expect(store.getState().drift).toMatchObject({ status: 'error', retryable: false });
    void store.getState().driftRequested({ retry: true });
    api.take('driftOf').reject(new ApiError('not_found', 'agent.json is no longer on disk (it was probably rotated or deleted).'));
    await settle();
    expect(store.getState().drift).toMatchObject({ status: 'error', retryable: true });
  });
});
