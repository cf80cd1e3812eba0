// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { flush } from '../../test-support/scripted-api';
import { renderWithStore } from '../../test-support/render-with-store';
import { brokenRing, healthyNumbered, root, snapshot } from '../../test-support/workspace-fixtures';
import { Sidebar } from './sidebar';

afterEach(cleanup);

const ring = brokenRing();
const trainer = healthyNumbered();
const workspace = snapshot(1, [root('/runs/trainer', [trainer]), root('/runs/agent-runs', [ring])], { recent: ['/old/run', '/runs/trainer'] });

describe('Sidebar', () => {
  it('shows each folder with its families and their health as colour, icon and word', () => {
    renderWithStore(<Sidebar pathForFile={null} />, workspace);
    expect(screen.getByRole('navigation', { name: 'Checkpoint folders' })).toBeTruthy();
    const tree = screen.getByRole('tree');
    const roots = within(tree).getAllByTestId('root-item');
    expect(roots.map((r) => r.dataset.path)).toEqual(['/runs/trainer', '/runs/agent-runs']);
    const agent = within(roots[1]).getByTestId('family-item');
    expect(agent.dataset.family).toBe('agent');
    const badge = within(agent).getByTestId('health-badge');
    expect(badge.dataset.health).toBe('broken');
    expect(badge.textContent).toBe('Broken');
    expect(agent.getAttribute('aria-selected')).toBe('true');
  });

  it('moves with the arrow keys and selects a family with Enter', () => {
    const { store } = renderWithStore(<Sidebar pathForFile={null} />, workspace);
    const items = () => screen.getAllByRole('treeitem');
    // One tab stop: the selected family.
    expect(items().filter((item) => item.tabIndex === 0).map((item) => item.dataset.family)).toEqual(['agent']);

    const agent = screen.getAllByTestId('family-item')[1];
    act(() => agent.focus());
    fireEvent.keyDown(agent, { key: 'Home' });
    expect(document.activeElement).toBe(screen.getAllByTestId('root-item')[0]);
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect((document.activeElement as HTMLElement).dataset.family).toBe('ckpt');
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    expect(store.getState().selectedFamilyId).toBe(trainer.id);

    // Left goes to the folder, Left again closes it, Right opens it.
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    const trainerRoot = screen.getAllByTestId('root-item')[0];
    expect(document.activeElement).toBe(trainerRoot);
    fireEvent.keyDown(trainerRoot, { key: 'ArrowLeft' });
    expect(trainerRoot.getAttribute('aria-expanded')).toBe('false');
    expect(within(trainerRoot).queryByTestId('family-item')).toBeNull();
    fireEvent.keyDown(trainerRoot, { key: 'ArrowRight' });
    expect(within(trainerRoot).getByTestId('family-item')).toBeTruthy();
  });

  it('stops watching a folder without touching it, and says so', async () => {
    const { api, store } = renderWithStore(<Sidebar pathForFile={null} />, workspace);
    const trainerRoot = screen.getAllByTestId('root-item')[0];
    const button = within(trainerRoot).getByTestId('remove-root-button');
    expect(button.getAttribute('aria-label')).toMatch(/not touched/);
    fireEvent.click(button);
    const call = api.take('removeRoot');
    expect(call.params).toEqual(['/runs/trainer']);
    call.resolve({ kind: 'ok' });
    await act(flush);
    expect(store.getState().notices.at(-1)?.message).toBe('Stopped watching /runs/trainer. Nothing on disk was changed.');
  });

  it('adds a typed folder and shows the engine’s refusal inline with a hint', async () => {
    const { api } = renderWithStore(<Sidebar pathForFile={null} />, workspace);
    act(() => {
      api.calls.length = 0;
    });
    const input = screen.getByTestId('add-folder-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '/runs/missing' } });
    fireEvent.click(screen.getByTestId('add-folder-button'));
    const call = api.take('addRoot');
    expect(call.params).toEqual(['/runs/missing']);
    call.resolve({ kind: 'error', code: 'not_found', message: 'There is no folder at /runs/missing.' });
    await act(flush);
    const error = screen.getByTestId('add-folder-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('There is no folder at /runs/missing.');
    expect(error.textContent).toContain('Check the spelling');
    expect(input.value).toBe('/runs/missing');
    expect(input.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(input, { target: { value: '/runs/agent-2' } });
    expect(screen.queryByTestId('add-folder-error')).toBeNull();
    fireEvent.click(screen.getByTestId('add-folder-button'));
    api.take('addRoot').resolve({ kind: 'ok' });
    await act(flush);
    expect(input.value).toBe('');
  });

  it('offers recent folders that are not watched now', () => {
    const { api } = renderWithStore(<Sidebar pathForFile={null} />, workspace);
    const recent = screen.getAllByTestId('recent-folder');
    expect(recent.map((r) => r.dataset.path)).toEqual(['/old/run']);
    fireEvent.click(recent[0]);
    expect(api.take('addRoot').params).toEqual(['/old/run']);
  });

  it('tells a folder that is gone or has no checkpoints apart', () => {
    renderWithStore(
      <Sidebar pathForFile={null} />,
      snapshot(1, [root('/gone', [], { status: 'missing', error: 'The folder /gone no longer exists.' }), root('/empty', [])]),
    );
    const [gone, empty] = screen.getAllByTestId('root-item');
    expect(gone.dataset.status).toBe('missing');
    expect(within(gone).getByTestId('root-error').textContent).toBe('The folder /gone no longer exists.');
    expect(empty.textContent).toContain('No checkpoints found in this folder.');
  });
});
