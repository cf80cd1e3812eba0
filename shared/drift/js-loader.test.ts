import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePythonJson } from '../formats/json/parse-python-json';
import { jsLoaderEffect, jsLoses } from './js-loader';

describe('jsLoaderEffect', () => {
  it('flags exactly the integers that JSON.parse + JSON.stringify do not give back', () => {
    // Python writes the document; JavaScript's own JSON.parse/JSON.stringify are the oracle.
    const text = execFileSync(
      'python3',
      ['-c', 'import json; print(json.dumps([s * (b + d) for b in (2**53, 2**63, 2**64, 10**21, 10**15) for d in (-2, -1, 0, 1, 3) for s in (1, -1)]))'],
      { encoding: 'utf8' },
    );
    const parsed = parsePythonJson(new TextEncoder().encode(text), 'ints.json');
    if (parsed.kind !== 'ok' || parsed.value.kind !== 'list') throw new Error('parse');
    const roundTrip = JSON.parse(text) as number[];
    parsed.value.items.forEach((item, i) => {
      if (item.kind !== 'int') throw new Error('int');
      const changed = JSON.stringify(roundTrip[i]) !== item.text;
      expect({ text: item.text, flagged: jsLoaderEffect(item) !== null, cheap: jsLoses(item) }).toEqual({ text: item.text, flagged: changed, cheap: changed });
      if (changed) expect(jsLoaderEffect(item)?.seen).toBe(String(roundTrip[i]));
    });
  });

  it('says that NaN and Infinity make JSON.parse throw, and that -0.0 loses its sign on re-save', () => {
    expect(() => JSON.parse('[NaN]')).toThrow();
    const doc = parsePythonJson(new TextEncoder().encode('[NaN, Infinity, -Infinity, -0.0, 0.0, 1.5]'), 'f.json');
    if (doc.kind !== 'ok' || doc.value.kind !== 'list') throw new Error('parse');
    const [nan, inf, ninf, negZero, zero, plain] = doc.value.items;
    for (const v of [nan, inf, ninf]) expect(jsLoaderEffect(v)?.note).toMatch(/JSON\.parse throws/);
    expect(JSON.stringify(JSON.parse('-0.0'))).toBe('0');
    expect(jsLoaderEffect(negZero)?.seen).toBe('0');
    expect([zero, plain].map(jsLoaderEffect)).toEqual([null, null]);
  });
});
