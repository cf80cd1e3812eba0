import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { jsonReader } from './json-reader';

const head = (b: Uint8Array) => b.subarray(0, 64);

describe('jsonReader', () => {
  it('matches .json names and content that opens an object or a list', () => {
    const [obj, list, pickle] = ['json.dumps({"a": 1}, indent=2)', "'\\n\\t ' + json.dumps([1])", 'pickle.dumps({"a": 1}, protocol=4)'].map((expr) =>
      execFileSync('python3', ['-c', `import json, pickle, sys\nv = ${expr}\nsys.stdout.buffer.write(v if isinstance(v, bytes) else v.encode())`]),
    );
    expect(jsonReader.match({ name: 'agent.1.JSON', head: new Uint8Array(0) })).toBe(true);
    expect(jsonReader.match({ name: 'state', head: head(obj) })).toBe(true);
    expect(jsonReader.match({ name: 'state', head: head(list) })).toBe(true);
    expect(jsonReader.match({ name: 'model.pkl', head: head(pickle) })).toBe(false);
    expect(jsonReader.match({ name: 'notes.txt', head: new TextEncoder().encode('hello') })).toBe(false);
    expect(jsonReader.match({ name: 'blank', head: new TextEncoder().encode('   ') })).toBe(false);
  });

  it('decodes through the Python-dialect parser', () => {
    const bytes = execFileSync('python3', ['-c', 'import json, sys\nsys.stdout.write(json.dumps({"x": float("nan")}))']);
    const r = jsonReader.decode(bytes, 'x.json');
    expect(r.kind).toBe('ok');
    const cut = jsonReader.decode(bytes.subarray(0, 5), 'x.json');
    expect(cut.findings.map((f) => [f.code, f.file])).toEqual([['json.truncated', 'x.json']]);
  });
});
