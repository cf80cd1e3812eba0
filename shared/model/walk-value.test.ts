import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { pairsOf, type DictValue, type ListValue, type Value } from './value';
import { keyToken, walkValue, type WalkEntry } from './walk-value';

const str = (value: string): Value => ({ kind: 'str', value });
const int = (text: string): Value => ({ kind: 'int', text });

function collect(root: Value): { pointer: string; depth: number; kind: string; refTo?: string }[] {
  const out: { pointer: string; depth: number; kind: string; refTo?: string }[] = [];
  walkValue(root, {
    enter: (e) => {
      out.push(e.refTo === undefined ? { pointer: e.pointer, depth: e.depth, kind: e.value.kind } : { pointer: e.pointer, depth: e.depth, kind: e.value.kind, refTo: e.refTo });
    },
  });
  return out;
}

function fromPython(expr: string): Value {
  const bytes = execFileSync('python3', ['-c', `import json, sys\nsys.stdout.write(json.dumps(${expr}))`]);
  const r = parsePythonJson(bytes, 'w.json');
  if (r.kind !== 'ok') throw new Error('fixture did not parse');
  return r.value;
}

describe('walkValue', () => {
  it('visits every node depth first with RFC 6901 pointers', () => {
    const v = fromPython(`{"a": [1, {"b/c": None, "m~n": True}], "": "empty key", "x": {}}`);
    expect(collect(v)).toEqual([
      { pointer: '', depth: 0, kind: 'dict' },
      { pointer: '/a', depth: 1, kind: 'list' },
      { pointer: '/a/0', depth: 2, kind: 'int' },
      { pointer: '/a/1', depth: 2, kind: 'dict' },
      { pointer: '/a/1/b~1c', depth: 3, kind: 'null' },
      { pointer: '/a/1/m~0n', depth: 3, kind: 'bool' },
      { pointer: '/', depth: 1, kind: 'str' },
      { pointer: '/x', depth: 1, kind: 'dict' },
    ]);
  });

  it('calls leave after the children, for leaves too, in mirror order', () => {
    const v = fromPython(`[[1, 2], 3]`);
    const events: string[] = [];
    walkValue(v, { enter: (e) => void events.push(`+${e.pointer}`), leave: (e) => void events.push(`-${e.pointer}`) });
    expect(events).toEqual(['+', '+/0', '+/0/0', '-/0/0', '+/0/1', '-/0/1', '-/0', '+/1', '-/1', '-']);
  });

  it('skips children on request and stops on request', () => {
    const v = fromPython(`{"skip": [1, 2, 3], "keep": [4], "after": 5}`);
    const seen: string[] = [];
    const done = walkValue(v, {
      enter: (e) => {
        seen.push(e.pointer);
        if (e.pointer === '/skip') return 'skip';
        if (e.pointer === '/after') return 'stop';
      },
    });
    expect(done).toBe(false);
    expect(seen).toEqual(['', '/skip', '/keep', '/keep/0', '/after']);
    expect(walkValue(v, {})).toBe(true);
  });

  it('walks a 100k-deep tree without recursion', () => {
    const bytes = execFileSync('python3', ['-c', `import sys\nsys.stdout.write('[' * 100000 + '7' + ']' * 100000)`]);
    const r = parsePythonJson(bytes, 'deep.json');
    if (r.kind !== 'ok') throw new Error('ok expected');
    let deepest: WalkEntry | null = null;
    let count = 0;
    walkValue(r.value, {
      enter: (e) => {
        count++;
        if (!deepest || e.depth > deepest.depth) deepest = e;
      },
    });
    expect(count).toBe(100001);
    const d = deepest as unknown as WalkEntry;
    expect(d.depth).toBe(100000);
    expect(d.value).toEqual(int('7'));
    expect(d.pointer.length).toBe(200000);
  });

  it('reports a shared node once as a reference to where it was first seen, and survives cycles', () => {
    const shared: ListValue = { kind: 'list', items: [int('1')] };
    const cyclic: ListValue = { kind: 'list', items: [] };
    cyclic.items.push(cyclic, shared);
    const root: DictValue = { kind: 'dict', pairs: pairsOf([
      { key: str('a'), value: shared },
      { key: str('b'), value: { kind: 'tuple', items: [shared, cyclic] } },
    ]) };
    expect(collect(root)).toEqual([
      { pointer: '', depth: 0, kind: 'dict' },
      { pointer: '/a', depth: 1, kind: 'list' },
      { pointer: '/a/0', depth: 2, kind: 'int' },
      { pointer: '/b', depth: 1, kind: 'tuple' },
      { pointer: '/b/0', depth: 2, kind: 'list', refTo: '/a' },
      { pointer: '/b/1', depth: 2, kind: 'list' },
      { pointer: '/b/1/0', depth: 3, kind: 'list', refTo: '/b/1' },
      { pointer: '/b/1/1', depth: 3, kind: 'list', refTo: '/a' },
    ]);
  });

  it('stays linear on a billion-laughs shape', () => {
    let level: Value = { kind: 'list', items: [str('lol')] };
    for (let i = 0; i < 30; i++) {
      const prev: Value = level;
      level = { kind: 'list', items: Array.from({ length: 10 }, () => prev) };
    }
    let count = 0;
    walkValue(level, { enter: () => void count++ });
    expect(count).toBe(1 + 30 * 10 + 1);
  });

  it('walks objects as {args, state, items, entries} and sets by index', () => {
    const obj: Value = {
      kind: 'object',
      cls: 'episodes.workflows.DownloadStepFailed',
      args: [str('timeout')],
      state: { kind: 'dict', pairs: pairsOf([{ key: str('retries'), value: int('3') }]) },
    };
    const sub: Value = { kind: 'object', cls: 'pkg.Registry', items: [int('7')], pairs: pairsOf([{ key: int('1'), value: str('x') }]) };
    const root: Value = { kind: 'list', items: [obj, { kind: 'set', items: [int('5'), int('6')] }, sub] };
    expect(collect(root).map((e) => e.pointer)).toEqual([
      '', '/0', '/0/args', '/0/args/0', '/0/state', '/0/state/retries', '/1', '/1/0', '/1/1', '/2', '/2/items', '/2/items/0', '/2/entries', '/2/entries/1',
    ]);
  });

  it('names non-str dict keys by their Python repr', () => {
    const dict: Value = {
      kind: 'dict',
      pairs: pairsOf([
        { key: int('1'), value: str('one') },
        { key: { kind: 'tuple', items: [int('1'), int('2')] }, value: str('pair') },
        { key: { kind: 'tuple', items: [str('a/b')] }, value: str('single') },
        { key: { kind: 'float', text: '1.5' }, value: str('f') },
        { key: { kind: 'bool', value: true }, value: str('t') },
        { key: { kind: 'null' }, value: str('n') },
        { key: { kind: 'bytes', value: new Uint8Array([107, 0]) }, value: str('b') },
      ]),
    };
    expect(collect(dict).slice(1).map((e) => e.pointer)).toEqual(['/1', '/(1, 2)', "/('a~1b',)", '/1.5', '/True', '/None', "/b'k\\x00'"]);
    const expected = execFileSync('python3', ['-c', "print('\\n'.join(map(repr, [1, (1, 2), ('a/b',), 1.5, True, None, b'k\\x00', 1e22, -0.0])))"]).toString().trim().split('\n');
    expect([
      keyToken(int('1')),
      keyToken({ kind: 'tuple', items: [int('1'), int('2')] }),
      keyToken({ kind: 'tuple', items: [str('a/b')] }),
      keyToken({ kind: 'float', text: '1.5' }),
      keyToken({ kind: 'bool', value: true }),
      keyToken({ kind: 'null' }),
      keyToken({ kind: 'bytes', value: new Uint8Array([107, 0]) }),
      keyToken({ kind: 'float', text: '1e22' }),
      keyToken({ kind: 'float', text: '-0.0' }),
    ]).toEqual(expected);
    expect(keyToken(str('plain/key'))).toBe('plain/key');
  });

  it('builds pointers only when read, and gives the same ones read during the walk, after it, or in any order', () => {
    const shared: ListValue = { kind: 'list', items: [str('s')] };
    const root: Value = {
      kind: 'dict',
      pairs: pairsOf([
        { key: str('a/b'), value: { kind: 'list', items: [shared, { kind: 'dict', pairs: pairsOf([{ key: int('7'), value: shared }]) }] } },
        { key: str('m~n'), value: { kind: 'tuple', items: [int('1'), shared] } },
      ]),
    };
    const eager = collect(root);
    const kept: WalkEntry[] = [];
    walkValue(root, { enter: (e) => void kept.push(e) });
    // Deepest first, so each pointer is built from ancestors that were never asked for theirs.
    const late = kept
      .map((e, i) => ({ e, i }))
      .reverse()
      .map(({ e, i }) => ({ i, row: e.refTo === undefined ? { pointer: e.pointer, depth: e.depth, kind: e.value.kind } : { pointer: e.pointer, depth: e.depth, kind: e.value.kind, refTo: e.refTo } }))
      .sort((x, y) => x.i - y.i)
      .map((x) => x.row);
    expect(late).toEqual(eager);
    expect(eager.filter((e) => e.refTo !== undefined).map((e) => [e.pointer, e.refTo])).toEqual([
      ['/a~1b/1/7', '/a~1b/0'],
      ['/m~0n/1', '/a~1b/0'],
    ]);
    expect(kept.map((e) => e.token)).toEqual(['', 'a/b', '0', '0', '1', '7', 'm~n', '0', '1']);
  });
});
