// @vitest-environment happy-dom
/**
 * Families and generations whose files the engine is still reading arrive marked `checking`:
 * they are shown as checking (not "Not checked", not "Broken"), offer no rollback or fallback, and
 * their value is not read until the check is done.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FamilySummary, GenerationSummary } from '../../../shared/model/workspace';
import { renderWithStore } from '../../test-support/render-with-store';
import { brokenRing, family, generation, healthyNumbered, root, snapshot } from '../../test-support/workspace-fixtures';
import { App } from '../app';

afterEach(cleanup);

const checkingGeneration = (g: GenerationSummary): GenerationSummary => ({ ...g, health: 'unknown', healthy: false, sha256: '', findings: [], checking: true });

/** A ring whose 100 MB current generation is still being read; the older ones are judged. */
function checkingTrainer(dir = '/runs/big'): FamilySummary {
  const judged = family(dir, 'trainer_state', (id) => [
    generation(id, 'trainer_state.json', { current: true }),
    generation(id, 'trainer_state.1.json', { age: 60_000 }),
    generation(id, 'trainer_state.2.json', { age: 120_000 }),
  ]);
  return {
    ...judged,
    health: 'unknown',
    fallbackId: null,
    verdict: 'Checking 1 file (100 MB)…',
    generations: judged.generations.map((g) => (g.current ? checkingGeneration({ ...g, size: 100 * 1024 * 1024 }) : g)),
    checking: true,
  };
}

