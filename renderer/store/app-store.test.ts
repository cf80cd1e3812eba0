import { beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionSource, ConnectionState } from '../api/connection';
import { ScriptedApi, flush } from '../test-support/scripted-api';
import { brokenRing, content, family, finding, generation, healthyNumbered, root, snapshot } from '../test-support/workspace-fixtures';
import { connectStore, createAppStore, type AppStore } from './app-store';
import { MAX_NOTICES } from './notices-slice';
import { selectSelectedGeneration } from './selectors';

let api: ScriptedApi;
let store: AppStore;

beforeEach(() => {
  api = new ScriptedApi();
  store = createAppStore(api);
});

const ring = brokenRing();
const trainer = healthyNumbered();
const twoRoots = (version: number) => snapshot(version, [root('/runs/trainer', [trainer]), root('/runs/agent-runs', [ring])]);

describe('snapshotReceived', () => {
  it('opens on the broken family and its current generation, and loads that generation', () => {
    store.getState().snapshotReceived(twoRoots(1));
    const state = store.getState();
    expect(state.selectedFamilyId).toBe(ring.id);
    expect(state.selectedGenerationId).toBe(`${ring.id}#agent.json`);
    expect(api.take('readGeneration').params).toEqual([`${ring.id}#agent.json`]);
    expect(state.content.status).toBe('loading');
  });

  it('drops a snapshot older than the one shown', () => {
    store.getState().snapshotReceived(twoRoots(5));
    store.getState().snapshotReceived(snapshot(4, []));
    expect(store.getState().snapshot?.version).toBe(5);
  });

  it('takes any version first after a reconnect (the engine may have restarted)', () => {
    store.getState().snapshotReceived(twoRoots(40));
    store.getState().connectionChanged({ status: 'reconnecting', attempt: 1, nextRetryMs: 250 });
    store.getState().connectionChanged({ status: 'open' });
    expect(api.pending('getSnapshot')).toHaveLength(1);
    store.getState().snapshotReceived(twoRoots(1));
    expect(store.getState().snapshot?.version).toBe(1);
    store.getState().snapshotReceived(twoRoots(0));
    expect(store.getState().snapshot?.version).toBe(1);
  });

  it('keeps the selection across snapshots while what it names exists', () => {
    store.getState().snapshotReceived(twoRoots(1));
    store.getState().familySelected(trainer.id);
    store.getState().generationSelected(`${trainer.id}#ckpt_001`);
    api.calls.length = 0;

    // A rescan: new objects, same ids, a new generation on top.
    const grown = family('/runs/trainer', 'ckpt', (id) => [generation(id, 'ckpt_003', { current: true }), ...trainer.generations.map((g) => ({ ...g, current: false }))], { kind: 'numbered' });
    store.getState().snapshotReceived(snapshot(2, [root('/runs/trainer', [grown]), root('/runs/agent-runs', [ring])]));

    expect(store.getState().selectedFamilyId).toBe(trainer.id);
    expect(store.getState().selectedGenerationId).toBe(`${trainer.id}#ckpt_001`);
    // Same bytes: nothing to reload.
    expect(api.pending('readGeneration')).toHaveLength(0);
  });

  it('reloads the shown generation when its bytes changed, keeping the old text on screen meanwhile', async () => {
    store.getState().snapshotReceived(twoRoots(1));
    const id = `${ring.id}#agent.json`;
    api.take('readGeneration').resolve(content(id, 'agent.json'));
    await flush();
    expect(store.getState().content.status).toBe('ready');

    const rewritten = family('/runs/agent-runs', 'agent', (fid) => [generation(fid, 'agent.json', { current: true, sha256: 'b'.repeat(64) }), ...ring.generations.slice(1)]);
    store.getState().snapshotReceived(snapshot(2, [root('/runs/trainer', [trainer]), root('/runs/agent-runs', [rewritten])]));

    const loading = store.getState().content;
    expect(loading.status).toBe('loading');
    expect(loading.status === 'loading' && loading.previous?.generationId).toBe(id);
    api.take('readGeneration').resolve(content(id, 'agent.json', { text: '{"phase": "done"}' }));
    await flush();
    const ready = store.getState().content;
    expect(ready.status === 'ready' && ready.content.text).toBe('{"phase": "done"}');
  });

  it('says what is being read while the previous text is still on screen', async () => {
    store.getState().snapshotReceived(twoRoots(1));
    api.take('readGeneration').resolve(content(`${ring.id}#agent.json`, 'agent.json'));
    await flush();
    store.getState().generationSelected(`${ring.id}#agent.1.json`);
    const loading = store.getState().content;
    expect(loading.status === 'loading' && [loading.generationId, loading.path, loading.previous?.path]).toEqual([`${ring.id}#agent.1.json`, 'agent.1.json', 'agent.json']);
  });

  it('moves to the current generation when the selected one is gone', () => {
    store.getState().snapshotReceived(twoRoots(1));
    store.getState().generationSelected(`${ring.id}#agent.2.json`);
    const shrunk = family('/runs/agent-runs', 'agent', () => ring.generations.slice(0, 2));
    store.getState().snapshotReceived(snapshot(2, [root('/runs/trainer', [trainer]), root('/runs/agent-runs', [shrunk])]));
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.json`);
  });

  it('picks another family when the selected one disappears, and clears when none is left', () => {
    store.getState().snapshotReceived(twoRoots(1));
    store.getState().snapshotReceived(snapshot(2, [root('/runs/trainer', [trainer])]));
    expect(store.getState().selectedFamilyId).toBe(trainer.id);
    store.getState().snapshotReceived(snapshot(3, []));
    expect(store.getState().selectedFamilyId).toBeNull();
    expect(store.getState().selectedGenerationId).toBeNull();
    expect(store.getState().content.status).toBe('idle');
  });
});

describe('selection', () => {
  it('fallbackSelected shows the newest healthy generation', () => {
    store.getState().snapshotReceived(twoRoots(1));
    store.getState().fallbackSelected();
    expect(store.getState().selectedGenerationId).toBe(ring.fallbackId);
    expect(selectSelectedGeneration(store.getState())?.label).toBe('agent.1.json');
  });

  it('ignores a generation id that is not in the selected family', () => {
    store.getState().snapshotReceived(twoRoots(1));
    store.getState().generationSelected(`${trainer.id}#ckpt_001`);
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.json`);
  });

  it('drops an answer that arrives after the person moved on', async () => {
    store.getState().snapshotReceived(twoRoots(1));
    const first = api.take('readGeneration');
    store.getState().generationSelected(`${ring.id}#agent.1.json`);
    const second = api.take('readGeneration');
    second.resolve(content(`${ring.id}#agent.1.json`, 'agent.1.json'));
    await flush();
    first.resolve(content(`${ring.id}#agent.json`, 'agent.json'));
    await flush();
    const shown = store.getState().content;
    expect(shown.status === 'ready' && shown.content.generationId).toBe(`${ring.id}#agent.1.json`);
  });

  it('shows a read failure and retries on request', async () => {
    store.getState().snapshotReceived(twoRoots(1));
    api.take('readGeneration').reject(new Error('The file vanished while it was read.'));
    await flush();
    const failed = store.getState().content;
    expect(failed.status === 'error' && failed.message).toBe('The file vanished while it was read.');
    void store.getState().contentRequested({ retry: true });
    expect(api.pending('readGeneration')).toHaveLength(1);
  });
});

