// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithStore } from '../../test-support/render-with-store';
import { brokenRing, finding, generation, root, snapshot, family } from '../../test-support/workspace-fixtures';
import { FindingsList, sortFindings } from './findings-list';

afterEach(cleanup);

const ring = brokenRing();
const current = ring.generations[0];

describe('FindingsList', () => {
  it('lists findings worst first with code and position', () => {
    renderWithStore(<FindingsList generation={current} />, snapshot(1, [root('/runs/agent-runs', [ring])]));
    const list = screen.getByRole('list');
    const items = within(list).getAllByTestId('finding-item');
    expect(items.map((item) => item.dataset.code)).toEqual(['json.truncated', 'content.emptied']);
    expect(within(items[0]).getByTestId('finding-location').textContent).toBe('byte 81,920 · line 3, col 17');
    expect(within(items[1]).getByTestId('finding-location').textContent).toBe('/phase_outputs');
    expect(screen.getByText('1 error, 1 warning')).toBeTruthy();
  });

  it('asks the editor to reveal a finding when it is activated', () => {
    const { store } = renderWithStore(<FindingsList generation={current} />, snapshot(1, [root('/runs/agent-runs', [ring])]));
    const items = screen.getAllByTestId('finding-item');
    const button = within(items[1]).getByRole('button');
    fireEvent.click(button);
    expect(store.getState().revealRequest?.finding.code).toBe('content.emptied');
    expect(items[1].className).toContain('active');
    fireEvent.click(within(items[0]).getByRole('button'));
    expect(store.getState().revealRequest?.finding.code).toBe('json.truncated');
    expect(store.getState().revealRequest?.seq).toBe(2);
  });

  it('does not offer to reveal a finding that has no position', () => {
    const fam = family('/runs/x', 'x', (id) => [
      generation(id, 'x.json', { current: true, findings: [finding({ code: 'envelope.incomplete', message: 'is_complete is false.', file: 'x.json' })] }),
    ]);
    renderWithStore(<FindingsList generation={fam.generations[0]} />, snapshot(1, [root('/runs/x', [fam])]));
    const item = screen.getByTestId('finding-item');
    expect(within(item).queryByRole('button')).toBeNull();
    expect(item.textContent).toContain('is_complete is false.');
  });

  it('says so when there is nothing wrong, and takes the focus when asked', () => {
    const healthy = ring.generations[1];
    const { store } = renderWithStore(<FindingsList generation={healthy} />, snapshot(1, [root('/runs/agent-runs', [ring])]));
    const message = screen.getByText(/decoded cleanly/);
    act(() => store.getState().focusRequested('findings'));
    expect(document.activeElement).toBe(message);
  });

  it('moves the focus to the first finding when the generation is opened', () => {
    const { store } = renderWithStore(<FindingsList generation={current} />, snapshot(1, [root('/runs/agent-runs', [ring])]));
    act(() => store.getState().focusRequested('findings'));
    expect(document.activeElement).toBe(within(screen.getAllByTestId('finding-item')[0]).getByRole('button'));
  });
});

describe('sortFindings', () => {
  it('keeps the engine order within a severity', () => {
    const a = finding({ code: 'json.duplicate_key', severity: 'warning' });
    const b = finding({ code: 'json.truncated' });
    const c = finding({ code: 'content.emptied', severity: 'warning' });
    expect(sortFindings([a, b, c])).toEqual([b, a, c]);
  });
});
