// @vitest-environment happy-dom
/**
 * The destructive-dialog rules of the rollback confirmation, with the engine scripted: Cancel has
 * the focus, Escape cancels, nothing can be confirmed in the first moments or without the family
 * name on a risky plan, and a refusal is shown in the engine's words.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RollbackPlanView } from '../../../shared/api/rollback-contract';
import { createAppStore, StoreProvider } from '../../store/app-store';
import { DialogHost } from '../chrome/dialog-host';
import { flush, ScriptedApi } from '../../test-support/scripted-api';
import { ARM_DELAY_MS } from './rollback-dialog';

const sha = (c: string) => c.repeat(64);

function plan(overrides: Partial<RollbackPlanView> = {}): RollbackPlanView {
  return {
    kind: 'rollback',
    token: 't1',
    familyId: '/runs::agent.json',
    familyName: 'agent.json',
    dir: '/runs',
    summary: 'Make agent.2.json the current generation of agent.json.',
    operations: [
      { kind: 'backup', path: 'agent.json', sha256: sha('a'), backupPath: '.ckpt-doctor/trash/<timestamp>-rollback/agent.json', description: 'copy' },
      { kind: 'replace', from: 'agent.2.json', fromSha256: sha('b'), to: 'agent.json', toSha256Before: sha('a'), description: 'write' },
    ],
    warnings: [{ code: 'target_has_findings', message: 'agent.2.json is broken (1 finding).' }],
    blockers: [],
    risky: true,
    quietPeriodMs: 10_000,
    current: { generationId: '/runs::agent.json#agent.json', label: 'agent.json', health: 'healthy', findingsCount: 0, firstProblem: null, schemaVersion: '3', mtimeMs: 0, members: [{ path: 'agent.json', sha256: sha('a') }] },
    target: { generationId: '/runs::agent.json#agent.2.json', label: 'agent.2.json', health: 'broken', findingsCount: 1, firstProblem: 'cut short', schemaVersion: null, mtimeMs: 0, members: [{ path: 'agent.2.json', sha256: sha('b') }] },
    diff: { kind: 'unavailable', reason: 'No diff: agent.2.json does not decode.' },
    ...overrides,
  };
}

async function open() {
  const api = new ScriptedApi();
  const store = createAppStore(api);
  render(
    <StoreProvider store={store}>
      <DialogHost />
    </StoreProvider>,
  );
  await act(async () => {
    void store.getState().rollbackRequested('/runs::agent.json', '/runs::agent.json#agent.2.json');
    await flush();
  });
  await act(async () => {
    api.take('planRollback').resolve(plan());
    await flush();
  });
  return { api, store };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('RollbackDialog', () => {
  it('is an alertdialog with Cancel focused, and confirms only after the arm delay with the family name typed', async () => {
    const { api } = await open();
    const dialog = screen.getByTestId('rollback-dialog');
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(document.activeElement).toBe(screen.getByTestId('rollback-cancel'));
    expect(screen.getAllByTestId('rollback-operation')).toHaveLength(2);

    const confirm = screen.getByTestId('rollback-confirm') as HTMLButtonElement;
    const typed = screen.getByTestId('rollback-typed-name') as HTMLInputElement;
    fireEvent.change(typed, { target: { value: 'agent.json' } });
    // Typed correctly, but the dialog just opened: a stray click must not confirm.
    expect(confirm.disabled).toBe(true);
    fireEvent.click(confirm);
    expect(api.pending('executeRollback')).toHaveLength(0);

    act(() => vi.advanceTimersByTime(ARM_DELAY_MS));
    fireEvent.change(typed, { target: { value: 'agent' } });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(typed, { target: { value: 'agent.json' } });
    expect(confirm.disabled).toBe(false);

    await act(async () => {
      fireEvent.click(confirm);
      await flush();
    });
    const call = api.take('executeRollback');
    expect(call.params[0]).toEqual({ token: 't1', confirmation: { typedName: 'agent.json' } });
    expect((screen.getByTestId('rollback-cancel') as HTMLButtonElement).disabled, 'buttons disabled while it runs').toBe(true);
    expect((screen.getByTestId('rollback-confirm') as HTMLButtonElement).disabled).toBe(true);

    await act(async () => {
      call.resolve({ kind: 'refused', code: 'changed_since_review', message: 'agent.json changed since you reviewed it — review again.' });
      await flush();
    });
    expect(screen.getByTestId('rollback-refusal').textContent).toContain('changed since you reviewed it');
    expect(screen.getByTestId('rollback-refusal').textContent).toContain('Nothing was written.');
  });

  it('ignores Escape in the first moments, then cancels with it without writing', async () => {
    const { api, store } = await open();
    const dialog = screen.getByTestId('rollback-dialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByTestId('rollback-dialog')).not.toBeNull();
    act(() => vi.advanceTimersByTime(ARM_DELAY_MS));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByTestId('rollback-dialog')).toBeNull();
    expect(store.getState().popups).toEqual([]);
    expect(api.pending('executeRollback')).toHaveLength(0);
  });
});
