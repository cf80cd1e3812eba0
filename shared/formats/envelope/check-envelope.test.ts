import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Sha256Factory } from '../../hash/sha256';
import type { Value } from '../../model/value';
import { parsePythonJson } from '../json/parse-python-json';
import { checkEnvelope } from './check-envelope';

/**
 * Envelopes written by Python the way seed 003's `save_checkpoint_atomic` writes them, plus the
 * seed loader's own verdict on each (`load_checkpoint_safe`'s checksum test).
 */
const WRITER = `
import json, hashlib, sys, datetime, decimal, pathlib
def blob(state, compact=False):
    return json.dumps(state, sort_keys=True, default=str, separators=(',', ':') if compact else None)
def envelope(state, compact=False, complete=True, prefix='', version=3, keys=('state', 'checksum', 'schema_version', 'is_complete', 'saved_at')):
    record = {
        "state": state,
        "checksum": prefix + hashlib.sha256(blob(state, compact).encode()).hexdigest(),
        "schema_version": version,
        "is_complete": complete,
        "saved_at": datetime.datetime(2026, 5, 25, 3, 4, 5).isoformat(),
    }
    return {k: record[k] for k in keys}
def loader_accepts(text):
    record = json.loads(text)
    if "state" not in record: return False
    return record.get("checksum") == hashlib.sha256(blob(record["state"]).encode()).hexdigest()
RICH = {
    "completed_steps": 7,
    "artifacts": {"step_%d" % i: {"type": "table", "rows": i * 1000, "score": i / 3} for i in range(1, 6)},
    "floats": [1e22, 1.5e-07, 0.1, -0.0, 1e16, 123.0, float("nan"), float("inf"), float("-inf"), 5e-324],
    "ints": [2**64 + 1, -(10**30), 0],
    "text": "Résumé — 引用 😀 \\U0001F4A9 \\u2028 \\x7f tab\\t quote\\" back\\\\",
    "when": datetime.datetime(2026, 5, 25, 0, 0),
    "day": datetime.date(2026, 1, 30),
    "money": decimal.Decimal("1.10"),
    "path": pathlib.PurePosixPath("/srv/out/é.png"),
    "nested": {"z": [], "a": {}, "\\ue000": 1, "\\U0001F600": 2, "B": 3},
    "tuple": (1, "two"),
}
`;

function pyEnvelopes(body: string): { text: Buffer; loaderAccepts: boolean }[] {
  const out = execFileSync('python3', ['-c', `${WRITER}\ndocs = []\n${body}\nsys.stdout.write(json.dumps([[d, loader_accepts(d)] for d in docs]))`], { maxBuffer: 1 << 28 }).toString();
  return (JSON.parse(out) as [string, boolean][]).map(([d, ok]) => ({ text: Buffer.from(d, 'utf-8'), loaderAccepts: ok }));
}

function decode(bytes: Uint8Array): Value {
  const r = parsePythonJson(bytes, 'run-42.json');
  if (r.kind !== 'ok') throw new Error(`fixture did not parse: ${JSON.stringify(r.findings)}`);
  return r.value;
}

