import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { floatValue, type Value } from '../../model/value';
import { pythonRepr } from '../../render/python-repr';
import { PYTHON_JSON_DEPTH_LIMIT, parsePythonJson } from './parse-python-json';

/** Run a Python script; `input` goes to stdin. Returns stdout as bytes. */
function py(script: string, input?: Uint8Array | string): Buffer {
  return execFileSync('python3', ['-c', script], { input, maxBuffer: 1 << 30 });
}

/** Python writes several documents; they come back length-prefixed so any bytes survive. */
function pyDocs(script: string): Buffer[] {
  const prelude = `
import json, sys, random, math, struct
_out = []
def emit(b):
    # A str with a lone surrogate cannot be written to a UTF-8 text file by Python either: skip it.
    if isinstance(b, str):
        try: b = b.encode('utf-8')
        except UnicodeEncodeError: return
    _out.append(b)
`;
  const epilogue = `
for b in _out:
    sys.stdout.buffer.write(struct.pack('>I', len(b)) + b)
`;
  const raw = py(prelude + script + epilogue);
  const docs: Buffer[] = [];
  for (let p = 0; p < raw.length; ) {
    const len = raw.readUInt32BE(p);
    docs.push(raw.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return docs;
}

/** What Python's json.load makes of each document: `repr(value)` or the exception. */
function pythonVerdicts(docs: readonly Uint8Array[]): { ok: boolean; repr: string; error: string; pos: number }[] {
  const payload = Buffer.concat(docs.map((d) => Buffer.concat([Buffer.from(Uint32Array.of(d.length).buffer), d])));
  const script = `
import json, sys, struct
data = sys.stdin.buffer.read()
p = 0
res = []
while p < len(data):
    (n,) = struct.unpack('<I', data[p:p+4]); doc = data[p+4:p+4+n]; p += 4 + n
    try:
        v = json.loads(doc.decode('utf-8'))
        res.append({'ok': True, 'repr': repr(v), 'error': '', 'pos': -1})
    except UnicodeDecodeError as e:
        res.append({'ok': False, 'repr': '', 'error': 'UnicodeDecodeError', 'pos': e.start})
    except json.JSONDecodeError as e:
        res.append({'ok': False, 'repr': '', 'error': e.msg, 'pos': e.pos})
    except (RecursionError, ValueError) as e:
        res.append({'ok': False, 'repr': '', 'error': type(e).__name__, 'pos': -1})
print(json.dumps(res))
`;
  return JSON.parse(py(script, payload).toString('utf-8'));
}

function okValue(bytes: Uint8Array): Value {
  const r = parsePythonJson(bytes, 'x.json');
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r.findings)}`);
  return r.value;
}

/** A realistic workflow checkpoint in the shape of seed 000, written by Python's json.dumps. */
const CHECKPOINT_SCRIPT = `
state = {
  "active_tasks": [
    {"task_id": "t-%d" % i, "phase": "lit_review", "attempt": i, "progress": i / 7,
     "phase_outputs": {"lit_result": {"report": "Résumé — 引用 %d 😀 \\"quoted\\" \\\\ back" % i,
                                      "paper_corpus": {"10.1000/xyz%d" % i: {"retrieved_at": "2026-01-30 12:00:00", "score": 1e22, "tiny": 1.5e-07}},
                                      "citations": [1, 2, 3, 2**64 + 1, -(10**30)],
                                      "flags": [True, False, None], "nan": float("nan"), "inf": float("inf"), "ninf": float("-inf")}},
     "empty": {}, "empty_list": [], "ctrl": "tab\\tnewline\\nnul\\u0000", "lone": "\\ud800x"}
    for i in range(3)
  ],
  "__proto__": {"polluted": True},
  "schema_version": 3,
}
`;

describe('parsePythonJson on documents Python wrote', () => {
  it('decodes every json.dumps variant exactly as Python loads it', () => {
    const docs = pyDocs(`
random.seed(7)
alphabet = ['a', 'Z', ' ', '"', '\\\\', '/', '\\n', '\\t', '\\x00', '\\x1f', '\\x7f', 'é', 'ß', '€', '中', '文', '😀', '🎉', '\\U0001F4A9', '\\ud800', '\\udfff', '\\u2028', '\\ufeff', '\\u00a0']
def rstr():
    return ''.join(random.choice(alphabet) for _ in range(random.randint(0, 12)))
def rfloat():
    k = random.randint(0, 6)
    if k == 0: return struct.unpack('>d', random.getrandbits(64).to_bytes(8, 'big'))[0]
    if k == 1: return random.choice([0.0, -0.0, 1e22, 1e16, 1e-7, 1.5e-07, 5e-324, 1.7976931348623157e308, 0.1, 100.0, float('nan'), float('inf'), float('-inf')])
    return random.uniform(-1, 1) * 10 ** random.randint(-30, 30)
def rint():
    k = random.randint(0, 3)
    if k == 0: return random.randint(-10, 10)
    if k == 1: return random.randint(-2**63, 2**64)
    return random.choice([2**53 + 1, 2**64 + 1, -(2**100), 10**40, 0])
def rval(d=0):
    k = random.randint(0, 9 if d < 4 else 5)
    if k == 0: return None
    if k == 1: return random.choice([True, False])
    if k == 2: return rint()
    if k == 3:
        f = rfloat()
        return f if (f == f or True) else 0.0
    if k in (4, 5): return rstr()
    if k in (6, 7): return [rval(d + 1) for _ in range(random.randint(0, 5))]
    return {rstr(): rval(d + 1) for _ in range(random.randint(0, 5))}
for i in range(60):
    v = rval()
    emit(json.dumps(v))
    emit(json.dumps(v, ensure_ascii=False))
    emit(json.dumps(v, indent=2, sort_keys=True))
    emit(json.dumps(v, separators=(',', ':')))
    emit(json.dumps(v, indent=0, ensure_ascii=False))
    emit(json.dumps(v, indent='\\t'))
`);
    const verdicts = pythonVerdicts(docs);
    expect(docs.length).toBeGreaterThan(300);
    docs.forEach((doc, i) => {
      const r = parsePythonJson(doc, 'x.json');
      expect(verdicts[i].ok).toBe(true);
      expect(r.kind, doc.toString('utf-8')).toBe('ok');
      if (r.kind !== 'ok') return;
      expect(r.findings).toEqual([]);
      expect(pythonRepr(r.value)).toBe(verdicts[i].repr);
    });
  });

  it('keeps integers exact and floats with their source text', () => {
    const [doc] = pyDocs(`
text = '[18446744073709551617, -0, 0, -12, 1E5, 1.0e-7, -0.0, 1e400, 2.50, 123456789012345678901234567890.5, NaN, Infinity, -Infinity]'
json.loads(text)
emit(text)
`);
    const v = okValue(doc);
    if (v.kind !== 'list') throw new Error('list expected');
    expect(v.items.slice(0, 4)).toEqual([
      { kind: 'int', text: '18446744073709551617' },
      { kind: 'int', text: '0' },
      { kind: 'int', text: '0' },
      { kind: 'int', text: '-12' },
    ]);
    const floats = v.items.slice(4);
    expect(floats.map((f) => (f.kind === 'float' ? f.text : f.kind))).toEqual([
      '1E5', '1.0e-7', '-0.0', '1e400', '2.50', '123456789012345678901234567890.5', 'NaN', 'Infinity', '-Infinity',
    ]);
    const values = floats.map((f) => (f.kind === 'float' ? floatValue(f) : null));
    expect(values[0]).toBe(100000);
    expect(Object.is(values[2], -0)).toBe(true);
    expect(values[3]).toBe(Infinity);
    expect(Number.isNaN(values[6])).toBe(true);
    expect(pythonRepr(v)).toBe(pythonVerdicts([doc])[0].repr);
  });

  it('cuts every token at the right place after multi-byte characters and a byte-order mark', () => {
    // Tokens are cut from the decoded text by index: 2-, 3- and 4-byte characters (a 4-byte one is
    // two UTF-16 units) and a skipped BOM must shift every later cut by exactly the right amount.
    const docs = pyDocs(`
long = 'a-long-ascii-string-past-the-short-string-cache-%d'
state = {'é': 1.25, 'k中': 'v文', '😀😀': [2**53 + 1, -1.5e-07, long % 1, 'ß' * 30 + '🎉'], long % 2: 12345, 'x': 'y', 'après': {'😀': 0.1}, 'z': long % 3}
emit(json.dumps(state, ensure_ascii=False))
emit(json.dumps(state, ensure_ascii=False, indent=1))
emit(b'\\xef\\xbb\\xbf' + json.dumps(state, ensure_ascii=False).encode())
`);
    const verdicts = pythonVerdicts(docs.slice(0, 2));
    const bomless = docs[2].subarray(3);
    docs.forEach((doc, i) => {
      const r = parsePythonJson(doc, 'x.json');
      if (r.kind !== 'ok') throw new Error('ok expected');
      expect(pythonRepr(r.value)).toBe(verdicts[i < 2 ? i : 0].repr);
      expect(bomless.equals(docs[0])).toBe(true);
    });
  });

  it('keeps dict order, treats __proto__ as data, and reports duplicate keys the way dict resolves them', () => {
    const [doc] = pyDocs(`
text = '{"b": 1, "__proto__": {"x": 1}, "a": 2, "b": 3, "constructor": [], "a": {"deep": 4}}'
assert list(json.loads(text)) == ['b', '__proto__', 'a', 'constructor']
emit(text)
`);
    const r = parsePythonJson(doc, 'dup.json');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(pythonRepr(r.value)).toBe(pythonVerdicts([doc])[0].repr);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(r.findings.map((f) => [f.code, f.severity, f.pointer, f.offset])).toEqual([
      ['json.duplicate_key', 'warning', '/b', doc.indexOf('"b": 3')],
      ['json.duplicate_key', 'warning', '/a', doc.lastIndexOf('"a"')],
    ]);
    expect(r.findings[0].message).toContain('Python keeps only the last value');
  });

  it('counts the nodes of the tree it returns (every value and key), and gives no count after a duplicate key', () => {
    const [doc, dup] = pyDocs(`
emit(json.dumps({"a": [1, 2.5, {"b": None, "c": "x"}], "d": {}, "e": [], "f": [[[]]], "g": True}, indent=1))
emit('{"a": [1, 2, 3], "a": 4}')
`);
    const countTree = (v: Value): number => {
      if (v.kind === 'dict') return 1 + v.pairs.reduce((n, item) => n + countTree(item), 0);
      if (v.kind === 'list') return 1 + v.items.reduce((n, item) => n + countTree(item), 0);
      return 1;
    };
    const r = parsePythonJson(doc, 'nodes.json');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.nodes).toBe(countTree(r.value));
    expect(r.nodes).toBe(20);
    const d = parsePythonJson(dup, 'dup.json');
    expect(d.kind === 'ok' && d.nodes).toBe(undefined);
  });

  it('reports duplicates in big dicts too, and caps the number of findings', () => {
    const [doc] = pyDocs(`
pairs = ', '.join('"k%d": %d' % (i % 400, i) for i in range(1000))
text = '{' + pairs + '}'
assert len(json.loads(text)) == 400
emit(text)
`);
    const r = parsePythonJson(doc, 'dup.json');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(pythonRepr(r.value)).toBe(pythonVerdicts([doc])[0].repr);
    const dups = r.findings.filter((f) => f.code === 'json.duplicate_key');
    expect(dups.length).toBe(51);
    expect(dups[50].message).toContain('600 in all');
  });
});

describe('parsePythonJson on damaged files', () => {
  it('classifies every prefix of a checkpoint as truncated unless Python accepts it too', () => {
    const docs = pyDocs(`${CHECKPOINT_SCRIPT}
emit(json.dumps(state, indent=2))
emit(json.dumps(state, ensure_ascii=False, separators=(',', ':')))
emit('12345')
`);
    for (const full of docs) {
      const cuts: Buffer[] = [];
      for (let k = 0; k < full.length; k++) cuts.push(full.subarray(0, k));
      const verdicts = pythonVerdicts(cuts);
      cuts.forEach((cut, k) => {
        const r = parsePythonJson(cut, 'cut.json');
        if (verdicts[k].ok) {
          expect(r.kind, `cut at ${k}`).toBe('ok');
          if (r.kind === 'ok') expect(pythonRepr(r.value)).toBe(verdicts[k].repr);
        } else {
          expect(r.kind, `cut at ${k}`).toBe('corrupt');
          expect(r.findings.map((f) => f.code), `cut at ${k}`).toEqual(['json.truncated']);
          expect(r.findings[0].offset).toBe(k);
          expect(r.findings[0].severity).toBe('error');
        }
      });
    }
  });

  it('says where a cut checkpoint stops and what was left open', () => {
    const [full] = pyDocs(`
emit(json.dumps({"phase": "supervision", "phase_outputs": {"lit_result": {"report": "a long report that the OOM killer interrupted"}}}))
`);
    const cut = full.subarray(0, full.indexOf('interrupted'));
    const r = parsePythonJson(cut, 'current_work.json');
    expect(r.kind).toBe('corrupt');
    const f = r.findings[0];
    expect(f.code).toBe('json.truncated');
    expect(f.pointer).toBe('/phase_outputs/lit_result/report');
    expect(f.message).toContain('ends too early');
    expect(f.message).toContain('inside a string in /phase_outputs/lit_result/report');
    expect(f.message).toContain('3 unclosed brackets ({{{)');
    expect(f.message).toContain('killed mid-write');
    expect(f.line).toBe(1);
    expect(f.column).toBe(cut.length + 1);
    // What was decoded before the cut is kept for the viewer.
    if (r.kind !== 'corrupt' || !r.partial) throw new Error('partial expected');
    expect(pythonRepr(r.partial)).toBe("{'phase': 'supervision', 'phase_outputs': {'lit_result': {}}}");
  });

  it('reports empty and whitespace-only files as truncated at the start', () => {
    for (const [bytes, text] of [
      [new Uint8Array(0), 'empty'],
      [new TextEncoder().encode('  \n\t '), 'only whitespace'],
    ] as const) {
      const r = parsePythonJson(bytes, 'e.json');
      expect(r.kind).toBe('corrupt');
      expect(r.findings[0].code).toBe('json.truncated');
      expect(r.findings[0].offset).toBe(bytes.length);
      expect(r.findings[0].message).toContain(text);
    }
  });

  it('finds zero-filled blocks and tails wherever dd puts them', () => {
    const [full] = pyDocs(`${CHECKPOINT_SCRIPT}
emit(json.dumps(state, indent=2))
`);
    const cases: { name: string; bytes: Buffer; first: number; count: number; tail: boolean }[] = [];
    for (const at of [0, 1, 100, 511, 777, full.length - 600]) {
      // dd if=/dev/zero of=f bs=512 count=1 seek=… conv=notrunc, done by Python.
      const bytes = py(`import sys\nb = bytearray(sys.stdin.buffer.read())\nb[${at}:${at} + 512] = bytes(512)\nsys.stdout.buffer.write(bytes(b[:len(b)]))`, full);
      const end = Math.min(at + 512, bytes.length);
      cases.push({ name: `block at ${at}`, bytes, first: at, count: end - at, tail: end === bytes.length });
    }
    const appended = py('import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read() + bytes(4096))', full);
    cases.push({ name: 'appended tail', bytes: appended, first: full.length, count: 4096, tail: true });
    const cutAndZeroed = py('import sys\nb = sys.stdin.buffer.read()\nsys.stdout.buffer.write(b[:len(b)//2] + bytes(len(b) - len(b)//2))', full);
    cases.push({ name: 'half zeroed', bytes: cutAndZeroed, first: Math.floor(full.length / 2), count: full.length - Math.floor(full.length / 2), tail: true });
    const verdicts = pythonVerdicts(cases.map((c) => c.bytes));
    cases.forEach((c, i) => {
      expect(verdicts[i].ok, c.name).toBe(false);
      const r = parsePythonJson(c.bytes, 'z.json');
      expect(r.kind, c.name).toBe('corrupt');
      expect(r.findings.map((f) => f.code), c.name).toEqual(['json.zero_filled']);
      const f = r.findings[0];
      expect(f.offset, c.name).toBe(c.first);
      expect(f.message, c.name).toContain(`${c.count} NUL bytes`);
      expect(f.message, c.name).toContain(c.tail ? 'zero-filled tail' : 'overwritten with zeros');
      expect(f.message, c.name).toContain(c.name === 'appended tail' ? 'Truncating the file at byte' : 'data after that point is lost');
    });
  });

  it('reports a syntax error at the byte Python names, with what was expected and found', () => {
    const docs = pyDocs(`
emit('{"a": 1 "b": 2}')
emit('{"a": 1,}')
emit('[1, 2,]')
emit('{"a" 1}')
emit('{a: 1}')
emit('[1, 2] [3]')
emit('{"a": tru}')
emit('{"a": undefined}')
emit('{"a": "x\\ty"}')
emit('{"a": "\\\\q"}')
emit('{"a": "\\\\u12G4"}')
emit('[01]')
emit('[1.]')
emit('[1e+]')
emit('[-x]')
emit('[.5]')
emit("{'a': 1}")
emit('{"a": 1}}')
`);
    const verdicts = pythonVerdicts(docs);
    docs.forEach((doc, i) => {
      const r = parsePythonJson(doc, 's.json');
      const what = doc.toString('utf-8');
      expect(verdicts[i].ok, what).toBe(false);
      expect(r.kind, what).toBe('corrupt');
      const f = r.findings[0];
      expect(f.code, what).toBe('json.syntax');
      expect(r.findings.length, what).toBe(1);
      expect(f.message, what).toMatch(/found|goes on|leading zero|escape|control character/);
      expect(f.message, what).toContain('Python');
      // Python's position: the same byte, or one byte off inside an escape (we point at the
      // backslash, Python at the letter after it), or the start of a token it refused as a whole.
      const pos = verdicts[i].pos;
      const ours = f.offset ?? -1;
      expect(ours === pos || ours === pos - 1 || ours > pos, `${what}: ours ${ours}, Python ${pos}`).toBe(true);
      expect(f.line).toBe(1);
      expect(f.column).toBe((f.offset ?? 0) + 1);
    });
    // The common case names both sides.
    const first = parsePythonJson(docs[0], 's.json').findings[0];
    expect(first.offset).toBe(verdicts[0].pos);
    expect(first.message).toContain("Expected ',' or '}'");
    expect(first.message).toContain("found '\"'");
    expect(first.message).toContain('Expecting \',\' delimiter');
  });

  it('counts lines and columns in characters on multi-line documents', () => {
    const [doc] = pyDocs(`emit('{\\n  "ünïcode": "😀",\\n  "b": x\\n}')`);
    const r = parsePythonJson(doc, 'l.json');
    const f = r.findings[0];
    const v = pythonVerdicts([doc])[0];
    expect(f.code).toBe('json.syntax');
    expect([f.line, f.column]).toEqual([3, 8]);
    expect(v.error).toBe('Expecting value');
  });

  it('rejects invalid UTF-8 where Python raises UnicodeDecodeError, and treats a cut character as truncation', () => {
    const docs = pyDocs(`
emit(b'{"a": "ok \\xff bad"}')
emit(b'{"a": "\\xc0\\xaf"}')
emit(b'{"a": "\\xed\\xa0\\x80"}')
emit(b'{"a": "\\xf4\\x90\\x80\\x80"}')
emit(b'{"a": "\\xe2\\x82"}')
emit('{"a": "€"}'.encode('utf-8')[:-3])
`);
    const verdicts = pythonVerdicts(docs);
    for (let i = 0; i < 5; i++) {
      const r = parsePythonJson(docs[i], 'u.json');
      expect(verdicts[i].error).toBe('UnicodeDecodeError');
      expect(r.findings[0].code).toBe('json.syntax');
      expect(r.findings[0].offset).toBe(verdicts[i].pos);
      expect(r.findings[0].message).toContain('UnicodeDecodeError');
    }
    const cut = parsePythonJson(docs[5], 'u.json');
    expect(cut.findings.map((f) => f.code)).toEqual(['json.truncated']);
    expect(cut.findings[0].offset).toBe(docs[5].length);
  });

  it('reports a byte-order mark that json.load refuses, and still shows the value', () => {
    const [doc] = pyDocs(`emit(b'\\xef\\xbb\\xbf' + json.dumps({"a": 1}).encode())`);
    const text = py(`import sys, json\ntry:\n    json.loads(sys.stdin.buffer.read().decode('utf-8'))\nexcept json.JSONDecodeError as e:\n    print(e.msg)`, doc).toString();
    expect(text).toContain('Unexpected UTF-8 BOM');
    const r = parsePythonJson(doc, 'bom.json');
    expect(r.findings.map((f) => [f.code, f.severity, f.offset])).toEqual([['json.syntax', 'error', 0]]);
    expect(r.findings[0].message).toContain('byte-order mark');
    if (r.kind !== 'ok') throw new Error('ok expected');
    expect(pythonRepr(r.value)).toBe("{'a': 1}");
  });

  it('reports the syntax error first and zero bytes later in the same file', () => {
    const [doc] = pyDocs(`emit(b'{"a": 1 x' + bytes(10))`);
    const r = parsePythonJson(doc, 'z.json');
    expect(r.findings.map((f) => [f.code, f.offset])).toEqual([
      ['json.syntax', 8],
      ['json.zero_filled', 9],
    ]);
  });
});

describe('parsePythonJson nesting', () => {
  it('nests up to Python\'s limit silently and reports json.too_deep past it', () => {
    const docs = pyDocs(`
for n in (${PYTHON_JSON_DEPTH_LIMIT}, ${PYTHON_JSON_DEPTH_LIMIT + 1}, 1200):
    emit('[' * n + ']' * n)
emit('{"a": ' * 1200 + '1' + '}' * 1200)
`);
    const verdicts = pythonVerdicts(docs);
    expect(verdicts[0].ok).toBe(true);
    expect(verdicts[2].error).toBe('RecursionError');
    expect(parsePythonJson(docs[0], 'd.json').findings).toEqual([]);
    for (const [i, n] of [[1, PYTHON_JSON_DEPTH_LIMIT + 1], [2, 1200], [3, 1200]]) {
      const r = parsePythonJson(docs[i], 'd.json');
      expect(r.kind).toBe('ok');
      expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['json.too_deep', 'error']]);
      expect(r.findings[0].message).toContain(`this file nests ${n} levels`);
      expect(r.findings[0].message).toContain('RecursionError');
    }
  });

  it('decodes 100k levels without a stack overflow and stops past maxDepth', () => {
    const [doc] = pyDocs(`emit('[' * 100000 + '"x"' + ']' * 100000)`);
    const r = parsePythonJson(doc, 'deep.json');
    expect(r.kind).toBe('ok');
    expect(r.findings[0].message).toContain('nests 100000 levels');
    const stopped = parsePythonJson(doc, 'deep.json', { maxDepth: 5000 });
    expect(stopped.kind).toBe('corrupt');
    expect(stopped.findings.map((f) => f.code)).toEqual(['json.too_deep']);
    expect(stopped.findings[0].offset).toBe(5000);
    expect(stopped.findings[0].message).toContain('more than 5000 levels');
    expect(stopped.findings[0].message).toContain('RecursionError');
    const cut = parsePythonJson(doc.subarray(0, 150000), 'deep.json');
    expect(cut.findings.map((f) => f.code)).toEqual(['json.truncated', 'json.too_deep']);
  });
});

describe('parsePythonJson integer limits', () => {
  it('keeps an integer longer than 4300 digits exactly but says Python 3.11 refuses it', () => {
    const docs = pyDocs(`
import sys
sys.set_int_max_str_digits(0)
emit(json.dumps({"big": [int('7' * 4300)]}))
emit(json.dumps({"big": [-int('7' * 4301)]}))
`);
    const verdicts = pythonVerdicts(docs);
    expect(verdicts[0].ok).toBe(true);
    expect(verdicts[1].error).toBe('ValueError');
    expect(parsePythonJson(docs[0], 'i.json').findings).toEqual([]);
    const r = parsePythonJson(docs[1], 'i.json');
    expect(r.findings.map((f) => [f.code, f.pointer])).toEqual([['json.int_too_long', '/big/0']]);
    if (r.kind !== 'ok' || r.value.kind !== 'dict') throw new Error('ok dict expected');
    const list = r.value.pairs[1];
    expect(list.kind === 'list' && list.items[0].kind === 'int' ? list.items[0].text : '').toBe(`-${'7'.repeat(4301)}`);
  });
});

describe('parsePythonJson encodings', () => {
  it('names UTF-16 and UTF-32 files instead of calling their NULs zero fill', () => {
    const docs = pyDocs(`
text = json.dumps({"phase": "lit_review", "n": 1})
for enc in ('utf-16', 'utf-16-le', 'utf-16-be', 'utf-32', 'utf-32-le', 'utf-32-be'):
    _out.append(text.encode(enc))
`);
    const names = ['UTF-16', 'UTF-16-LE', 'UTF-16-BE', 'UTF-32', 'UTF-32-LE', 'UTF-32-BE'];
    docs.forEach((doc, i) => {
      const r = parsePythonJson(doc, 'w.json');
      expect(r.kind).toBe('corrupt');
      expect(r.findings.map((f) => [f.code, f.offset])).toEqual([['json.syntax', 0]]);
      expect(r.findings[0].message).toContain(`encoded as ${names[i]}`);
    });
    // Python's own bytes loader detects them too, which the message mentions.
    const accepted = py(`import json, sys\nd = sys.stdin.buffer.read()\nprint(json.loads(d)["phase"])`, docs[1]).toString().trim();
    expect(accepted).toBe('lit_review');
  });
});
