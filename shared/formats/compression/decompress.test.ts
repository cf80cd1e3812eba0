import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decompress } from './decompress';
import { detectCodec } from './detect-codec';
import type { Codec } from './types';

/** Run a Python program and return what it wrote to stdout, as bytes. */
function py(code: string): Uint8Array {
  return new Uint8Array(execFileSync('python3', ['-c', code], { maxBuffer: 512 * 1024 * 1024 }));
}

function hasCli(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_ZSTD = hasCli('zstd');
const HAS_LZ4 = hasCli('lz4');

// A checkpoint-like payload: JSON with repetition (compresses well) and noise (does not).
const PAYLOAD = `
import json, random
random.seed(7)
state = {"schema_version": 3, "steps": [{"i": i, "loss": random.random(), "note": "step %d" % i} for i in range(4000)],
         "blob": "".join(random.choice("abcdef0123456789") for _ in range(30000))}
data = json.dumps(state, indent=2).encode()
`;

/** Python expression (over `data`) that compresses with each codec using the real producer. */
const COMPRESS: Record<Codec, string> = {
  gzip: 'import gzip; out = gzip.compress(data)',
  xz: 'import lzma; out = lzma.compress(data)',
  bz2: 'import bz2; out = bz2.compress(data)',
  zstd: "import subprocess; out = subprocess.run(['zstd', '-q', '-c'], input=data, stdout=subprocess.PIPE, check=True).stdout",
  lz4: "import subprocess; out = subprocess.run(['lz4', '-q', '-c', '--content-size', '-BD'], input=data, stdout=subprocess.PIPE, check=True).stdout",
};

const CODECS: readonly Codec[] = ['gzip', 'xz', 'bz2', 'zstd', 'lz4'];
const available = (c: Codec) => (c === 'zstd' ? HAS_ZSTD : c === 'lz4' ? HAS_LZ4 : true);

function make(codec: Codec, tail = ''): { raw: Uint8Array; packed: Uint8Array } {
  const raw = py(`${PAYLOAD}\nimport sys; sys.stdout.buffer.write(data)`);
  const packed = py(`${PAYLOAD}\n${COMPRESS[codec]}\n${tail}\nimport sys; sys.stdout.buffer.write(out)`);
  return { raw, packed };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

describe('detectCodec', () => {
  const cases: [string, string, Codec | null][] = [
    ['gzip', 'import gzip; out = gzip.compress(b"{}")', 'gzip'],
    ['xz', 'import lzma; out = lzma.compress(b"{}")', 'xz'],
    ['bz2', 'import bz2; out = bz2.compress(b"{}")', 'bz2'],
    ['lzma alone is not xz', 'import lzma; out = lzma.compress(b"{}", format=lzma.FORMAT_ALONE)', null],
    ['plain JSON', 'out = b\'{"a": 1}\'', null],
    ['text starting BZh but no level digit', 'out = b"BZh? not bzip"', null],
    ['empty', 'out = b""', null],
    ['pickle', 'import pickle; out = pickle.dumps({"a": 1})', null],
  ];
  it.each(cases)('%s', (_name, code, expected) => {
    const bytes = py(`${code}\nimport sys; sys.stdout.buffer.write(out)`);
    expect(detectCodec(bytes.subarray(0, 16))).toBe(expected);
  });
});

describe.each(CODECS)('decompress %s', (codec) => {
  const run = available(codec) ? it : it.skip;

  run('round-trips what the real compressor wrote', async () => {
    const { raw, packed } = make(codec);
    const r = await decompress(packed, `state.json.${codec}`);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.codec).toBe(codec);
    expect(equalBytes(r.bytes, raw)).toBe(true);
    expect(r.findings).toEqual([]);
  });

  run.each([0.5, 0.9, 0.1])('reports a stream cut at %f of its length as truncated, with the bytes decoded', async (fraction) => {
    const { raw, packed } = make(codec);
    const cut = packed.subarray(0, Math.floor(packed.length * fraction));
    const r = await decompress(cut, 'agent.json.z');
    expect(r.kind).toBe('failed');
    if (r.kind !== 'failed') return;
    expect(r.finding.code).toBe('compression.truncated');
    expect(r.finding.severity).toBe('error');
    expect(r.finding.file).toBe('agent.json.z');
    const produced = r.finding.offset ?? -1;
    expect(produced).toBeGreaterThanOrEqual(0);
    expect(produced).toBeLessThan(raw.length);
    expect(r.partial?.length).toBe(produced);
    // What came out before the cut is a true prefix of the original.
    expect(equalBytes(r.partial ?? new Uint8Array(), raw.subarray(0, produced))).toBe(true);
    expect(r.finding.message).toContain('cut off');
    expect(r.finding.message).toMatch(/[\d,]+ bytes decompressed/);
  });

  run('reports a stream missing only its last byte as truncated', async () => {
    const { packed } = make(codec);
    const r = await decompress(packed.subarray(0, packed.length - 1), 'agent.json.z');
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.truncated');
  });

  run('stops a decompression bomb at the size limit', async () => {
    const { packed } = make(codec, '');
    const r = await decompress(packed, 'bomb.z', { maxOutputBytes: 64 * 1024 });
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.too_large');
    expect(r.kind === 'failed' && r.finding.message).toContain('65,536 bytes limit');
  });

  run('stops a stream whose ratio is absurd', async () => {
    const zeros = py(`data = bytes(8 * 1024 * 1024)\n${COMPRESS[codec]}\nimport sys; sys.stdout.buffer.write(out)`);
    const limited = await decompress(zeros, 'zeros.z', { maxRatio: 50, ratioFloorBytes: 1024 * 1024 });
    expect(limited.kind === 'failed' && limited.finding.code).toBe('compression.too_large');
    const defaults = await decompress(zeros, 'zeros.z');
    expect(defaults.kind).toBe('ok');
  });

  run('warns about zero padding after the end but keeps the content', async () => {
    const { raw, packed } = make(codec, 'out = out + bytes(4096)');
    const r = await decompress(packed, 'padded.z');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(equalBytes(r.bytes, raw)).toBe(true);
    // xz allows zero padding in multiples of four: it is part of the format, not a problem.
    if (codec === 'xz') expect(r.findings).toEqual([]);
    else expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['compression.trailing_data', 'warning']]);
  });
});