describe('checkEnvelope', () => {
  it('verifies envelopes Python wrote, including floats, big ints, NaN, astral text and datetimes via default=str', () => {
    const docs = pyEnvelopes(`
docs.append(json.dumps(envelope(RICH), default=str))
docs.append(json.dumps(envelope(RICH), default=str, indent=2, ensure_ascii=False))
docs.append(json.dumps(envelope({"completed_steps": 0}), default=str))
docs.append(json.dumps(envelope([1, 2, {"b": 1, "a": 2}]), default=str))
`);
    for (const doc of docs) {
      expect(doc.loaderAccepts).toBe(true);
      const r = checkEnvelope(decode(doc.text), 'run-42.json');
      expect(r.findings).toEqual([]);
      expect(r.info).toEqual({ hasChecksum: true, checksum: 'ok', convention: 'default', isComplete: true, savedAt: '2026-05-25T03:04:05' });
      expect(r.schemaVersion).toBe('3');
    }
  });

  it('reports a state changed after the checksum was computed, with stored and computed hashes', () => {
    const docs = pyEnvelopes(`
e = envelope(RICH)
e["state"]["artifacts"].pop("step_5")
docs.append(json.dumps(e, default=str))
e = envelope(RICH)
e["state"]["floats"][0] = 1e21
docs.append(json.dumps(e, default=str))
e = envelope({"n": 2**64 + 1})
e["state"]["n"] = 2**64
docs.append(json.dumps(e, default=str))
`);
    for (const doc of docs) {
      expect(doc.loaderAccepts).toBe(false);
      const r = checkEnvelope(decode(doc.text), 'run-42.json');
      expect(r.info?.checksum).toBe('mismatch');
      expect(r.findings.map((f) => [f.code, f.severity, f.pointer])).toEqual([['envelope.checksum_mismatch', 'error', '/checksum']]);
      const stored = /"checksum": "([0-9a-f]{64})"/.exec(doc.text.toString())?.[1] ?? 'missing';
      expect(r.findings[0].message).toContain(stored);
      expect(r.findings[0].message).toMatch(/is [0-9a-f]{64}/);
      expect(r.findings[0].message).toContain('changed or cut after the checksum was computed');
    }
  });

  it('matches the compact convention and a sha256: prefix, and says which convention matched', () => {
    const docs = pyEnvelopes(`
docs.append(json.dumps(envelope(RICH, compact=True), default=str))
docs.append(json.dumps(envelope(RICH, prefix='sha256:'), default=str))
docs.append(json.dumps(envelope(RICH, compact=True, prefix='SHA256:'), default=str).replace('"checksum": "SHA256:', '"checksum": "SHA256:'))
`);
    const conventions = docs.map((d) => checkEnvelope(decode(d.text), 'x.json').info?.convention);
    expect(conventions).toEqual(['compact', 'default', 'compact']);
    for (const d of docs) expect(checkEnvelope(decode(d.text), 'x.json').findings).toEqual([]);
  });

  it('tells int keys turned into strings apart from a damaged state, as the loader refuses both', () => {
    const docs = pyEnvelopes(`
docs.append(json.dumps(envelope({"by_step": {10: "ten", 9: "nine", 100: "hundred"}, "x": [1, {"s": [True, None, 1.5]}], "deep": [[[{12: [], 3: {}}]]], "t": (1, 2)})))
inner = {"by_step": {10: "ten", 9: [1, {"2": 2, "11": 11}]}}
docs.append(json.dumps(envelope({"a": inner, "deep": [[[[inner]]]], "plain": {"x": 1}})))
`);
    // Python's own loader, re-dumping the reloaded state, refuses both: the key order changed.
    expect(docs.map((d) => d.loaderAccepts)).toEqual([false, false]);
    const intKeys = checkEnvelope(decode(docs[0].text), 'x.json');
    expect(intKeys.info).toMatchObject({ checksum: 'mismatch', convention: 'default' });
    expect(intKeys.findings.map((f) => [f.code, f.severity])).toEqual([['envelope.checksum_mismatch', 'error']]);
    expect(intKeys.findings[0].message).toContain('The data is intact');
    expect(intKeys.findings[0].message).toContain('/state/by_step');
    expect(intKeys.findings[0].message).toContain('Rolling back will not help');
    // Mixed int and digit-string keys cannot be told apart: a plain mismatch, with the caveat.
    const mixed = checkEnvelope(decode(docs[1].text), 'x.json');
    expect(mixed.info?.checksum).toBe('mismatch');
    expect(mixed.info?.convention).toBeUndefined();
    expect(mixed.findings[0].message).toContain('changed or cut');
    expect(mixed.findings[0].message).toContain('int-looking keys');
  });

  it('reports is_complete false as an error and a missing flag as a warning', () => {
    const docs = pyEnvelopes(`
docs.append(json.dumps(envelope(RICH, complete=False), default=str))
docs.append(json.dumps(envelope(RICH, complete=None), default=str))
docs.append(json.dumps(envelope(RICH, keys=('state', 'checksum', 'schema_version')), default=str))
docs.append(json.dumps(envelope(RICH, keys=('state', 'is_complete')), default=str))
`);
    const [incomplete, nullFlag, noFlag, flagOnly] = docs.map((d) => checkEnvelope(decode(d.text), 'x.json'));
    expect(incomplete.findings.map((f) => [f.code, f.severity, f.pointer])).toEqual([['envelope.incomplete', 'error', '/is_complete']]);
    expect(incomplete.findings[0].message).toContain('before it finished');
    expect(incomplete.info?.isComplete).toBe(false);
    expect(nullFlag.findings.map((f) => [f.code, f.severity])).toEqual([['envelope.incomplete', 'error']]);
    expect(nullFlag.findings[0].message).toContain('is_complete is None');
    expect(noFlag.findings.map((f) => [f.code, f.severity])).toEqual([['envelope.incomplete', 'warning']]);
    expect(noFlag.info).toMatchObject({ checksum: 'ok', isComplete: null, savedAt: null });
    expect(flagOnly.info).toEqual({ hasChecksum: false, checksum: 'absent', isComplete: true, savedAt: null });
    expect(flagOnly.findings).toEqual([]);
  });

  it('compares the schema version with the expected one', () => {
    const docs = pyEnvelopes(`
docs.append(json.dumps(envelope(RICH, version=2), default=str))
docs.append(json.dumps(envelope(RICH, keys=('state', 'checksum', 'is_complete')), default=str))
docs.append(json.dumps({"schemaVersion": "2024-06", "data": []}))
docs.append(json.dumps({"version": 4.1, "data": []}))
docs.append(json.dumps({"state": {"schema_version": 5}, "is_complete": True}))
`);
    const old = checkEnvelope(decode(docs[0].text), 'x.json', { expectedSchemaVersion: '3' });
    expect(old.schemaVersion).toBe('2');
    expect(old.findings.map((f) => [f.code, f.severity, f.pointer])).toEqual([['envelope.schema_mismatch', 'error', '/schema_version']]);
    expect(old.findings[0].message).toContain('schema version 2');
    expect(checkEnvelope(decode(docs[0].text), 'x.json', { expectedSchemaVersion: '2' }).findings).toEqual([]);
    expect(checkEnvelope(decode(docs[0].text), 'x.json', { expectedSchemaVersion: null }).findings).toEqual([]);
    const none = checkEnvelope(decode(docs[1].text), 'x.json', { expectedSchemaVersion: '3' });
    expect(none.schemaVersion).toBeNull();
    expect(none.findings.map((f) => f.code)).toEqual(['envelope.schema_mismatch']);
    expect(none.findings[0].message).toContain('no schema version');
    const plain = checkEnvelope(decode(docs[2].text), 'x.json');
    expect([plain.info, plain.schemaVersion, plain.findings]).toEqual([null, '2024-06', []]);
    expect(checkEnvelope(decode(docs[3].text), 'x.json').schemaVersion).toBe('4.1');
    const inState = checkEnvelope(decode(docs[4].text), 'x.json', { expectedSchemaVersion: '6' });
    expect(inState.schemaVersion).toBe('5');
    expect(inState.findings[0].pointer).toBe('/state/schema_version');
  });

  it('explains a checksum that is not a sha256 hex string', () => {
    const docs = pyEnvelopes(`
e = envelope(RICH); e["checksum"] = hashlib.md5(blob(RICH).encode()).hexdigest(); docs.append(json.dumps(e, default=str))
e = envelope(RICH); e["checksum"] = 12345; docs.append(json.dumps(e, default=str))
e = envelope(RICH); e["checksum"] = None; docs.append(json.dumps(e, default=str))
`);
    const [md5, num, nul] = docs.map((d) => checkEnvelope(decode(d.text), 'x.json'));
    expect(md5.findings[0].code).toBe('envelope.checksum_mismatch');
    expect(md5.findings[0].message).toContain('32 digits');
    expect(num.findings[0].message).toContain('instead of a sha256 hex string');
    expect(nul.info).toMatchObject({ hasChecksum: false, checksum: 'absent' });
    expect(nul.findings).toEqual([]);
  });

  it('is not fooled by values that are not envelopes', () => {
    for (const text of ['[1, 2]', '{"state": 1}', '{"checksum": "abc"}', '"state"']) {
      const bytes = execFileSync('python3', ['-c', `import json, sys\nsys.stdout.write(json.dumps(json.loads(${JSON.stringify(text)})))`]);
      const r = checkEnvelope(decode(bytes), 'x.json');
      expect(r.info).toBeNull();
      expect(r.findings).toEqual([]);
    }
  });

  it('streams the dumps into an injected hasher (as the engine passes node:crypto) with the same verdicts', () => {
    const docs = pyEnvelopes(`
big = {"rows": [{"i": i, "x": i / 7, "name": "r%d é 😀" % i} for i in range(12000)], "meta": RICH}
docs.append(json.dumps(envelope(big), default=str))
docs.append(json.dumps(envelope(big, compact=True), default=str))
e = envelope(big); e["state"]["rows"][-1]["i"] = -1; docs.append(json.dumps(e, default=str))
docs.append(json.dumps(envelope({"by_step": {10: "ten", 9: "nine"}})))
`);
    let hashers = 0;
    let updates = 0;
    const injected: Sha256Factory = () => {
      hashers++;
      const h = createHash('sha256');
      return {
        update: (data) => {
          updates++;
          h.update(data);
        },
        hex: () => h.digest('hex'),
      };
    };
    for (const doc of docs) {
      const value = decode(doc.text);
      hashers = 0;
      updates = 0;
      const withNode = checkEnvelope(value, 'x.json', { sha256: injected });
      expect(withNode).toEqual(checkEnvelope(value, 'x.json'));
      expect(hashers).toBeGreaterThan(0);
      // A state of about 1 MB of text reaches the hasher in many chunks, never as one string.
      if (doc.text.length > 500_000) expect(updates).toBeGreaterThan(hashers * 4);
    }
    expect(docs.map((d) => checkEnvelope(decode(d.text), 'x.json', { sha256: injected }).info?.checksum)).toEqual(['ok', 'ok', 'mismatch', 'mismatch']);
  });
});
