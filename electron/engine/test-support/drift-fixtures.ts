/** Runs `drift_fixtures.py` (real python3, real json/pickle) into a folder for diff and drift tests. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./drift_fixtures.py', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Write every fixture of `drift_fixtures.py` under `dir`. */
export function writeDriftFixtures(dir: string): void {
  execFileSync('python3', [script, dir, repoRoot], { stdio: ['ignore', 'ignore', 'inherit'] });
}
