// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithStore } from '../test-support/render-with-store';
import { root, snapshot, healthyNumbered } from '../test-support/workspace-fixtures';
import { App } from './app';

afterEach(cleanup);

describe('App', () => {
  it('starts empty with a clear next step, and Ctrl+O focuses the folder field', () => {
    renderWithStore(<App pathForFile={null} />, snapshot(1, []));
    expect(screen.getByTestId('no-roots').textContent).toContain('Add a folder that contains checkpoints');
    fireEvent.keyDown(window, { key: 'o', ctrlKey: true });
    expect(document.activeElement).toBe(screen.getByTestId('add-folder-input'));
  });

  it('rescans on F5 and on Ctrl+R instead of reloading', () => {
    const { api } = renderWithStore(<App pathForFile={null} />, snapshot(1, []));
    const f5 = new KeyboardEvent('keydown', { key: 'F5', cancelable: true, bubbles: true });
    act(() => {
      window.dispatchEvent(f5);
    });
    expect(f5.defaultPrevented).toBe(true);
    fireEvent.keyDown(window, { key: 'r', ctrlKey: true });
    expect(api.pending('rescan')).toHaveLength(2);
  });

  it('shows scan progress in words and as a bar', () => {
    const trainer = healthyNumbered();
    renderWithStore(<App pathForFile={null} />, snapshot(1, [root('/runs/agent-runs', [trainer], { status: 'scanning' })], { progress: { root: '/runs/agent-runs', done: 120, total: 400 } }));
    const progress = screen.getByTestId('scan-progress');
    expect(progress.textContent).toContain('Scanning agent-runs — 120 of 400 files');
    expect(progress.querySelector('progress')?.value).toBe(120);
  });

  it('shows engine notices as dismissible toasts', () => {
    const { store } = renderWithStore(<App pathForFile={null} />, snapshot(1, []));
    act(() => store.getState().noticeRaised('warning', 'Cannot watch /runs/big: too many files; polling every 5 s instead.'));
    const notice = screen.getByTestId('notice');
    expect(notice.dataset.level).toBe('warning');
    fireEvent.click(screen.getByTestId('notice-dismiss'));
    expect(screen.queryByTestId('notice')).toBeNull();
  });

  it('lists the shortcuts in a dialog that Escape closes', () => {
    renderWithStore(<App pathForFile={null} />, snapshot(1, []));
    fireEvent.keyDown(document.body, { key: '?' });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('Rescan every folder');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says when the link to the engine dropped', () => {
    const { store } = renderWithStore(<App pathForFile={null} />, snapshot(1, []));
    act(() => store.getState().connectionChanged({ status: 'reconnecting', attempt: 1, nextRetryMs: 500 }));
    expect(screen.getByTestId('connection-banner').textContent).toContain('Reconnecting to the engine…');
  });
});
