/**
 * Runs one cold engine scan of the folder given and prints what a person would see, as JSON.
 * Started by engine-hostile.test.ts as an unprivileged user (root reads chmod-000 files anyway).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../electron/engine/engine';

const root = process.argv[2];
const settingsDir = mkdtempSync(join(tmpdir(), 'ckpt-hostile-child-'));
const engine = await createEngine({ settingsPath: join(settingsDir, 'settings.json'), host: 'cli', watch: false, roots: [root] });
await engine.whenIdle();
const snapshot = engine.getSnapshot();
await engine.close();
rmSync(settingsDir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    uid: process.getuid?.(),
    roots: snapshot.roots.map((r) => ({
      status: r.status,
      error: r.error ?? null,
      families: r.families.map((f) => ({
        name: f.name,
        health: f.health,
        generations: f.generations.map((g) => ({ mainPath: g.mainPath, healthy: g.healthy, codes: g.findings.map((x) => x.code) })),
      })),
    })),
  })}\n`,
);
