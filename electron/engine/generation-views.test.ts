import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, TextLocation } from '../../shared/api/contract';
import type { FamilySummary } from '../../shared/model/workspace';
import { createApiDispatcher } from './api-dispatcher';
import { createEngine, type Engine } from './engine';
import { driftMembers } from './generation-views';
import { tempDir } from './test-fixtures';
import { writeDriftFixtures } from './test-support/drift-fixtures';

let base: string;
let engine: Engine;
const events: EngineEvent[] = [];

beforeAll(async () => {
  base = await tempDir('ckpt-views-');
  writeDriftFixtures(base);
  engine = await createEngine({ settingsPath: join(base, 'settings.json'), host: 'cli', watch: false, roots: [base], workers: 1 });
  engine.onEvent((e) => events.push(e));
  await engine.whenIdle();
});
afterAll(async () => {
  await engine.close();
  await rm(base, { recursive: true, force: true });
});

function family(dirEnd: string): FamilySummary {
  const found = engine
    .getSnapshot()
    .roots.flatMap((r) => r.families)
    .find((f) => f.dir.endsWith(dirEnd));
  if (!found) throw new Error(`no family in ${dirEnd}`);
  return found;
}

function lineAt(text: string, at: TextLocation | undefined): string {
  if (!at) throw new Error('no location');
  return text.split('\n')[at.line - 1];
}

describe('drift during the scan', () => {
  it('lists drift findings for a JSON with a pickle twin or a manifest, and not for one without', () => {
    const withTwin = family('/default-str').generations[0];
    expect(withTwin.members.map((m) => m.role).sort()).toEqual(['main', 'pickle']);
    const seen = withTwin.findings.find((f) => f.code === 'drift.lossy' && f.pointer === '/seen');
    expect(seen?.file).toBe('state.json');
    expect(withTwin.findings.some((f) => f.code === 'drift.coerced' && f.pointer === '/started_at')).toBe(true);
    expect(withTwin.health).toBe('warning');
    expect(family('/manifest').generations[0].findings.some((f) => f.code === 'drift.coerced' && f.pointer === '/shape')).toBe(true);
    // Inference waits for the Drift tab: the scan of a plain JSON stays quiet.
    expect(family('/inferred').generations[0].findings.some((f) => f.code.startsWith('drift.'))).toBe(false);
  });
});

describe('diffGenerations', () => {
  it('diffs two generations in a worker, with each change located on both sides and progress on the way', async () => {
    const ring = family('/queue');
    const [current, previous] = ring.generations;
    const view = await engine.diffGenerations(previous.id, current.id);
    expect(view.summary).toEqual({ added: 0, removed: 1, changed: 1, typeChanged: 0 });
    const phase = view.changes.find((c) => c.pointer === '/active_tasks/0/phase');
    expect(phase).toMatchObject({ kind: 'changed', before: "'lit_review'", after: "'supervision'" });
    expect(lineAt(view.a.text, phase?.beforeAt)).toContain('"phase": "lit_review"');
    expect(lineAt(view.b.text, phase?.afterAt)).toContain('"phase": "supervision"');
    // A removed key has no place on the new side: its parent stands in.
    const removed = view.changes.find((c) => c.kind === 'removed');
    expect(lineAt(view.a.text, removed?.beforeAt)).toContain('"lit_result"');
    expect(lineAt(view.b.text, removed?.afterAt)).toContain('"phase_outputs"');
    expect(view.a.label).toBe(previous.label);
    expect(events.some((e) => e.type === 'progress' && e.progress.job === 'diff' && e.progress.key === `${previous.id}\n${current.id}` && e.progress.total > 0)).toBe(true);
    expect(engine.stats().diff).toBe(1);
    // Cached by content: asking again runs no job.
    await engine.diffGenerations(previous.id, current.id);
    expect(engine.stats().diff).toBe(1);
  });

  it('says what to do when a generation is gone, and the dispatcher refuses bad parameters', async () => {
    await expect(engine.diffGenerations('nope#x', 'nope#y')).rejects.toMatchObject({ code: 'not_found' });
    const dispatcher = createApiDispatcher(engine);
    const bad = await dispatcher.handle({ id: 1, method: 'driftOf', params: [family('/inferred').generations[0].id, 'ruby'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const short = await dispatcher.handle({ id: 2, method: 'diffGenerations', params: ['only-one'] });
    expect(short).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

describe('driftOf', () => {
  it('uses the pickle twin and locates each entry in the post-load text', async () => {
    const g = family('/encoder').generations[0];
    const view = await engine.driftOf(g.id, 'python');
    expect(view).toMatchObject({ source: 'pickle', prePath: 'work.pkl', path: 'work.json', loader: 'python' });
    const bytes = view.entries.find((e) => e.pointer === '/image_bytes');
    expect(bytes).toMatchObject({ verdict: 'lossy', pre: { type: 'bytes' } });
    expect(lineAt(view.text, bytes?.at)).toContain('"image_bytes"');
    expect(view.counts.lossy).toBeGreaterThanOrEqual(1);
  });

  it('labels inference, and follows the JS loader on request', async () => {
    const g = family('/inferred').generations[0];
    const py = await engine.driftOf(g.id, 'python');
    expect(py.source).toBe('inferred');
    expect(py.prePath).toBeNull();
    expect(py.entries.some((e) => e.pointer === '/big_id')).toBe(false);
    const js = await engine.driftOf(g.id, 'js');
    expect(js.entries.find((e) => e.pointer === '/big_id')?.verdict).toBe('lossy');
  });
});

describe('driftMembers', () => {
  it('takes a pickle as the pre-save image only when it is the JSON file’s twin by name', () => {
    const twin = driftMembers([{ path: 'lit_result.json', role: 'main' }, { path: 'lit_result.pkl', role: 'pickle' }], 'lit_result.json');
    expect(twin.pre?.path).toBe('lit_result.pkl');
    const gz = driftMembers([{ path: 'x.json.gz', role: 'main' }, { path: 'x.pkl', role: 'pickle' }], 'x.json.gz');
    expect(gz.pre?.path).toBe('x.pkl');
    // A three-file set's pickle is the execution context, not an image of the state JSON.
    const triple = driftMembers(
      [{ path: 'ckpt_0040.pkl', role: 'pickle' }, { path: 'ckpt_0040.state.json', role: 'state' }, { path: 'ckpt_0040.meta.json', role: 'meta' }],
      'ckpt_0040.pkl',
    );
    expect(triple.post?.path).toBe('ckpt_0040.state.json');
    expect(triple.pre).toBeNull();
    const withManifest = driftMembers(
      [{ path: 'run.pkl', role: 'pickle' }, { path: 'run.state.json', role: 'state' }, { path: 'run.state.json.types.json', role: 'types' }],
      'run.pkl',
    );
    expect(withManifest.pre).toEqual({ path: 'run.state.json.types.json', role: 'types' });
  });
});
