// @vitest-environment happy-dom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithStore } from '../../test-support/render-with-store';
import { brokenRing, family, finding, generation, healthyNumbered, root, snapshot } from '../../test-support/workspace-fixtures';
import { FallbackBanner, firstSentence } from './fallback-banner';

afterEach(cleanup);

describe('FallbackBanner', () => {
  it('names the broken current generation, why, and the fallback, and selects the fallback', () => {
    const ring = brokenRing();
    const { store } = renderWithStore(<FallbackBanner family={ring} />, snapshot(1, [root('/runs/agent-runs', [ring])]));
    const banner = screen.getByTestId('fallback-banner');
    expect(banner.textContent).toContain('Current generation agent.json is broken');
    expect(banner.textContent).toContain('cut off while being written');
    expect(banner.textContent).toContain('Recommended fallback: agent.1.json');
    expect(banner.dataset.fallback).toBe('agent.1.json');

    fireEvent.click(screen.getByTestId('select-fallback-button'));
    expect(store.getState().selectedGenerationId).toBe(ring.fallbackId);
    expect(screen.getByTestId('select-fallback-button').textContent).toBe('Showing agent.1.json');
  });

  it('says what to do when no generation is healthy', () => {
    const hopeless = family('/runs/x', 'x', (id) => [
      generation(id, 'x.json', { current: true, findings: [finding({ code: 'json.truncated', file: 'x.json' })] }),
      generation(id, 'x.1.json', { findings: [finding({ code: 'json.zero_filled', file: 'x.1.json' })] }),
    ]);
    renderWithStore(<FallbackBanner family={hopeless} />, snapshot(1, [root('/runs/x', [hopeless])]));
    expect(screen.getByTestId('fallback-banner').textContent).toContain('No healthy generation was found');
    expect(screen.queryByTestId('select-fallback-button')).toBeNull();
  });

  it('stays away while the current generation is healthy', () => {
    const trainer = healthyNumbered();
    renderWithStore(<FallbackBanner family={trainer} />, snapshot(1, [root('/runs/trainer', [trainer])]));
    expect(screen.queryByTestId('fallback-banner')).toBeNull();
  });
});

describe('firstSentence', () => {
  it('cuts at the end of the first sentence, not at a dot inside a file name', () => {
    expect(firstSentence('agent.json ends at byte 3162. The writer was killed.')).toBe('agent.json ends at byte 3162.');
    expect(firstSentence('No full stop here')).toBe('No full stop here');
  });
});
