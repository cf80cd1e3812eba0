import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { dictEntries } from '../../model/value';
import { pickleReader } from './pickle-reader';

function python(script: string): Buffer {
  return execFileSync('python3', ['-c', script]);
}

describe('pickleReader', () => {
  it('recognises protocols 2–5 by their PROTO magic and 0–1 by extension only', () => {
    const heads = JSON.parse(
      python(`
import pickle, json
print(json.dumps([list(pickle.dumps({'a': 1}, protocol=p)[:8]) for p in range(6)]))
`).toString(),
    ) as number[][];
    for (let proto = 0; proto <= 5; proto++) {
      const head = new Uint8Array(heads[proto]);
      expect(pickleReader.match({ name: 'state.bin', head }), `protocol ${proto} by content`).toBe(proto >= 2);
      expect(pickleReader.match({ name: 'state.pkl', head }), `protocol ${proto} by name`).toBe(true);
    }
    expect(pickleReader.match({ name: 'ckpt.PICKLE', head: new Uint8Array([0x28]) })).toBe(true);
    expect(pickleReader.match({ name: 'ckpt.pck', head: new Uint8Array([]) })).toBe(true);
    expect(pickleReader.match({ name: 'state.json', head: new Uint8Array([0x7b, 0x22]) })).toBe(false);
    expect(pickleReader.match({ name: 'x.bin', head: new Uint8Array([0x80, 0x06]) })).toBe(false);
  });

  it('merges decoder and safety findings, keeping the decoded value', () => {
    const bytes = python(`
import pickle, sys, os
class C:
    def __reduce__(self):
        return (os.system, ('true',))
sys.stdout.buffer.write(pickle.dumps({'ok': [1, 2], 'evil': C()}, protocol=4) + b'junk')
`);
    const r = pickleReader.decode(new Uint8Array(bytes), 'merged.pkl');
    expect(r.findings.map((f) => f.code).sort()).toEqual(['pickle.trailing_data', 'pickle.unsafe_global']);
    expect(r.findings.every((f) => f.file === 'merged.pkl')).toBe(true);
    if (r.kind !== 'ok' || r.value.kind !== 'dict') throw new Error('expected the decoded dict');
    expect(dictEntries(r.value).map((e) => (e.key.kind === 'str' ? e.key.value : ''))).toEqual(['ok', 'evil']);
  });

  it('returns corrupt with the partial value and the safety findings for a cut file', () => {
    const bytes = python(`
import pickle, sys, subprocess
class C:
    def __reduce__(self):
        return (subprocess.call, (['true'],))
data = pickle.dumps([C(), list(range(100))], protocol=2)
sys.stdout.buffer.write(data[:-20])
`);
    const r = pickleReader.decode(new Uint8Array(bytes), 'cut.pkl');
    expect(r.kind).toBe('corrupt');
    expect(r.findings.map((f) => f.code)).toEqual(['pickle.truncated', 'pickle.unsafe_global']);
    if (r.kind !== 'corrupt') throw new Error('expected corrupt');
    expect(r.partial?.kind).toBe('list');
  });
});
