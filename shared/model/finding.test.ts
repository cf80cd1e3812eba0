import { describe, expect, it } from 'vitest';
import { healthOf, hasError, type Finding } from './finding';

const f = (severity: Finding['severity']): Finding => ({ code: 'json.syntax', severity, message: 'x', file: 'a.json' });

describe('healthOf', () => {
  it('is broken on any error, warning on a warning, healthy otherwise', () => {
    expect(healthOf([f('info'), f('error')])).toBe('broken');
    expect(healthOf([f('warning'), f('info')])).toBe('warning');
    expect(healthOf([f('info')])).toBe('healthy');
    expect(hasError([f('warning')])).toBe(false);
  });
});
