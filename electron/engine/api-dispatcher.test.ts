import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiDispatcher, type ApiDispatcher } from './api-dispatcher';
import { createEngine, type Engine } from './engine';
import { tempDir, writeNumbered } from './test-fixtures';

let base: string;
let engine: Engine;
let dispatcher: ApiDispatcher;

beforeAll(async () => {
  base = await tempDir('ckpt-dispatch-');
  await mkdir(join(base, 'root'));
  writeNumbered(join(base, 'root'), 2);
  engine = await createEngine({ settingsPath: join(base, 'settings.json'), host: 'serve', roots: [join(base, 'root')], watch: false });
  await engine.whenIdle();
  dispatcher = createApiDispatcher(engine);
});

afterAll(async () => {
  await engine.close();
  await rm(base, { recursive: true, force: true });
});

describe('createApiDispatcher', () => {
  it.each([
    ['a string', 'getSnapshot'],
    ['null', null],
    ['no method', { id: 1, params: [] }],
    ['an unknown method', { id: 2, method: 'deleteEverything', params: [] }],
    ['a negative id', { id: -5, method: 'getSnapshot', params: [] }],
    ['params that are not an array', { id: 3, method: 'getSnapshot', params: {} }],
    ['too many params', { id: 4, method: 'getSnapshot', params: [1] }],
    ['a non-string path', { id: 5, method: 'addRoot', params: [42] }],
    ['an empty path', { id: 6, method: 'addRoot', params: [''] }],
    ['an over-long path', { id: 7, method: 'addRoot', params: ['/'.repeat(5000)] }],
    ['a missing generation id', { id: 8, method: 'readGeneration', params: [] }],
    ['a blank schema version', { id: 12, method: 'setExpectedSchemaVersion', params: ['/x', '   '] }],
    ['an over-long schema version', { id: 13, method: 'setExpectedSchemaVersion', params: ['/x', '4'.repeat(201)] }],
    ['a numeric schema version', { id: 14, method: 'setExpectedSchemaVersion', params: ['/x', 4] }],
  ])('answers bad_request for %s, without throwing', async (_label, raw) => {
    const response = await dispatcher.handle(raw);
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error.code).toBe('bad_request');
      expect(response.error.message.length).toBeGreaterThan(10);
    }
  });

  it('echoes the id of a well-formed request and routes it', async () => {
    const response = await dispatcher.handle({ id: 41, method: 'getSnapshot', params: [] });
    expect(response).toMatchObject({ id: 41, ok: true });
    if (response.ok) expect((response.result as { roots: unknown[] }).roots).toHaveLength(1);
    expect(await dispatcher.handle({ id: 42, method: 'getCapabilities', params: [] })).toEqual({ id: 42, ok: true, result: { nativeFolderPicker: false, host: 'serve' } });
    expect(await dispatcher.handle({ id: 43, method: 'pickFolder', params: [] })).toEqual({ id: 43, ok: true, result: null });
  });

  it('maps engine failures to stable codes', async () => {
    const missing = await dispatcher.handle({ id: 9, method: 'readGeneration', params: ['/nowhere::x#y.json'] });
    expect(missing).toMatchObject({ id: 9, ok: false, error: { code: 'not_found' } });
    const snapshot = engine.getSnapshot();
    const gen = snapshot.roots[0].families[0].generations[0];
    const escape = await dispatcher.handle({ id: 10, method: 'readGeneration', params: [gen.id, '../../../etc/passwd'] });
    expect(escape).toMatchObject({ id: 10, ok: false, error: { code: 'outside_roots' } });
    const add = await dispatcher.handle({ id: 11, method: 'addRoot', params: [join(base, 'nope')] });
    expect(add).toMatchObject({ id: 11, ok: true, result: { kind: 'error', code: 'not_found' } });
    const unknownRoot = await dispatcher.handle({ id: 15, method: 'setExpectedSchemaVersion', params: [join(base, 'other'), '4'] });
    expect(unknownRoot).toMatchObject({ id: 15, ok: true, result: { kind: 'error', code: 'not_found' } });
    const set = await dispatcher.handle({ id: 16, method: 'setExpectedSchemaVersion', params: [join(base, 'root'), ' 1 '] });
    expect(set).toEqual({ id: 16, ok: true, result: { kind: 'ok' } });
    expect(engine.getSnapshot().roots[0].expectedSchemaVersion).toBe('1');
  });
});
