/**
 * Inputs no honest program writes: random bytes, empty files, 100k-deep nesting, memo expansion
 * (billion laughs), a gzip bomb. Each must come back from the checks and from the value view in
 * bounded time and memory with a clear finding — never an exception, a stack overflow or an
 * expansion of a shared structure into its exponential tree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile, decodeFile } from '../../shared/checks/analyze-file';
import { diffValues } from '../../shared/diff/diff-values';
import { hasError } from '../../shared/model/finding';
import { renderCanonical } from '../../shared/render/canonical-json';
import { hostileInputs, malformedFindings, python, rssMb, type HostileInputs } from './support';

let inputs: HostileInputs;

beforeAll(() => {
  inputs = hostileInputs();
}, 240_000);

const bomb = (name: string): Uint8Array => new Uint8Array(readFileSync(join(inputs.dir, 'bombs', name)));

/** Deterministic pseudo-random bytes. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('random and empty bytes', () => {
  const names = ['state.json', 'state.pkl', 'state.pickle', 'state.json.gz', 'state.pkl.xz', 'state.bin', 'ckpt'];
  const heads: Record<string, Uint8Array> = {
    none: new Uint8Array(0),
    'pickle protocol 5': Uint8Array.of(0x80, 0x05),
    'pickle protocol 2': Uint8Array.of(0x80, 0x02),
    gzip: Uint8Array.of(0x1f, 0x8b, 0x08, 0x00),
    xz: Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00),
    bzip2: new TextEncoder().encode('BZh9'),
    zstd: Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd),
    lz4: Uint8Array.of(0x04, 0x22, 0x4d, 0x18),
    json: new TextEncoder().encode('{"a": '),
  };

  it('never throws on random bytes behind every magic number, and says something about each file', async () => {
    let files = 0;
    for (const [label, head] of Object.entries(heads)) {
      for (const size of [1, 7, 64, 1000, 65_536]) {
        for (let seed = 1; seed <= 4; seed++) {
          const bytes = concat(head, randomBytes(size, seed * 7919 + size));
          for (const name of names) {
            const a = await analyzeFile(name, bytes).catch((e: unknown) => {
              throw new Error(`${label}/${size}/${seed} as ${name}: ${String(e)}`);
            });
            files++;
            expect(malformedFindings(a.findings, name)).toEqual([]);
            expect(a.findings.length, `${label}/${size}/${seed} as ${name}`).toBeGreaterThan(0);
            // A name that promises a checkpoint, or a recognised magic number, must be an error.
            if (/\.(json|pkl|pickle)/.test(name) || label !== 'none') {
              if (!hasError(a.findings)) expect.fail(`${label}/${size}/${seed} as ${name} judged healthy: ${JSON.stringify(a.findings)}`);
            }
            await decodeFile(name, bytes);
          }
        }
      }
    }
    expect(files).toBe(Object.keys(heads).length * 5 * 4 * names.length);
  }, 180_000);

  it.each(['empty.json', 'empty.pkl', 'empty.pickle', 'empty.json.gz', 'empty.bin'])('a 0-byte %s is a file.empty error', async (name) => {
    const a = await analyzeFile(name, new Uint8Array(0));
    expect(a.findings.map((f) => [f.code, f.severity])).toEqual([['file.empty', 'error']]);
    const d = await decodeFile(name, new Uint8Array(0));
    expect(d.result.kind).toBe('corrupt');
  });

  it('a gzip stream that holds nothing is an error, not a healthy empty checkpoint', async () => {
    const bytes = new Uint8Array(Buffer.from(python('import gzip,sys; sys.stdout.write(gzip.compress(b"", mtime=0).hex())'), 'hex'));
    const a = await analyzeFile('state.json.gz', bytes);
    expect(hasError(a.findings)).toBe(true);
    expect(a.findings.map((f) => f.code)).toContain('file.empty');
  });

  it('whitespace, a lone NUL run and a BOM alone are errors', async () => {
    for (const [name, bytes] of [
      ['ws.json', new TextEncoder().encode('   \n\t ')],
      ['zeros.json', new Uint8Array(4096)],
      ['bom.json', Uint8Array.of(0xef, 0xbb, 0xbf)],
      ['zeros.pkl', new Uint8Array(4096)],
    ] as const) {
      const a = await analyzeFile(name, bytes);
      expect(hasError(a.findings), `${name}: ${JSON.stringify(a.findings)}`).toBe(true);
    }
  });
});

describe('100k-deep nesting', () => {
  it.each(['deep_list.json', 'deep_dict.json', 'deep.pkl'])('%s: no stack overflow in the checks, the value view or the diff', async (name) => {
    const bytes = bomb(name);
    const a = await analyzeFile(name, bytes);
    expect(malformedFindings(a.findings, name)).toEqual([]);
    if (name.endsWith('.json')) {
      // Python's json.load gives up long before 100,000 levels (RecursionError): so must the verdict.
      expect(hasError(a.findings), JSON.stringify(a.findings)).toBe(true);
    }
    const d = await decodeFile(name, bytes);
    const value = d.result.kind === 'ok' ? d.result.value : d.result.partial;
    if (value) {
      const rendered = renderCanonical(value, { indent: 2, maxChars: 200_000 });
      expect(rendered.text.length).toBeLessThanOrEqual(200_000 + 1000);
      const diff = diffValues(value, value);
      expect(diff.summary).toEqual({ added: 0, removed: 0, changed: 0, typeChanged: 0 });
    }
  }, 60_000);

  it('deep.pkl is what Python itself loads (a valid pickle), and ours decodes it', async () => {
    const out = python(`import pickle,sys\nsys.setrecursionlimit(10000)\nv = pickle.load(open(${JSON.stringify(join(inputs.dir, 'bombs', 'deep.pkl'))}, 'rb'))\nn = 0\nwhile isinstance(v, list) and v:\n    v = v[0]; n += 1\nprint(n)`);
    expect(Number(out.trim())).toBe(99_999);
    const d = await decodeFile('deep.pkl', bomb('deep.pkl'));
    expect(d.result.kind).toBe('ok');
  }, 60_000);
});

describe('memo expansion (billion laughs)', () => {
  // 30 levels of 10 references: 10**30 leaves if expanded, 300 nodes if shared.
  it.each(['laughs.pkl', 'dict_laughs.pkl', 'laughs.json'])('%s: checks and value view stay bounded', async (name) => {
    const before = rssMb();
    const t0 = performance.now();
    const bytes = bomb(name);
    const a = await analyzeFile(name, bytes);
    expect(malformedFindings(a.findings, name)).toEqual([]);
    const d = await decodeFile(name, bytes);
    if (d.result.kind === 'ok') {
      const rendered = renderCanonical(d.result.value, { indent: 2, maxChars: 1_000_000 });
      expect(rendered.truncated || rendered.text.length < 1_000_000).toBe(true);
      const diff = diffValues(d.result.value, d.result.value);
      expect(diff.summary.changed).toBe(0);
    }
    // Generous bounds: an expansion would need ~10**30 nodes, so any finite run passes well under them.
    expect(rssMb() - before).toBeLessThan(1024);
    expect(performance.now() - t0).toBeLessThan(50_000);
  }, 60_000);
});

describe('gzip bomb', () => {
  it('2 GiB of zeros in 2 MB stops at the decompression limit with compression.too_large', async () => {
    const bytes = bomb('bomb.json.gz');
    expect(bytes.length).toBeLessThan(4 * 1024 * 1024);
    const before = rssMb();
    const a = await analyzeFile('bomb.json.gz', bytes);
    const grew = rssMb() - before;
    expect(a.findings.map((f) => f.code)).toContain('compression.too_large');
    expect(hasError(a.findings)).toBe(true);
    // The limit is 1 GiB of output; memory must not go far past it (never the full 2 GiB).
    expect(grew).toBeLessThan(1600);
  }, 120_000);
});