describe('a family still being checked', () => {
  it('shows a spinner labelled "Checking…" in the sidebar, header and table, and offers no rollback, fallback or value', () => {
    const trainer = checkingTrainer();
    const { store, api } = renderWithStore(<App pathForFile={null} />, snapshot(1, [root('/runs/big', [trainer], { status: 'scanning' })]));
    act(() => store.getState().familySelected(trainer.id));

    const item = screen.getAllByTestId('family-item').find((el) => el.dataset.family === 'trainer_state')!;
    expect(item.dataset.checking).toBe('true');
    const badge = within(item).getByTestId('health-badge');
    expect(badge.dataset.checking).toBe('true');
    expect(badge.textContent).toBe('Checking…');
    expect(badge.textContent).not.toMatch(/Not checked|Broken/);
    expect(badge.querySelector('.spinner')?.getAttribute('aria-hidden')).toBe('true');

    const header = screen.getByTestId('family-header');
    expect(within(header).getByTestId('health-badge').textContent).toBe('Checking…');
    expect(screen.getByTestId('verdict').textContent).toBe('Checking 1 file (100 MB)…');
    expect(screen.getByTestId('verdict').dataset.checking).toBe('true');

    const rows = screen.getAllByTestId('generation-row');
    const current = rows.find((r) => r.dataset.current === 'true')!;
    expect(current.dataset.checking).toBe('true');
    expect(current.dataset.health).toBe('unknown');
    expect(within(current).getByTestId('health-badge').textContent).toBe('Checking…');
    expect(within(current).queryByText('Not checked')).toBeNull();
    // The older generations are judged already, but nothing is rolled back while the family is checked.
    expect(rows.filter((r) => r.dataset.checking !== 'true').every((r) => within(r).getByTestId('health-badge').textContent === 'Healthy')).toBe(true);
    expect(screen.queryAllByTestId('rollback-button')).toEqual([]);
    expect(screen.queryByTestId('fallback-banner')).toBeNull();
    expect(screen.queryAllByTestId('fallback-tag')).toEqual([]);

    // The current generation is selected but not read while its check is reading it.
    expect(screen.getByTestId('checking-tag')).toBeTruthy();
    expect(screen.getByTestId('findings').textContent).toContain('Checking trainer_state.json');
    expect(screen.getByTestId('content-checking').textContent).toContain('Checking trainer_state.json');
    expect(api.pending('readGeneration')).toEqual([]);

    // An older, judged generation selected by keyboard: still no rollback while the family is checked.
    fireEvent.keyDown(screen.getByTestId('generations-table'), { key: 'ArrowDown' });
    expect(store.getState().selectedGenerationId).toBe(trainer.generations[1].id);
    expect(screen.queryByTestId('selected-rollback-button')).toBeNull();
    expect(screen.getByTestId('history-button')).toBeTruthy();

    // The verdict arrives: the usual badges, rollback offered again, and the value is read.
    const done = family('/runs/big', 'trainer_state', (id) => [
      generation(id, 'trainer_state.json', { current: true }),
      generation(id, 'trainer_state.1.json', { age: 60_000 }),
      generation(id, 'trainer_state.2.json', { age: 120_000 }),
    ]);
    act(() => store.getState().snapshotReceived(snapshot(2, [root('/runs/big', [done])])));
    expect(within(screen.getAllByTestId('family-item')[0]).getByTestId('health-badge').textContent).toBe('Healthy');
    expect(screen.queryAllByTestId('generation-row').some((r) => r.dataset.checking)).toBe(false);
    expect(screen.getByTestId('selected-rollback-button').textContent).toBe('Roll back to trainer_state.1.json…');
    act(() => store.getState().generationSelected(done.generations[0].id));
    expect(api.pending('readGeneration').length).toBeGreaterThan(0);
  });

  it('names a current generation judged broken, but no fallback until the older ones are checked', () => {
    const ring = brokenRing();
    const checkingOlder: FamilySummary = {
      ...ring,
      health: 'unknown',
      fallbackId: null,
      verdict: 'Checking 1 file (2.0 KB)…',
      generations: ring.generations.map((g, i) => (i === 2 ? checkingGeneration(g) : g)),
      checking: true,
    };
    renderWithStore(<App pathForFile={null} />, snapshot(1, [root('/runs/agent-runs', [checkingOlder], { status: 'scanning' })]));
    const banner = screen.getByTestId('fallback-banner');
    expect(banner.textContent).toContain('Current generation agent.json is broken');
    expect(screen.getByTestId('fallback-checking').textContent).toContain('Still checking the older generations');
    expect(banner.textContent).not.toContain('No healthy generation was found');
    expect(screen.queryByTestId('select-fallback-button')).toBeNull();
    expect(screen.queryByTestId('rollback-fallback-button')).toBeNull();
    expect(screen.queryByTestId('quarantine-button')).toBeNull();
  });

  it('shows a family at once, then moves to the broken one when its verdict arrives, unless the person picked one', () => {
    const trainer = checkingTrainer('/runs/a');
    const ring = brokenRing('/runs/b');
    const ringChecking: FamilySummary = { ...ring, health: 'unknown', fallbackId: null, verdict: 'Checking 3 files (3.0 KB)…', generations: ring.generations.map(checkingGeneration), checking: true };
    const { store } = renderWithStore(<App pathForFile={null} />, snapshot(1, [root('/runs', [trainer, ringChecking], { status: 'scanning' })]));
    // Something is shown at once, before any verdict.
    expect(store.getState().selectedFamilyId).toBe(trainer.id);
    expect(screen.getAllByTestId('generation-row').length).toBe(3);
    // The broken family's verdict arrives while the large file is still being read: show it.
    act(() => store.getState().snapshotReceived(snapshot(2, [root('/runs', [trainer, ring], { status: 'scanning' })])));
    expect(store.getState().selectedFamilyId).toBe(ring.id);
    expect(store.getState().selectedGenerationId).toBe(ring.currentId);

    // A person's own pick stays put.
    const other = healthyNumbered('/runs/c');
    const { store: store2 } = renderWithStore(<App pathForFile={null} />, snapshot(1, [root('/runs', [trainer, ringChecking, other], { status: 'scanning' })]));
    act(() => store2.getState().familySelected(other.id));
    act(() => store2.getState().snapshotReceived(snapshot(2, [root('/runs', [trainer, ring, other])])));
    expect(store2.getState().selectedFamilyId).toBe(other.id);
  });
});