describe('findingActivated', () => {
  const tripleFamily = family('/runs/flow', 'run', (id) => [
    generation(id, 'run.pkl', {
      current: true,
      members: ['run.pkl', 'run.state.json', 'run.meta.json'],
      findings: [finding({ code: 'json.truncated', file: 'run.state.json', offset: 40 })],
    }),
  ]);

  it('switches to the member the finding is in and keeps the reveal request for it', async () => {
    store.getState().snapshotReceived(snapshot(1, [root('/runs/flow', [tripleFamily])]));
    const id = `${tripleFamily.id}#run.pkl`;
    api.take('readGeneration').resolve(content(id, 'run.pkl', { members: ['run.pkl', 'run.state.json', 'run.meta.json'] }));
    await flush();

    const target = tripleFamily.generations[0].findings[0];
    store.getState().findingActivated(target);
    expect(store.getState().selectedMember).toBe('run.state.json');
    expect(api.take('readGeneration').params).toEqual([id, 'run.state.json']);
    expect(store.getState().revealRequest?.finding).toBe(target);

    const seq = store.getState().revealRequest!.seq;
    store.getState().findingActivated(target);
    expect(store.getState().revealRequest!.seq).toBe(seq + 1);
  });

  it('reveals the first located error of a broken file when it opens, unless a spot was asked for', async () => {
    store.getState().snapshotReceived(snapshot(1, [root('/runs/flow', [tripleFamily])]));
    const id = `${tripleFamily.id}#run.pkl`;
    const warning = finding({ code: 'write.in_progress', severity: 'warning', file: 'run.pkl', offset: 3 });
    const unlocated = finding({ code: 'pickle.invalid', file: 'run.pkl', offset: 9 });
    const located = finding({ code: 'pickle.truncated', file: 'run.pkl', offset: 12 });
    api.take('readGeneration').resolve(
      content(id, 'run.pkl', { view: 'raw', findings: [warning, unlocated, located], locations: { 'offset:3': { line: 1, column: 4 }, 'offset:12': { line: 2, column: 1 } } }),
    );
    await flush();
    expect(store.getState().revealRequest?.finding).toBe(located);

    store.getState().memberSelected('run.state.json');
    const asked = tripleFamily.generations[0].findings[0];
    store.getState().findingActivated(asked);
    api.take('readGeneration').resolve(
      content(id, 'run.state.json', { view: 'raw', findings: [asked], locations: { 'offset:40': { line: 3, column: 1 } } }),
    );
    await flush();
    expect(store.getState().revealRequest?.finding).toBe(asked);
  });

  it('forgets the reveal request when another generation is selected', () => {
    store.getState().snapshotReceived(twoRoots(1));
    store.getState().findingActivated(ring.generations[0].findings[0]);
    store.getState().generationSelected(`${ring.id}#agent.1.json`);
    expect(store.getState().revealRequest).toBeNull();
  });
});

