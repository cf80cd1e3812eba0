/**
 * Workspace values for UI tests, built from the shared model types the engine also produces.
 * They describe checkpoints; they do not imitate the engine's behaviour.
 */
import type { GenerationContent } from '../../shared/api/contract';
import type { Finding } from '../../shared/model/finding';
import { healthOf } from '../../shared/model/finding';
import type { FamilySummary, GenerationSummary, RootState, WorkspaceSnapshot } from '../../shared/model/workspace';

const BASE_MTIME = Date.UTC(2026, 4, 25, 3, 0, 0);

/** A finding. */
export function finding(partial: Partial<Finding> & Pick<Finding, 'code'>): Finding {
  return { severity: 'error', message: `${partial.code} here`, file: 'agent.json', ...partial };
}

/** A generation of `familyId`, healthy unless given findings. */
export function generation(familyId: string, label: string, options: { readonly current?: boolean; readonly findings?: readonly Finding[]; readonly sha256?: string; readonly members?: readonly string[]; readonly age?: number } = {}): GenerationSummary {
  const findings = options.findings ?? [];
  const health = healthOf(findings);
  const sha256 = options.sha256 ?? `${label.replace(/[^a-f0-9]/g, '').padEnd(8, 'a')}`.padEnd(64, '0');
  const members = options.members ?? [label];
  return {
    id: `${familyId}#${label}`,
    label,
    mainPath: members[0],
    members: members.map((path, index) => ({ path, role: index === 0 ? 'main' : 'member', size: 1024, mtimeMs: BASE_MTIME - (options.age ?? 0), sha256, format: 'json' })),
    current: options.current ?? false,
    healthy: health !== 'broken',
    health,
    sha256,
    size: 1024 * members.length,
    mtimeMs: BASE_MTIME - (options.age ?? 0),
    schemaVersion: null,
    findings,
  };
}

/** A family in `dir`, with generations newest first; current = the one flagged current. */
export function family(dir: string, name: string, generations: (familyId: string) => readonly GenerationSummary[], extra: Partial<FamilySummary> = {}): FamilySummary {
  const id = `${dir}::${name}`;
  const gens = generations(id);
  const current = gens.find((g) => g.current) ?? null;
  const fallback = gens.find((g) => g.healthy) ?? null;
  return {
    id,
    name,
    dir,
    root: dir,
    kind: 'ring',
    health: current?.health ?? 'unknown',
    generations: gens,
    currentId: current?.id ?? null,
    fallbackId: fallback?.id ?? null,
    verdict: current?.healthy ? `${current.label} is healthy.` : `${current?.label ?? 'The current generation'} is broken; fall back to ${fallback?.label ?? 'nothing'}.`,
    findings: [],
    ...extra,
  };
}

/** A ready root holding `families`. */
export function root(path: string, families: readonly FamilySummary[], extra: Partial<RootState> = {}): RootState {
  return { path, status: 'ready', families: families.map((f) => ({ ...f, root: path })), ...extra };
}

/** A snapshot of `roots` at `version`. */
export function snapshot(version: number, roots: readonly RootState[], extra: Partial<WorkspaceSnapshot> = {}): WorkspaceSnapshot {
  return { roots, recent: [], progress: null, version, ...extra };
}

/**
 * The ring buffer of seed 003: `agent.json` (current) cut off mid-write, `agent.1.json` healthy,
 * `agent.2.json` healthy and older.
 */
export function brokenRing(dir = '/runs/agent-runs'): FamilySummary {
  return family(dir, 'agent', (id) => [
    generation(id, 'agent.json', {
      current: true,
      findings: [
        finding({ code: 'json.truncated', message: 'The file ends in the middle of a value: it was cut off while being written.', offset: 81920, line: 3, column: 17 }),
        finding({ code: 'content.emptied', severity: 'warning', message: 'phase_outputs had 4 entries in agent.1.json and is empty now.', pointer: '/phase_outputs' }),
      ],
    }),
    generation(id, 'agent.1.json', { age: 60_000 }),
    generation(id, 'agent.2.json', { age: 120_000 }),
  ]);
}

/** A healthy numbered family. */
export function healthyNumbered(dir = '/runs/trainer'): FamilySummary {
  return family(dir, 'ckpt', (id) => [generation(id, 'ckpt_002', { current: true }), generation(id, 'ckpt_001', { age: 1000 }), generation(id, 'ckpt_000', { age: 2000 })], { kind: 'numbered' });
}

/** Content of a generation member as the engine returns it. */
export function content(generationId: string, path: string, extra: Partial<GenerationContent> = {}): GenerationContent {
  return {
    generationId,
    path,
    view: 'decoded',
    language: 'json',
    text: '{\n  "phase": "supervision",\n  "phase_outputs": {}\n}\n',
    truncated: false,
    locations: {},
    findings: [],
    members: [path],
    ...extra,
  };
}
