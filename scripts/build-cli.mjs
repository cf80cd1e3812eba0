// Bundles the `ckpt-doctor` CLI (and serve mode) with its scan worker into out/cli/:
// out/cli/cli.js and out/cli/scan-worker.js side by side, because the engine finds its worker
// next to the bundle (`new URL('./scan-worker.js', import.meta.url)`).
// npm packages stay external: they are installed next to the app, and bundling CommonJS `ws`
// into an ES module would need a require shim.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Build both entries; resolves when the files are written. */
export async function buildCli({ quiet = false, outdir = 'out/cli' } = {}) {
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'electron/cli.ts', 'scan-worker': 'electron/engine/scan-worker.ts' },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
  });
  if (!quiet) process.stderr.write(`Built ${outdir}/cli.js and ${outdir}/scan-worker.js\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildCli().catch((error) => {
    process.stderr.write(`Building the CLI failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
