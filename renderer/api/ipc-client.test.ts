import { describe, expect, it } from 'vitest';
import type { ApiMethod, EngineEvent, ResponseEnvelope } from '../../shared/api/contract';
import { ApiError } from './api-error';
import { createIpcClient, type PreloadBridge } from './ipc-client';

/** A bridge answering from a table, shaped like the preload's `window.ckptDoctor`. */
function bridge(answer: (method: ApiMethod, params: readonly unknown[]) => ResponseEnvelope): PreloadBridge & { emit(e: EngineEvent): void; sent: unknown[] } {
  const listeners = new Set<(e: EngineEvent) => void>();
  const sent: unknown[] = [];
  return {
    sent,
    invoke: async (method, params) => {
      sent.push([method, params]);
      return answer(method, params);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(e) {
      for (const l of listeners) l(e);
    },
  };
}

describe('createIpcClient', () => {
  it('passes parameters through and unwraps results', async () => {
    const b = bridge((_method, params) => ({ id: 1, ok: true, result: { generationId: params[0], path: params[1] } }));
    const api = createIpcClient(b);
    await expect(api.readGeneration('g#a.pkl', 'a.state.json')).resolves.toEqual({ generationId: 'g#a.pkl', path: 'a.state.json' });
    await api.readGeneration('g#a.pkl');
    expect(b.sent).toEqual([
      ['readGeneration', ['g#a.pkl', 'a.state.json']],
      ['readGeneration', ['g#a.pkl']],
    ]);
  });

  it('turns an engine refusal into an ApiError with its code', async () => {
    const api = createIpcClient(bridge(() => ({ id: 1, ok: false, error: { code: 'outside_roots', message: 'That path is not under a watched folder.' } })));
    const failure = await api.readGeneration('x').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'outside_roots', message: 'That path is not under a watched folder.' });
  });

  it('refuses an answer that is not an envelope', async () => {
    const api = createIpcClient(bridge(() => undefined as unknown as ResponseEnvelope));
    await expect(api.rescan()).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('forwards engine events until unsubscribed', () => {
    const b = bridge(() => ({ id: 1, ok: true, result: null }));
    const api = createIpcClient(b);
    const seen: EngineEvent[] = [];
    const off = api.onEvent((e) => seen.push(e));
    b.emit({ type: 'notice', level: 'info', message: 'a' });
    off();
    b.emit({ type: 'notice', level: 'info', message: 'b' });
    expect(seen).toEqual([{ type: 'notice', level: 'info', message: 'a' }]);
  });
});