describe('adding and removing folders', () => {
  it('shows the engine error inline and keeps it until the path is edited', async () => {
    store.getState().snapshotReceived(snapshot(1, []));
    const submitted = store.getState().addFolderSubmitted('/nope');
    expect(store.getState().addFolder.busy).toBe(true);
    api.take('addRoot').resolve({ kind: 'error', code: 'not_found', message: 'There is no folder at /nope.' });
    expect(await submitted).toBe(false);
    expect(store.getState().addFolder).toEqual({ busy: false, error: { path: '/nope', code: 'not_found', message: 'There is no folder at /nope.' } });
    store.getState().addFolderErrorDismissed();
    expect(store.getState().addFolder.error).toBeNull();
  });

  it('refuses an empty path without asking the engine', async () => {
    expect(await store.getState().addFolderSubmitted('   ')).toBe(false);
    expect(api.pending('addRoot')).toHaveLength(0);
    expect(store.getState().addFolder.error?.code).toBe('empty');
  });

  it('selects the new folder’s family once its scan finds one', async () => {
    store.getState().snapshotReceived(snapshot(1, [root('/runs/trainer', [trainer])]));
    expect(store.getState().selectedFamilyId).toBe(trainer.id);
    const submitted = store.getState().addFolderSubmitted('/runs/agent-runs/');
    api.take('addRoot').resolve({ kind: 'ok' });
    expect(await submitted).toBe(true);

    store.getState().snapshotReceived(snapshot(2, [root('/runs/trainer', [trainer]), root('/runs/agent-runs', [], { status: 'scanning' })]));
    expect(store.getState().selectedFamilyId).toBe(trainer.id);
    store.getState().snapshotReceived(twoRoots(3));
    expect(store.getState().selectedFamilyId).toBe(ring.id);
  });

  it('reports a failed removal as a notice', async () => {
    const removed = store.getState().rootRemoved('/runs/trainer');
    api.take('removeRoot').resolve({ kind: 'error', code: 'not_found', message: 'That folder is not being watched.' });
    await removed;
    expect(store.getState().notices.map((n) => [n.level, n.message])).toEqual([['error', 'That folder is not being watched.']]);
  });
});

