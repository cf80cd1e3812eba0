import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { pairsOf, type ListValue, type Value } from '../model/value';
import { walkValue } from '../model/walk-value';
import { dict, float, int as intNode, list, listOf, object, str as strNode, tuple } from '../diff/value-builders';
import { renderCanonical } from './canonical-json';

function py(script: string): string {
  return execFileSync('python3', ['-c', script], { maxBuffer: 1 << 28 }).toString('utf-8');
}

/** Python's pretty printer on a document; lone surrogates escaped as JSON.stringify escapes them. */
const PRETTY = `
import json, re, sys, base64, random, struct
def pretty(doc, indent=2):
    out = json.dumps(doc, indent=indent, ensure_ascii=False)
    return re.sub('[\\ud800-\\udfff]', lambda m: '\\\\u%04x' % ord(m.group()), out)
`;

function parse(text: string): Value {
  const r = parsePythonJson(new TextEncoder().encode(text), 'c.json');
  if (r.kind !== 'ok') throw new Error('fixture did not parse');
  return r.value;
}

const int = (text: string): Value => ({ kind: 'int', text });
const str = (value: string): Value => ({ kind: 'str', value });

describe('renderCanonical', () => {
  it('lays out plain JSON exactly as Python pretty-prints it', () => {
    const out: { src: string; pretty: string; pretty4: string }[] = JSON.parse(
      py(`${PRETTY}
random.seed(5)
alphabet = ['a', 'Z', ' ', '"', '\\\\', '\\n', '\\t', '\\x00', '\\x1f', '\\x7f', 'é', '中', '😀', '\\u2028', '\\ud800', '\\udc00']
def rstr(): return ''.join(random.choice(alphabet) for _ in range(random.randint(0, 6)))
def rval(d=0):
    k = random.randint(0, 8 if d < 5 else 4)
    if k == 0: return random.choice([None, True, False])
    if k == 1: return random.randint(-2**80, 2**80)
    if k == 2: return random.choice([0.1, -0.0, 1e22, 1.5e-07, 5e-324, float('nan'), float('inf'), float('-inf'), random.random()])
    if k in (3, 4): return rstr()
    if k in (5, 6): return [rval(d + 1) for _ in range(random.randint(0, 4))]
    return {rstr(): rval(d + 1) for _ in range(random.randint(0, 4))}
docs = [rval() for _ in range(60)]
sys.stdout.write(json.dumps([{"src": json.dumps(v), "pretty": pretty(v), "pretty4": pretty(v, 4)} for v in docs]))
`),
    );
    for (const o of out) {
      const v = parse(o.src);
      expect(renderCanonical(v).text).toBe(o.pretty);
      expect(renderCanonical(v, { indent: 4 }).text).toBe(o.pretty4);
    }
  });

  it('writes integers exactly and floats in their source text', () => {
    const src = py(`import json\nt = '[18446744073709551617, 1E5, 1.0e-7, 2.50, 1e400, NaN, -Infinity, -0]'\njson.loads(t)\nprint(t, end='')`);
    expect(renderCanonical(parse(src)).text).toBe('[\n  18446744073709551617,\n  1E5,\n  1.0e-7,\n  2.50,\n  1e400,\n  NaN,\n  -Infinity,\n  0\n]');
  });

  it('tags every node JSON cannot express, as documented', () => {
    const shared: ListValue = { kind: 'list', items: [int('1')] };
    const cyclic: ListValue = { kind: 'list', items: [] };
    cyclic.items.push(cyclic);
    const bytes = new Uint8Array(Array.from({ length: 70 }, (_, i) => (i * 37) & 255));
    const value: Value = {
      kind: 'dict',
      pairs: pairsOf([
        { key: str('tuple'), value: { kind: 'tuple', items: [int('1'), str('x')] } },
        { key: str('empty_tuple'), value: { kind: 'tuple', items: [] } },
        { key: str('set'), value: { kind: 'set', items: [int('1'), int('2')] } },
        { key: str('frozen'), value: { kind: 'set', items: [str('a')], frozen: true } },
        { key: str('bytes'), value: { kind: 'bytes', value: bytes } },
        { key: str('ba'), value: { kind: 'bytes', value: new Uint8Array([0, 255]), mutable: true } },
        { key: str('when'), value: { kind: 'typed', type: 'datetime.datetime', repr: 'datetime.datetime(2026, 5, 25, 0, 0)', str: '2026-05-25 00:00:00' } },
        { key: str('err'), value: { kind: 'object', cls: 'episodes.workflows.DownloadStepFailed', args: [str('timeout')], state: { kind: 'dict', pairs: pairsOf([{ key: str('retries'), value: int('3') }]) } } },
        { key: str('bare'), value: { kind: 'object', cls: 'pkg.Empty' } },
        { key: str('sub'), value: { kind: 'object', cls: 'pkg.Registry', items: [int('7')], pairs: pairsOf([{ key: int('1'), value: str('x') }]) } },
        { key: str('fn'), value: { kind: 'global', name: 'os.system' } },
        { key: str('by_step'), value: { kind: 'dict', pairs: pairsOf([{ key: int('1'), value: str('one') }, { key: { kind: 'tuple', items: [int('1'), int('2')] }, value: shared }]) } },
        { key: str('ordered'), value: { kind: 'dict', cls: 'collections.OrderedDict', pairs: pairsOf([{ key: str('b'), value: int('1') }]) } },
        { key: str('sneaky'), value: { kind: 'dict', pairs: pairsOf([{ key: str('$tuple'), value: { kind: 'list', items: [] } }]) } },
        { key: str('again'), value: shared },
        { key: str('loop'), value: cyclic },
        { key: str('empty'), value: { kind: 'dict', pairs: pairsOf([]) } },
      ]),
    };
    const expected = py(`${PRETTY}
doc = {
  "tuple": {"$tuple": [1, "x"]},
  "empty_tuple": {"$tuple": []},
  "set": {"$set": [1, 2]},
  "frozen": {"$frozenset": ["a"]},
  "bytes": {"$bytes": base64.b64encode(bytes((i * 37) & 255 for i in range(70))).decode(), "length": 70},
  "ba": {"$bytearray": base64.b64encode(b'\\x00\\xff').decode(), "length": 2},
  "when": {"$type": "datetime.datetime", "repr": "datetime.datetime(2026, 5, 25, 0, 0)", "str": "2026-05-25 00:00:00"},
  "err": {"$class": "episodes.workflows.DownloadStepFailed", "args": ["timeout"], "state": {"retries": 3}},
  "bare": {"$class": "pkg.Empty"},
  "sub": {"$class": "pkg.Registry", "items": [7], "entries": {"$dict": [[1, "x"]]}},
  "fn": {"$global": "os.system"},
  "by_step": {"$dict": [[1, "one"], [{"$tuple": [1, 2]}, [1]]]},
  "ordered": {"$dict": [["b", 1]], "$class": "collections.OrderedDict"},
  "sneaky": {"$dict": [["$tuple", []]]},
  "again": {"$ref": "/by_step/(1, 2)"},
  "loop": [{"$ref": "/loop"}],
  "empty": {},
}
sys.stdout.write(pretty(doc))
`);
    expect(renderCanonical(value).text).toBe(expected);
  });

  it('locates every pointer at its key or value', () => {
    const value = parse(
      py(`import json\nprint(json.dumps({"phase": "supervision", "phase_outputs": {"lit_result": {"report": "r", "paper_corpus": {"10.1/x": {"retrieved_at": "2026"}}}}, "list": [1, [2, {"a/b": None}]], "": 0}), end='')`),
    );
    const pointers: { pointer: string; member: string | null }[] = [];
    walkValue(value, { enter: (e) => void pointers.push({ pointer: e.pointer, member: e.parent?.kind === 'dict' ? e.token : null }) });
    const r = renderCanonical(value, { locate: [...pointers.map((p) => p.pointer), '/missing'] });
    const lines = r.text.split('\n');
    expect(Object.keys(r.locations).length).toBe(pointers.length);
    expect(r.locations['pointer:']).toEqual({ line: 1, column: 1 });
    for (const p of pointers) {
      const loc = r.locations[`pointer:${p.pointer}`];
      const at = lines[loc.line - 1].slice(loc.column - 1);
      if (p.member !== null) expect(at.startsWith(`${JSON.stringify(p.member)}: `), p.pointer).toBe(true);
      else expect(at, p.pointer).toMatch(/^[[{0-9"ntf-]/);
    }
    expect(r.locations['pointer:/phase_outputs/lit_result/paper_corpus/10.1~1x']).toEqual({ line: 7, column: 9 });
    expect(lines[6]).toBe('        "10.1/x": {');
  });

  it('locates nodes under non-str keys, objects and shared nodes by the pointers walkValue gives them', () => {
    const shared = list(intNode(7));
    const value = dict(
      [intNode(1), tuple(strNode('a'), float(0.5))],
      [tuple(intNode(1), intNode(2)), shared],
      ['obj', object('pkg.Model', dict(['w', listOf([float(1.5), shared])]), [strNode('x/y~z')])],
    );
    const pointers: string[] = [];
    walkValue(value, { enter: (e) => void pointers.push(e.pointer) });
    expect(pointers).toContain('/obj/state/w/1');
    const r = renderCanonical(value, { locate: pointers });
    expect(Object.keys(r.locations).sort()).toEqual(pointers.map((p) => `pointer:${p}`).sort());
    const lines = r.text.split('\n');
    const at = (p: string) => {
      const loc = r.locations[`pointer:${p}`];
      return lines[loc.line - 1].slice(loc.column - 1);
    };
    expect(at('/1/1')).toBe('0.5');
    expect(at('/obj/args/0')).toBe('"x/y~z"');
    const ref = r.locations['pointer:/obj/state/w/1'];
    expect(at('/obj/state/w/1')).toBe('{');
    expect(lines[ref.line].trim()).toBe(`"$ref": "/(1, 2)"`);
    // Only the asked-for pointers are reported.
    expect(Object.keys(renderCanonical(value, { locate: ['/obj/state/w/0', '/nope/0'] }).locations)).toEqual(['pointer:/obj/state/w/0']);
  });

  it('stops cleanly at maxChars, at a line break, and drops locations past the cut', () => {
    const value = parse(py(`import json\nprint(json.dumps({"rows": [{"id": i, "name": "row %d" % i} for i in range(5000)]}), end='')`));
    const full = renderCanonical(value);
    const cut = renderCanonical(value, { maxChars: 10_000, locate: ['/rows/0/id', '/rows/4999/id'] });
    expect(full.truncated).toBe(false);
    expect(cut.truncated).toBe(true);
    expect(cut.text.length).toBeLessThanOrEqual(10_000);
    expect(cut.text.length).toBeGreaterThan(5_000);
    expect(full.text.startsWith(cut.text)).toBe(true);
    expect(full.text[cut.text.length]).toBe('\n');
    expect(Object.keys(cut.locations)).toEqual(['pointer:/rows/0/id']);
  });

  it('cuts one enormous string or bytes value to the budget instead of building it whole', () => {
    const big: Value = { kind: 'list', items: [{ kind: 'str', value: 'x'.repeat(5_000_000) }, { kind: 'bytes', value: new Uint8Array(5_000_000) }] };
    const r = renderCanonical(big, { maxChars: 1000 });
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBe(1000);
  });

  it('renders 100k levels and a billion-laughs shape without blowing up', () => {
    const deep = parse(py(`print('[' * 100000 + '1' + ']' * 100000, end='')`));
    const flat = renderCanonical(deep, { indent: 0 });
    expect(flat.text.split('\n').length).toBe(200001);
    const bounded = renderCanonical(deep, { maxChars: 100_000 });
    expect(bounded.truncated).toBe(true);
    let level: Value = { kind: 'list', items: [str('lol')] };
    for (let i = 0; i < 40; i++) {
      const prev: Value = level;
      level = { kind: 'list', items: Array.from({ length: 10 }, () => prev) };
    }
    const laughs = renderCanonical(level);
    expect(laughs.truncated).toBe(false);
    expect(laughs.text.match(/\$ref/g)?.length).toBe(40 * 9);
  });
});
