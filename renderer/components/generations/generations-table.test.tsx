// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { renderWithStore } from '../../test-support/render-with-store';
import { brokenRing, family, generation, root, snapshot } from '../../test-support/workspace-fixtures';
import { selectSelectedFamily } from '../../store/selectors';
import { GenerationsTable, VIRTUALIZE_AFTER } from './generations-table';

afterEach(cleanup);

const ring = brokenRing();

function setup() {
  const rendered = renderWithStore(<GenerationsTable family={ring} />, snapshot(1, [root('/runs/agent-runs', [ring])]));
  const rows = () => screen.getAllByTestId('generation-row');
  return { ...rendered, rows };
}

describe('GenerationsTable', () => {
  it('lists generations newest first with the current one tagged and health in words', () => {
    const { rows } = setup();
    expect(screen.getByRole('grid', { name: /generations of agent/i })).toBeTruthy();
    expect(rows().map((row) => row.dataset.label)).toEqual(['agent.json', 'agent.1.json', 'agent.2.json']);
    expect(rows().map((row) => row.dataset.current)).toEqual(['true', 'false', 'false']);
    expect(rows().map((row) => row.dataset.health)).toEqual(['broken', 'healthy', 'healthy']);
    expect(within(rows()[0]).getByTestId('current-tag').textContent).toBe('current');
    expect(within(rows()[1]).getByTestId('fallback-tag').textContent).toBe('recommended');
    expect(within(rows()[0]).getByTestId('health-badge').textContent).toBe('Broken');
    expect(within(rows()[0]).getByText(/cut off while being written/)).toBeTruthy();
  });

  it('keeps one tab stop, on the selected row', () => {
    const { rows } = setup();
    expect(rows().map((row) => row.tabIndex)).toEqual([0, -1, -1]);
    expect(rows()[0].getAttribute('aria-selected')).toBe('true');
  });

  it('moves the selection with the arrow keys, Home and End, and the focus follows', () => {
    const { rows, store } = setup();
    act(() => rows()[0].focus());
    fireEvent.keyDown(rows()[0], { key: 'ArrowDown' });
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.1.json`);
    expect(document.activeElement).toBe(rows()[1]);
    expect(rows()[1].getAttribute('aria-selected')).toBe('true');

    fireEvent.keyDown(rows()[1], { key: 'End' });
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.2.json`);
    expect(document.activeElement).toBe(rows()[2]);

    fireEvent.keyDown(rows()[2], { key: 'ArrowDown' });
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.2.json`);

    fireEvent.keyDown(rows()[2], { key: 'Home' });
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.json`);
    expect(document.activeElement).toBe(rows()[0]);
    fireEvent.keyDown(rows()[0], { key: 'ArrowUp' });
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.json`);
  });

  it('opens the selected generation on Enter by sending the focus to its findings', () => {
    const { rows, store } = setup();
    fireEvent.keyDown(rows()[0], { key: 'ArrowDown' });
    fireEvent.keyDown(rows()[1], { key: 'Enter' });
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.1.json`);
    expect(store.getState().focusRequest?.target).toBe('findings');
  });

  it('selects a row on click', () => {
    const { rows, store } = setup();
    fireEvent.click(rows()[2]);
    expect(store.getState().selectedGenerationId).toBe(`${ring.id}#agent.2.json`);
    expect(selectSelectedFamily(store.getState())?.id).toBe(ring.id);
  });

  it('renders only a window of rows for a very long family', () => {
    // happy-dom does no layout: give the scroller the height a real window would, for this test only.
    const original = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
    onTestFinished(() => {
      if (original) Object.defineProperty(HTMLElement.prototype, 'clientHeight', original);
    });
    const long = family('/runs/trainer', 'ckpt', (id) =>
      Array.from({ length: VIRTUALIZE_AFTER * 5 }, (_, i) => generation(id, `ckpt_${String(VIRTUALIZE_AFTER * 5 - i).padStart(4, '0')}`, { current: i === 0, age: i * 1000 })),
    );
    renderWithStore(<GenerationsTable family={long} />, snapshot(1, [root('/runs/trainer', [long])]));
    const grid = screen.getByRole('grid');
    expect(grid.getAttribute('aria-rowcount')).toBe(String(VIRTUALIZE_AFTER * 5 + 1));
    const shown = screen.queryAllByTestId('generation-row').length;
    expect(shown).toBeGreaterThan(10);
    expect(shown).toBeLessThan(VIRTUALIZE_AFTER);
    expect(screen.getAllByTestId('generation-row')[0].dataset.label).toBe(long.generations[0].label);
  });
});
