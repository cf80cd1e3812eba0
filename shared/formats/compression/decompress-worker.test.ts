import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The engine decompresses in worker threads, from a bundle; the xz decoder is WebAssembly behind
// web streams and bzip2 is loaded lazily, so prove the bundled path works in a worker too.
describe('decompress in a worker thread', () => {
  it('decodes xz, bzip2 and gzip written by Python, and reports a cut xz stream', async () => {
    const payloads = execFileSync('python3', [
      '-c',
      "import json, lzma, bz2, gzip, sys\ndata = json.dumps({'k': list(range(5000))}).encode()\nxz = lzma.compress(data)\nsys.stdout.write(json.dumps({'n': len(data), 'xz': xz.hex(), 'cut': xz[: len(xz) // 2].hex(), 'bz2': bz2.compress(data).hex(), 'gz': gzip.compress(data).hex()}))",
    ]).toString();
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-worker-'));
    try {
      const bundle = join(dir, 'decompress.mjs');
      await build({
        entryPoints: [fileURLToPath(new URL('./decompress.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: bundle,
        logLevel: 'silent',
        // CommonJS dependencies call require() for Node built-ins inside an ES module bundle.
        banner: { js: "import { createRequire as __bannerRequire } from 'node:module'; const require = __bannerRequire(import.meta.url);" },
      });
      const code = `
        const { parentPort, workerData } = require('node:worker_threads');
        import(workerData.bundle).then(async ({ decompress }) => {
          const p = JSON.parse(workerData.payloads);
          const hex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
          const out = {};
          for (const k of ['xz', 'cut', 'bz2', 'gz']) {
            const r = await decompress(hex(p[k]), 'state.json.' + k);
            out[k] = r.kind === 'ok' ? r.bytes.length : r.finding.code;
          }
          parentPort.postMessage({ n: p.n, out });
        }).catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
      `;
      const worker = new Worker(code, { eval: true, workerData: { bundle: pathToFileURL(bundle).href, payloads } });
      const reply = await new Promise<{ n: number; out: Record<string, number | string>; error?: string }>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      expect(reply.error).toBeUndefined();
      expect(reply.out).toEqual({ xz: reply.n, cut: 'compression.truncated', bz2: reply.n, gz: reply.n });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