describe('decompress, codec specifics', () => {
  it('reads every member of a multi-member gzip file', async () => {
    const packed = py('import gzip, sys; sys.stdout.buffer.write(gzip.compress(b\'{"a": \') + gzip.compress(b\'[1, 2, 3]}\'))');
    const r = await decompress(packed, 'multi.json.gz');
    expect(r.kind === 'ok' && new TextDecoder().decode(r.bytes)).toBe('{"a": [1, 2, 3]}');
  });

  it('reads every stream of concatenated xz and bzip2 files', async () => {
    for (const mod of ['lzma', 'bz2']) {
      const packed = py(`import ${mod}, sys; sys.stdout.buffer.write(${mod}.compress(b'first,') + ${mod}.compress(b'second'))`);
      const r = await decompress(packed, `multi.${mod}`);
      expect(r.kind === 'ok' && new TextDecoder().decode(r.bytes)).toBe('first,second');
    }
  });

  it('reports the tail of an older, longer file after a gzip stream', async () => {
    const packed = py(
      'import gzip, sys, random\nrandom.seed(1)\nold = gzip.compress(bytes(random.getrandbits(8) for _ in range(5000)))\nnew = gzip.compress(b\'{"ok": true}\')\nsys.stdout.buffer.write(new + old[len(new):])',
    );
    const r = await decompress(packed, 'state.json.gz');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(new TextDecoder().decode(r.bytes)).toBe('{"ok": true}');
    expect(r.findings[0].code).toBe('compression.trailing_data');
    expect(r.findings[0].message).toContain('overwritten in place');
  });

  it.each([
    ['gzip', 'import gzip; out = bytearray(gzip.compress(data))'],
    ['xz', 'import lzma; out = bytearray(lzma.compress(data))'],
    ['bz2', 'import bz2; out = bytearray(bz2.compress(data))'],
  ])('reports a %s stream with a damaged byte in the middle as corrupt', async (_codec, code) => {
    const packed = py(`${PAYLOAD}\n${code}\nout[len(out) // 2] ^= 0x55\nimport sys; sys.stdout.buffer.write(bytes(out))`);
    const r = await decompress(packed, 'damaged.z');
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.corrupt');
  });

  it.skipIf(!HAS_ZSTD)('reports a zstd frame whose content no longer matches its checksum as corrupt', async () => {
    // Damage a literal inside a raw block: the decoder cannot notice, only the XXH64 checksum can.
    const packed = py(
      "import subprocess, sys\ndata = bytes(range(256)) * 64\nout = bytearray(subprocess.run(['zstd', '-q', '-c', '-1'], input=data, stdout=subprocess.PIPE, check=True).stdout)\nout[len(out) // 2] ^= 0x01\nsys.stdout.buffer.write(bytes(out))",
    );
    const r = await decompress(packed, 'damaged.zst');
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.corrupt');
    expect(r.kind === 'failed' && r.finding.message).toContain('checksum');
  });

  it.skipIf(!HAS_LZ4)('reports an LZ4 frame with a damaged byte as corrupt (content checksum)', async () => {
    const packed = py(
      `${PAYLOAD}\nimport subprocess, sys\nout = bytearray(subprocess.run(['lz4', '-q', '-c', '--content-size'], input=data, stdout=subprocess.PIPE, check=True).stdout)\nout[len(out) // 2] ^= 0x01\nsys.stdout.buffer.write(bytes(out))`,
    );
    const r = await decompress(packed, 'damaged.lz4');
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.corrupt');
  });

  it('decodes what the lz4js encoder writes (independent blocks, no checksums)', async () => {
    const lz4js = createRequire(import.meta.url)('lz4js') as { compress(src: Uint8Array): Uint8Array };
    const raw = py(`${PAYLOAD}\nimport sys; sys.stdout.buffer.write(data)`);
    const r = await decompress(new Uint8Array(lz4js.compress(raw)), 'state.json.lz4');
    expect(r.kind === 'ok' && equalBytes(r.bytes, raw)).toBe(true);
  });

  it.skipIf(!HAS_ZSTD)('refuses a zstd frame whose window is larger than the output limit before allocating it', async () => {
    const packed = py(
      "import subprocess, sys\nsys.stdout.buffer.write(subprocess.run(['zstd', '-q', '-c', '--long=27'], input=b'x' * 1000, stdout=subprocess.PIPE, check=True).stdout)",
    );
    // The CLI shrinks the window when it knows the size; this frame is streamed from stdin.
    const r = await decompress(packed, 'huge-window.zst', { maxOutputBytes: 1024 * 1024 });
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.too_large');
    expect((await decompress(packed, 'huge-window.zst')).kind).toBe('ok');
  });

  it('calls bytes without compression magic unsupported, not empty', async () => {
    const r = await decompress(new TextEncoder().encode('{"a": 1}'), 'plain.json.gz');
    expect(r.kind === 'failed' && r.finding.code).toBe('compression.unsupported');
  });

  it('decodes many xz files one after another (the decoder lock is always released)', async () => {
    const packed = py("import lzma, sys; sys.stdout.buffer.write(lzma.compress(b'x' * 100000))");
    for (let i = 0; i < 3; i++) {
      const bomb = await decompress(packed, 'a.xz', { maxOutputBytes: 1000 });
      expect(bomb.kind).toBe('failed');
      const cut = await decompress(packed.subarray(0, 40), 'a.xz');
      expect(cut.kind === 'failed' && cut.finding.code).toBe('compression.truncated');
    }
    const ok = await decompress(packed, 'a.xz');
    expect(ok.kind === 'ok' && ok.bytes.length).toBe(100000);
  });
});
