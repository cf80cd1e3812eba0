// @vitest-environment happy-dom
/**
 * The Diff and Drift tabs when a generation does not decode: the diff opens on two generations
 * that do, says plainly when fewer than two do, and offers "Try again" only for a failure that a
 * second try can fix.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FamilySummary } from '../../../shared/model/workspace';
import { ApiError } from '../../api/api-error';
import { renderWithStore } from '../../test-support/render-with-store';
import { brokenRing, family, finding, generation, root, snapshot } from '../../test-support/workspace-fixtures';
import { DriftTab } from '../drift/drift-tab';
import { DiffTab } from './diff-tab';

afterEach(cleanup);

/** `agent.json` cut off, `agent.1.json` fine, `agent.2.json` not JSON at all. */
function oneDecodes(): FamilySummary {
  return family('/runs/r', 'agent', (id) => [
    generation(id, 'agent.json', { current: true, findings: [finding({ code: 'json.truncated', file: 'agent.json' })] }),
    generation(id, 'agent.1.json', { age: 60_000 }),
    generation(id, 'agent.2.json', { age: 120_000, findings: [finding({ code: 'json.syntax', file: 'agent.2.json' })] }),
  ]);
}

function show(f: FamilySummary) {
  const rendered = renderWithStore(<DiffTab family={f} />, snapshot(1, [root(f.dir, [f])]));
  act(() => rendered.store.getState().familySelected(f.id));
  return rendered;
}

const picked = (side: 'a' | 'b') => (screen.getByTestId(`diff-pick-${side}`) as HTMLSelectElement).value;

describe('the Diff tab of a family whose current generation does not decode', () => {
  it('opens on the two newest generations that decode', () => {
    const ring = brokenRing();
    const { api } = show(ring);
    expect([picked('a'), picked('b')]).toEqual([ring.generations[2].id, ring.generations[1].id]);
    expect(api.take('diffGenerations').params).toEqual([ring.generations[2].id, ring.generations[1].id]);
    expect(screen.queryByTestId('diff-error')).toBeNull();
    expect(screen.queryByTestId('diff-nothing')).toBeNull();
  });

  it('says plainly that only one generation decodes, with no error and no "Try again"', () => {
    const ring = oneDecodes();
    const { api } = show(ring);
    expect(screen.getByTestId('diff-nothing').textContent).toBe(
      'Only one generation of agent decodes (agent.1.json); there is nothing to compare it with. agent.json (json.truncated) and agent.2.json (json.syntax) do not decode.',
    );
    expect(api.pending('diffGenerations')).toHaveLength(0);
    expect(screen.queryByTestId('diff-error')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    // The pickers stay, so two generations can still be chosen by hand.
    expect(screen.getByTestId('diff-pick-a')).toBeTruthy();
  });

  it('shows why a broken generation picked by hand cannot be compared, without "Try again", which a slow worker gets', async () => {
    const ring = oneDecodes();
    const { api } = show(ring);
    fireEvent.change(screen.getByTestId('diff-pick-a'), { target: { value: ring.generations[2].id } });
    expect(screen.queryByTestId('diff-nothing')).toBeNull();
    const call = api.take('diffGenerations');
    expect(call.params).toEqual([ring.generations[2].id, ring.generations[0].id]);
    await act(async () => call.reject(new ApiError('unreadable', 'agent.2.json does not decode (json.syntax: …), so it cannot be compared. Pick a generation whose value decodes.')));
    const error = await screen.findByTestId('diff-error');
    expect(error.textContent).toContain('Could not compare agent.2.json with agent.json: agent.2.json does not decode');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();

    // A worker that could not finish is worth another try, and the button asks again.
    fireEvent.change(screen.getByTestId('diff-pick-a'), { target: { value: ring.generations[1].id } });
    const slow = api.take('diffGenerations');
    await act(async () => slow.reject(new ApiError('internal', 'Checkpoint Doctor could not compare agent.1.json and agent.json (it took too long). Try again; the health verdicts are unaffected.')));
    fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(api.take('diffGenerations').params).toEqual(slow.params);
  });
});

describe('the Drift tab', () => {
  it('offers "Try again" for a file that vanished, not for one that does not decode', async () => {
    const ring = brokenRing();
    const { api, store } = renderWithStore(<DriftTab generation={ring.generations[0]} />, snapshot(1, [root(ring.dir, [ring])]));
    act(() => store.getState().familySelected(ring.id));
    await act(async () => api.take('driftOf').reject(new ApiError('unreadable', 'agent.json does not decode (json.truncated: …), so it cannot be judged for type drift.')));
    expect((await screen.findByTestId('drift-error')).textContent).toContain('does not decode');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();

    await act(async () => {
      void store.getState().driftRequested({ retry: true });
      api.take('driftOf').reject(new ApiError('not_found', 'agent.json is no longer on disk (it was probably rotated or deleted).'));
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(api.pending('driftOf')).toHaveLength(1);
  });
});
