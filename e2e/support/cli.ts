/** The real CLI, for what a test must agree with (the UI and `ckpt-doctor scan --json` say the same). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths';

/** One finding as `scan --json` prints it. */
export interface CliFinding {
  readonly code: string;
  readonly severity: string;
  readonly file: string;
  readonly offset?: number;
}

/** `scan --json` output, the parts the tests read. */
export interface CliScan {
  readonly families: readonly {
    readonly name: string;
    readonly current: string | null;
    readonly fallback: string | null;
    readonly generations: readonly { readonly files: readonly string[]; readonly current: boolean; readonly healthy: boolean; readonly findings: readonly CliFinding[] }[];
  }[];
}

/** Run `ckpt-doctor scan <folder> --json`. */
export function scanJson(folder: string): CliScan {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'out/cli/cli.js'), 'scan', folder, '--json'], { encoding: 'utf8', env: { ...process.env, CKPT_DOCTOR_SETTINGS: '/nonexistent/ckpt-e2e-settings.json' } });
  if (!result.stdout) throw new Error(`ckpt-doctor scan printed nothing (exit ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as CliScan;
}
