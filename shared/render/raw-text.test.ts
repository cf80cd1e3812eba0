import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderRaw } from './raw-text';

function pyBytes(script: string): Buffer {
  return execFileSync('python3', ['-c', `import sys, json, random\n${script}`], { maxBuffer: 1 << 28 });
}

describe('renderRaw', () => {
  it('decodes UTF-8 with one replacement per invalid subpart, as TextDecoder does', () => {
    // Random mixtures of valid characters, stray continuation bytes, overlongs, surrogates and cut sequences.
    const samples = JSON.parse(
      pyBytes(`
random.seed(9)
pieces = ['a', '\\n', 'é'.encode(), '中'.encode(), '😀'.encode(), b'\\x80', b'\\xbf', b'\\xc0\\xaf', b'\\xe0\\x80\\x80', b'\\xed\\xa0\\x80', b'\\xf4\\x90\\x80\\x80', b'\\xf0\\x9f\\x98', b'\\xe2\\x82', b'\\xff', b'\\xfe', b'\\xc3']
out = []
for _ in range(200):
    parts = [random.choice(pieces) for _ in range(random.randint(0, 12))]
    b = b''.join(p.encode() if isinstance(p, str) else p for p in parts)
    out.append(b.hex())
sys.stdout.write(json.dumps(out))
`).toString(),
    ) as string[];
    const decoder = new TextDecoder();
    for (const hex of samples) {
      const bytes = Buffer.from(hex, 'hex');
      expect(renderRaw(bytes, []).text, hex).toBe(decoder.decode(bytes));
    }
  });

  it('shows NULs visibly and collapses long runs with a count', () => {
    const bytes = pyBytes(`sys.stdout.buffer.write(json.dumps({"a": 1}).encode() + b'\\x00\\x00' + b'x' + bytes(1 << 20))`);
    const r = renderRaw(bytes, [8, 9, 10, 11, 500_000, bytes.length]);
    expect(r.text).toBe('{"a": 1}␀␀x␀×1048576');
    expect(r.truncated).toBe(false);
    expect(r.locations).toEqual({
      'offset:8': { line: 1, column: 9 },
      'offset:9': { line: 1, column: 10 },
      'offset:10': { line: 1, column: 11 },
      'offset:11': { line: 1, column: 12 },
      'offset:500000': { line: 1, column: 12 },
      [`offset:${bytes.length}`]: { line: 1, column: 12 + '␀×1048576'.length },
    });
  });

  it('maps byte offsets to lines and UTF-16 columns as Python counts them', () => {
    const doc = pyBytes(`sys.stdout.buffer.write(json.dumps({"ünï": ["😀 x", "中文"], "b": {"c": None}}, indent=2, ensure_ascii=False).encode())`);
    const offsets: number[] = [];
    for (let i = 0; i <= doc.length; i++) if (i === doc.length || (doc[i] & 0xc0) !== 0x80) offsets.push(i);
    const expected = JSON.parse(
      execFileSync('python3', ['-c', `
import sys, json
data = sys.stdin.buffer.read()
res = {}
for off in ${JSON.stringify(offsets)}:
    before = data[:off].decode('utf-8')
    line = before.count('\\n') + 1
    last = before.rsplit('\\n', 1)[-1]
    res['offset:%d' % off] = {'line': line, 'column': len(last.encode('utf-16-le')) // 2 + 1}
print(json.dumps(res))
`], { input: doc }).toString(),
    );
    expect(renderRaw(doc, offsets).locations).toEqual(expected);
  });

  it('counts \\r\\n and a lone \\r as one line break each', () => {
    const bytes = pyBytes(`sys.stdout.buffer.write(b'a\\r\\nb\\rc\\nd')`);
    const r = renderRaw(bytes, [0, 3, 5, 7]);
    expect(r.locations).toEqual({
      'offset:0': { line: 1, column: 1 },
      'offset:3': { line: 2, column: 1 },
      'offset:5': { line: 3, column: 1 },
      'offset:7': { line: 4, column: 1 },
    });
  });

  it('stops at maxChars without splitting a surrogate pair, and leaves out offsets past the cut', () => {
    const bytes = pyBytes(`sys.stdout.buffer.write(('😀' * 100).encode())`);
    const r = renderRaw(bytes, [0, 40, 399, 400], { maxChars: 51 });
    expect(r.truncated).toBe(true);
    expect(r.text).toBe('😀'.repeat(25));
    expect(Object.keys(r.locations)).toEqual(['offset:0', 'offset:40']);
    expect(r.locations['offset:40']).toEqual({ line: 1, column: 21 });
    const zeros = renderRaw(new Uint8Array(10), [], { maxChars: 3 });
    expect(zeros).toEqual({ text: '', truncated: true, locations: {} });
  });
});
