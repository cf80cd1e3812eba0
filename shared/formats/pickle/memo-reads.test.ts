import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findMemoReads } from './memo-reads';

/**
 * The memo pre-scan must see every slot a GET reads (a slot it misses would be let go and the
 * decoder would have to start over). Python's pickletools lists the GETs of the same bytes.
 */
const GENERATE = `
import pickle, pickletools, json, datetime, collections
class Shared: pass
s = Shared(); s.x = [1, 2]
lst = ['a' * 300, b'b' * 70000, 'é' * 40]
value = {'l': lst, 'again': lst, 'dt': datetime.datetime(2026, 5, 25), 'od': collections.OrderedDict(a=lst), 'obj': s, 'objs': [s, s],
         'nums': [1, -1, 2**40, 2**80, 1.5, True, None], 'many': [(i, str(i % 7)) for i in range(300)], 'rec': []}
value['rec'].append(value['rec'])
out = []
for proto in range(6):
    data = pickle.dumps(value, protocol=proto)
    gets = sorted({arg for op, arg, pos in pickletools.genops(data) if op.name in ('GET', 'BINGET', 'LONG_BINGET')})
    out.append([data.hex(), gets])
print(json.dumps(out))
`;

describe('memo pre-scan', () => {
  it('finds every memo slot a GET reads, at protocols 0-5', () => {
    const cases = JSON.parse(execFileSync('python3', ['-c', GENERATE], { maxBuffer: 1 << 26 }).toString()) as [string, number[]][];
    for (const [hex, gets] of cases) {
      const bytes = new Uint8Array(Buffer.from(hex, 'hex'));
      const reads = findMemoReads(bytes);
      expect(gets.length).toBeGreaterThan(0);
      for (const index of gets) expect(reads.has(index)).toBe(true);
      // Nothing read is invented either: the slots reported are exactly the ones GET names.
      const max = Math.max(...gets);
      const found: number[] = [];
      for (let i = 0; i <= max + 50; i++) if (reads.has(i)) found.push(i);
      expect(found).toEqual(gets);
    }
  });

  it('stops where the machine would: a cut file, an unknown opcode', () => {
    // PROTO 2, BINPUT 0 of an EMPTY_LIST, BINGET 0, then a cut SHORT_BINUNICODE.
    const cut = new Uint8Array([0x80, 0x02, 0x5d, 0x71, 0x00, 0x68, 0x00, 0x8c, 0x05, 0x61]);
    const reads = findMemoReads(cut);
    expect(reads.has(0)).toBe(true);
    expect(reads.has(1)).toBe(false);
    const bad = new Uint8Array([0x80, 0x02, 0xff, 0x68, 0x07, 0x2e]);
    expect(findMemoReads(bad).has(7)).toBe(false);
  });
});