describe('expected schema version', () => {
  it('sends the trimmed version, clears with a blank one, and turns a refusal into a notice', async () => {
    const set = store.getState().expectedSchemaSubmitted('/runs/trainer', '  4 ');
    const setCall = api.take('setExpectedSchemaVersion');
    expect(setCall.params).toEqual(['/runs/trainer', '4']);
    setCall.resolve({ kind: 'ok' });
    expect(await set).toBe(true);
    const cleared = store.getState().expectedSchemaSubmitted('/runs/trainer', '   ');
    const clearCall = api.take('setExpectedSchemaVersion');
    expect(clearCall.params).toEqual(['/runs/trainer', null]);
    clearCall.resolve({ kind: 'ok' });
    expect(await cleared).toBe(true);
    expect(store.getState().notices).toEqual([]);

    const refused = store.getState().expectedSchemaSubmitted('/gone', '4');
    api.take('setExpectedSchemaVersion').resolve({ kind: 'error', code: 'not_found', message: '/gone is not in the list of watched folders.' });
    expect(await refused).toBe(false);
    const failed = store.getState().expectedSchemaSubmitted('/runs/trainer', '5');
    api.take('setExpectedSchemaVersion').reject(new Error('connection lost'));
    expect(await failed).toBe(false);
    expect(store.getState().notices.map((n) => [n.level, n.message])).toEqual([
      ['error', '/gone is not in the list of watched folders.'],
      ['error', 'Could not set the expected schema version of /runs/trainer: connection lost'],
    ]);
  });
});

describe('notices', () => {
  it('folds a repeated message into a count and keeps only the latest few', () => {
    store.getState().noticeRaised('warning', 'Watcher restarted');
    store.getState().noticeRaised('warning', 'Watcher restarted');
    expect(store.getState().notices).toHaveLength(1);
    expect(store.getState().notices[0].count).toBe(2);
    for (let i = 0; i < MAX_NOTICES + 2; i++) store.getState().noticeRaised('info', `note ${i}`);
    expect(store.getState().notices).toHaveLength(MAX_NOTICES);
    expect(store.getState().notices.at(-1)?.message).toBe(`note ${MAX_NOTICES + 1}`);
    store.getState().noticeDismissed(store.getState().notices[0].id);
    expect(store.getState().notices).toHaveLength(MAX_NOTICES - 1);
  });
});

describe('connectStore', () => {
  function connection(initial: ConnectionState): ConnectionSource & { set(state: ConnectionState): void } {
    const listeners = new Set<(state: ConnectionState) => void>();
    let state = initial;
    return {
      get state() {
        return state;
      },
      onChange(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      set(next) {
        state = next;
        for (const l of listeners) l(next);
      },
    };
  }

  it('fetches the workspace and turns engine events into store events until unhooked', async () => {
    const link = connection({ status: 'open' });
    const unhook = connectStore(store, api, link);
    api.take('getCapabilities').resolve({ nativeFolderPicker: false, host: 'serve' });
    api.take('getSnapshot').resolve(twoRoots(1));
    await flush();
    expect(store.getState().startup.status).toBe('ready');
    expect(store.getState().capabilities?.host).toBe('serve');

    api.emit({ type: 'snapshot', snapshot: twoRoots(2) });
    api.emit({ type: 'notice', level: 'warning', message: 'Too many files to watch in /runs; polling instead.' });
    expect(store.getState().snapshot?.version).toBe(2);
    expect(store.getState().notices[0].message).toMatch(/polling instead/);

    link.set({ status: 'reconnecting', attempt: 1, nextRetryMs: 500 });
    expect(store.getState().connection.status).toBe('reconnecting');

    unhook();
    api.emit({ type: 'snapshot', snapshot: twoRoots(3) });
    expect(store.getState().snapshot?.version).toBe(2);
  });

  it('explains a startup failure instead of spinning forever', async () => {
    connectStore(store, api, connection({ status: 'open' }));
    api.take('getCapabilities').reject(new Error('The engine did not answer within 30 s (getCapabilities).'));
    api.take('getSnapshot').resolve(twoRoots(1));
    await flush();
    expect(store.getState().startup).toEqual({ status: 'error', message: 'The engine did not answer within 30 s (getCapabilities).' });
  });

  it('does not call the engine when the page cannot connect at all', () => {
    connectStore(store, api, connection({ status: 'failed', reason: 'This page was opened without its access token.' }));
    expect(api.calls).toHaveLength(0);
    expect(store.getState().startup).toEqual({ status: 'error', message: 'This page was opened without its access token.' });
  });
});
