// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { flush } from '../../test-support/scripted-api';
import { renderWithStore } from '../../test-support/render-with-store';
import { healthyNumbered, root, snapshot } from '../../test-support/workspace-fixtures';
import { FamilyHeader } from './family-header';

afterEach(cleanup);

describe('ExpectedSchema in the family header', () => {
  it('shows the folder’s expected version, saves with Enter, cancels with Escape', async () => {
    const trainer = healthyNumbered();
    const { api, store } = renderWithStore(<FamilyHeader family={{ ...trainer, root: '/runs/trainer' }} />, snapshot(1, [root('/runs/trainer', [trainer], { expectedSchemaVersion: '3' })]));
    const control = screen.getByTestId('expected-schema');
    expect(control.textContent).toContain('Expected schema: 3');

    fireEvent.click(screen.getByRole('button', { name: /Set the schema version/ }));
    const input = screen.getByTestId('expected-schema-input') as HTMLInputElement;
    expect(input.value).toBe('3');
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: '9' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('expected-schema-input')).toBeNull();
    expect(api.pending('setExpectedSchemaVersion')).toHaveLength(0);
    expect(document.activeElement?.textContent).toBe('Set…');

    fireEvent.click(screen.getByRole('button', { name: /Set the schema version/ }));
    fireEvent.change(screen.getByTestId('expected-schema-input'), { target: { value: ' 4 ' } });
    fireEvent.submit(screen.getByTestId('expected-schema-input').closest('form')!);
    const call = api.take('setExpectedSchemaVersion');
    expect(call.params).toEqual(['/runs/trainer', '4']);
    await act(async () => {
      call.resolve({ kind: 'ok' });
      await flush();
    });
    expect(screen.queryByTestId('expected-schema-input')).toBeNull();
    act(() => store.getState().snapshotReceived(snapshot(2, [root('/runs/trainer', [trainer], { expectedSchemaVersion: '4' })])));
    expect(screen.getByTestId('expected-schema').dataset.expected).toBe('4');
  });

  it('says when nothing is expected, and clears with an empty value', async () => {
    const trainer = healthyNumbered();
    const { api } = renderWithStore(<FamilyHeader family={{ ...trainer, root: '/runs/trainer' }} />, snapshot(1, [root('/runs/trainer', [trainer], { expectedSchemaVersion: '4' })]));
    fireEvent.click(screen.getByRole('button', { name: /Set the schema version/ }));
    fireEvent.change(screen.getByTestId('expected-schema-input'), { target: { value: '' } });
    fireEvent.submit(screen.getByTestId('expected-schema-input').closest('form')!);
    expect(api.take('setExpectedSchemaVersion').params).toEqual(['/runs/trainer', null]);
    cleanup();
    renderWithStore(<FamilyHeader family={{ ...trainer, root: '/runs/trainer' }} />, snapshot(1, [root('/runs/trainer', [trainer])]));
    expect(screen.getByTestId('expected-schema').textContent).toContain('Expected schema: not set');
  });
});
