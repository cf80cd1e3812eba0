import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { detectReader } from './registry';

function py(code: string): Uint8Array {
  return new Uint8Array(execFileSync('python3', ['-c', `import sys, json, pickle\n${code}`]));
}

describe('detectReader', () => {
  it.each([
    ['state.json', 'sys.stdout.buffer.write(json.dumps({"a": 1}).encode())', 'json'],
    ['state.json', 'sys.stdout.buffer.write(json.dumps([1, 2], indent=2).encode())', 'json'],
    ['model.pkl', 'sys.stdout.buffer.write(pickle.dumps({"a": 1}, protocol=4))', 'pickle'],
    ['model.pkl', 'sys.stdout.buffer.write(pickle.dumps({"a": 1}, protocol=0))', 'pickle'],
    ['blob.bin', 'sys.stdout.buffer.write(pickle.dumps([1], protocol=2))', 'pickle'],
    ['no-extension', 'sys.stdout.buffer.write(json.dumps({"a": 1}).encode())', 'json'],
    ['state.pkl', 'sys.stdout.buffer.write(json.dumps({"a": 1}).encode())', 'json'],
    ['state.json', 'sys.stdout.buffer.write(pickle.dumps({"a": 1}, protocol=5))', 'pickle'],
    ['state.json', 'sys.stdout.buffer.write(bytes(range(200, 256)))', 'json'],
    ['weights.bin', 'sys.stdout.buffer.write(bytes(range(200, 256)))', null],
    ['README.md', 'sys.stdout.buffer.write(b"# notes")', null],
  ])('%s with %s → %s', (name, code, expected) => {
    const head = py(code).subarray(0, 64);
    expect(detectReader({ name, head })?.id ?? null).toBe(expected);
  });
});
