import { describe, expect, it } from 'vitest';
import type { Finding } from './finding';
import { decodeFailureOf } from './workspace';

const f = (code: Finding['code'], file = 'x.json', severity: Finding['severity'] = 'error'): Finding => ({ code, severity, message: code, file });

describe('decodeFailureOf', () => {
  it('names the finding that says the main file gives no value, and none where the value is there', () => {
    expect(decodeFailureOf({ mainPath: 'x.json', findings: [f('content.emptied', 'x.json', 'warning'), f('json.truncated')] })?.code).toBe('json.truncated');
    expect(decodeFailureOf({ mainPath: 'x.json.gz', findings: [f('compression.corrupt', 'x.json.gz')] })?.code).toBe('compression.corrupt');
    // Not decoded because of its size: an info, but the diff cannot decode it either.
    expect(decodeFailureOf({ mainPath: 'x.json', findings: [f('file.too_large', 'x.json', 'info')] })?.code).toBe('file.too_large');
    // A broken generation whose value is there, a failure of another member, no findings.
    expect(decodeFailureOf({ mainPath: 'x.json', findings: [f('envelope.checksum_mismatch'), f('json.int_too_long')] })).toBeNull();
    expect(decodeFailureOf({ mainPath: 'x.pkl', findings: [f('pickle.unsafe_global', 'x.pkl')] })).toBeNull();
    expect(decodeFailureOf({ mainPath: 'x.pkl', findings: [f('json.truncated', 'x.state.json')] })).toBeNull();
    expect(decodeFailureOf({ mainPath: 'x.json', findings: [] })).toBeNull();
  });
});
