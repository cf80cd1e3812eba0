import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeFile, decodeFile } from './analyze-file';
import { countContainers } from './count-containers';
import { parsePythonJson } from '../formats/json/parse-python-json';

/** Bytes a Python program writes to stdout (json, pickle, gzip, lzma, base64 are imported). */
function py(code: string): Uint8Array {
  return new Uint8Array(execFileSync('python3', ['-c', `import sys, json, pickle, gzip, lzma, base64, hashlib\nout = b''\n${code}\nsys.stdout.buffer.write(out)`]));
}

const ENVELOPE = `
state = {"completed_steps": 7, "artifacts": {"step_1": {"tokens": 10}}, "phase_outputs": {}}
blob = json.dumps(state, sort_keys=True, default=str)
record = {"state": state, "checksum": hashlib.sha256(blob.encode()).hexdigest(), "schema_version": 3, "is_complete": True, "saved_at": "2026-05-25T00:00:00"}
`;

describe('analyzeFile', () => {
  it('analyses an integrity envelope: format, envelope, schema version and container sizes', async () => {
    const a = await analyzeFile('agent.json', py(`${ENVELOPE}\nout = json.dumps(record).encode()`));
    expect(a.format).toBe('json');
    expect(a.decoded).toBe(true);
    expect(a.findings).toEqual([]);
    expect(a.schemaVersion).toBe('3');
    expect(a.envelope).toMatchObject({ checksum: 'ok', isComplete: true });
    expect(a.containers).toEqual({ '': 5, '/state': 3, '/state/artifacts': 1, '/state/phase_outputs': 0, '/state/artifacts/step_1': 1 });
  });

  it('decompresses by magic, whatever the name says, and names the codec in the format', async () => {
    const a = await analyzeFile('agent.json', py(`${ENVELOPE}\nout = gzip.compress(json.dumps(record).encode())`));
    expect([a.format, a.decoded, a.schemaVersion]).toEqual(['json+gzip', true, '3']);
    const b = await analyzeFile('agent.json.xz', py(`${ENVELOPE}\nout = lzma.compress(json.dumps(record).encode())`));
    expect(b.format).toBe('json+xz');
    expect(b.size).toBeGreaterThan(0);
  });

  it('stops at a compression failure with that finding alone', async () => {
    const a = await analyzeFile('agent.json.gz', py(`${ENVELOPE}\ndata = gzip.compress(json.dumps(record).encode())\nout = data[: len(data) // 2]`));
    expect(a.decoded).toBe(false);
    expect(a.format).toBe('unknown+gzip');
    expect(a.findings.map((f) => [f.code, f.severity, f.file])).toEqual([['compression.truncated', 'error', 'agent.json.gz']]);
  });

  it('reports a 0-byte file, and a compressed file that holds nothing', async () => {
    expect((await analyzeFile('state.json', new Uint8Array())).findings.map((f) => [f.code, f.severity])).toEqual([['file.empty', 'error']]);
    const z = await analyzeFile('state.json.gz', py("out = gzip.compress(b'')"));
    expect(z.findings.map((f) => f.code)).toEqual(['file.empty']);
    expect(z.findings[0].message).toContain('decompresses to nothing');
  });

  it('reports a format it cannot read instead of calling the file fine or broken', async () => {
    const a = await analyzeFile('weights.bin', py('import random\nrandom.seed(5)\nout = bytes(random.getrandbits(8) | 1 for _ in range(300))'));
    expect(a.format).toBe('unknown');
    expect(a.findings.map((f) => [f.code, f.severity])).toEqual([['format.unknown', 'warning']]);
  });

  it('reads the schema version at the top of a pickle', async () => {
    const a = await analyzeFile('ckpt.pkl', py("out = pickle.dumps({'schema_version': '1.0', 'steps': [1, 2, 3]}, protocol=4)"));
    expect([a.format, a.decoded, a.schemaVersion]).toEqual(['pickle', true, '1.0']);
    expect(a.containers).toEqual({ '': 2, '/steps': 3 });
  });

  it('merges the findings of pickles embedded in JSON values, pinned to their pointer', async () => {
    const a = await analyzeFile(
      'rows.json',
      py("import os\nclass X:\n    def __reduce__(self):\n        return (os.system, ('true',))\nout = json.dumps({'steps': [{'error': base64.b64encode(pickle.dumps(X())).decode()}]}).encode()"),
    );
    const unsafe = a.findings.find((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe?.pointer).toBe('/steps/0/error');
    expect(unsafe?.severity).toBe('error');
  });

  it('puts the file it was given on every finding', async () => {
    const inputs = [
      py(`${ENVELOPE}\nrecord["state"]["completed_steps"] = 8\nout = json.dumps(record).encode()`),
      py('out = b\'{"a": 1, "a": 2, "b": [1, 2\''),
      py("out = pickle.dumps([1, 2, 3])[:-3]"),
      py("out = gzip.compress(b'{\"a\": NaN}')[:-4]"),
    ];
    for (const bytes of inputs) {
      const a = await analyzeFile('dir/x.json', bytes);
      expect(a.findings.length).toBeGreaterThan(0);
      for (const f of a.findings) expect(f.file).toBe('dir/x.json');
    }
  });

  it('keeps no container sizes for a value that did not decode', async () => {
    const a = await analyzeFile('agent.json', py(`${ENVELOPE}\nout = json.dumps(record).encode()[:60]`));
    expect(a.decoded).toBe(false);
    expect(a.containers).toEqual({});
    expect(a.findings.map((f) => f.code)).toEqual(['json.truncated']);
  });
});

describe('countContainers', () => {
  it('keeps the shallowest containers when there are too many', () => {
    const parsed = parsePythonJson(py("out = json.dumps({'rows': [{'cells': [[i]]} for i in range(3000)], 'deep': [[[[[[[[1]]]]]]]]}).encode()"), 'x.json');
    if (parsed.kind !== 'ok') throw new Error('fixture did not parse');
    const counts = countContainers(parsed.value, { maxDepth: 6, maxCount: 5000 });
    expect(Object.keys(counts).length).toBe(5000);
    expect(counts['']).toBe(2);
    expect(counts['/rows']).toBe(3000);
    expect(counts['/rows/2999']).toBe(1);
    // Depth 3 was only partly kept, so nothing deeper is.
    expect(counts['/deep/0/0/0']).toBeUndefined();
  });

  it('stops at the depth limit', () => {
    const parsed = parsePythonJson(py("out = json.dumps({'deep': [[[[[[[[1]]]]]]]]}).encode()"), 'x.json');
    if (parsed.kind !== 'ok') throw new Error('fixture did not parse');
    const counts = countContainers(parsed.value, { maxDepth: 6, maxCount: 5000 });
    expect(counts['/deep/0/0/0/0/0']).toBe(1);
    expect(counts['/deep/0/0/0/0/0/0']).toBeUndefined();
  });
});

describe('decodeFile', () => {
  it('gives the decoded value and the decompressed bytes for the value view', async () => {
    const d = await decodeFile('agent.json.gz', py(`${ENVELOPE}\nout = gzip.compress(json.dumps(record).encode())`));
    expect(d.format).toBe('json+gzip');
    expect(d.result.kind).toBe('ok');
    // The reader's node count comes along (the diff job sizes its progress bar with it).
    expect(d.result.kind === 'ok' && d.result.nodes).toBeGreaterThan(3);
    expect(new TextDecoder().decode(d.decompressed ?? new Uint8Array()).startsWith('{"state"')).toBe(true);
  });

  it('skips the integrity checks when asked (a diff or drift job), and runs them by default', async () => {
    const code = `${ENVELOPE}\nrecord["checksum"] = "0" * 64\nout = json.dumps(record).encode()`;
    const checked = await decodeFile('agent.json', py(code));
    const lean = await decodeFile('agent.json', py(code), { checks: false });
    expect(checked.result.kind).toBe('ok');
    expect(checked.result.findings.length).toBeGreaterThan(0);
    expect(lean.result.kind).toBe('ok');
    expect(lean.result.findings).toEqual([]);
    expect(lean.result.kind === 'ok' && checked.result.kind === 'ok' && lean.result.value).toEqual(checked.result.kind === 'ok' && checked.result.value);
  });

  it('gives what could be decompressed of a cut-off stream, with the reason', async () => {
    const d = await decodeFile('agent.json.gz', py(`${ENVELOPE}\ndata = gzip.compress(json.dumps(record).encode() * 50)\nout = data[: len(data) // 2]`));
    expect(d.result.kind).toBe('corrupt');
    expect(d.result.findings.map((f) => f.code)).toEqual(['compression.truncated']);
    expect(d.decompressed?.length ?? 0).toBeGreaterThan(0);
  });

  it('gives no decompressed bytes for an uncompressed file, and the partial value of a broken one', async () => {
    const d = await decodeFile('state.json', py('out = b\'{"a": [1, 2, {"b": \''));
    expect(d.decompressed).toBeNull();
    expect(d.format).toBe('json');
    expect(d.result.kind).toBe('corrupt');
    expect(d.result.kind === 'corrupt' && d.result.partial?.kind).toBe('dict');
  });
});
