import { describe, expect, it } from 'vitest';
import type { FamilyPlan, GenerationPlan, MemberPlan } from '../discovery/types';
import type { Finding } from '../model/finding';
import { analyzeFamily, type HashedFileAnalysis } from './analyze-family';

const T = 1_780_000_000_000;
const MIN = 60_000;

function finding(code: Finding['code'], severity: Finding['severity'], file: string, extra: Partial<Finding> = {}): Finding {
  return { code, severity, message: `${code} in ${file}`, file, ...extra };
}

function file(path: string, mtimeMs: number, over: Partial<HashedFileAnalysis> = {}): HashedFileAnalysis {
  return {
    path,
    size: 100,
    format: 'json',
    decoded: true,
    findings: [],
    schemaVersion: null,
    envelope: null,
    containers: { '': 2 },
    sha256: `sha-${path}`,
    mtimeMs,
    ...over,
  };
}

function gen(label: string, order: number, members: MemberPlan[], mainPath = members[0]?.path ?? label, current = order === 0): GenerationPlan {
  return { label, mainPath, members, current, order };
}

function m(path: string, role: MemberPlan['role'] = 'main', mtimeMs = T): MemberPlan {
  return { path, role, size: 100, mtimeMs };
}

function run(plan: FamilyPlan, analyses: HashedFileAnalysis[], options?: { expectedSchemaVersion?: string | null }) {
  const files = new Map(analyses.map((a) => [a.path, a]));
  return analyzeFamily({ id: '/d::fam', name: plan.name, dir: '/d', root: '/d', plan, files }, options);
}

function ringPlan(n: number, strays: MemberPlan[] = []): FamilyPlan {
  const generations = Array.from({ length: n }, (_, k) => {
    const name = k === 0 ? 'agent.json' : `agent.${k}.json`;
    return gen(name, k, [m(name, 'main', T - k * 10 * MIN)]);
  });
  return { name: 'agent.json', kind: 'ring', generations, strays };
}

const codes = (fs: readonly Finding[]) => fs.map((f) => f.code);

describe('analyzeFamily', () => {
  it('calls a family of healthy generations healthy and names the current as the newest healthy', () => {
    const s = run(ringPlan(3), [file('agent.json', T), file('agent.1.json', T - 10 * MIN), file('agent.2.json', T - 20 * MIN)]);
    expect(s.health).toBe('healthy');
    expect(s.currentId).toBe('/d::fam#agent.json');
    expect(s.fallbackId).toBe('/d::fam#agent.json');
    expect(s.generations.map((g) => [g.label, g.health, g.current, g.sha256])).toEqual([
      ['agent.json', 'healthy', true, 'sha-agent.json'],
      ['agent.1.json', 'healthy', false, 'sha-agent.1.json'],
      ['agent.2.json', 'healthy', false, 'sha-agent.2.json'],
    ]);
    expect(s.verdict).toBe('Current generation agent.json is healthy; a resume will load it.');
    expect(s.findings).toEqual([]);
  });

  it('falls back past a broken current generation and says why, with the time between them', () => {
    const truncated = finding('json.truncated', 'error', 'agent.json', { offset: 81920 });
    const s = run(ringPlan(3), [
      file('agent.json', T, { decoded: false, findings: [truncated], containers: {} }),
      file('agent.1.json', T - 12 * MIN),
      file('agent.2.json', T - 24 * MIN),
    ]);
    expect(s.health).toBe('broken');
    expect(s.fallbackId).toBe('/d::fam#agent.1.json');
    expect(s.verdict).toBe(
      'Current generation agent.json is broken (json.truncated at byte 81920). Fall back to agent.1.json, the newest healthy generation (saved 12 min earlier).',
    );
  });

  it('says when every generation is broken', () => {
    const s = run(ringPlan(2), [
      file('agent.json', T, { decoded: false, findings: [finding('json.truncated', 'error', 'agent.json', { offset: 10 })] }),
      file('agent.1.json', T - MIN, { decoded: false, findings: [finding('json.syntax', 'error', 'agent.1.json', { offset: 3 })] }),
    ]);
    expect(s.fallbackId).toBeNull();
    expect(s.verdict).toBe('All 2 generations are broken; no healthy fallback. The newest, agent.json, has json.truncated at byte 10.');
  });

  it('never takes a member without an analysis as healthy', () => {
    const s = run(ringPlan(2), [file('agent.1.json', T - MIN)]);
    expect(codes(s.generations[0].findings)).toEqual(['analysis.failed']);
    expect(s.generations[0].health).toBe('broken');
    expect(s.fallbackId).toBe('/d::fam#agent.1.json');
  });

  it('reports each missing member of a three-file set', () => {
    const plan: FamilyPlan = {
      name: 'run_*.pkl',
      kind: 'triple',
      generations: [
        gen('run_2', 0, [m('run_2.pkl', 'pickle')], 'run_2.pkl'),
        gen('run_1', 1, [m('run_1.pkl', 'pickle'), m('run_1.state.json', 'state'), m('run_1.meta.json', 'meta')], 'run_1.pkl'),
      ],
      strays: [],
    };
    const s = run(plan, [file('run_2.pkl', T), file('run_1.pkl', T - MIN), file('run_1.state.json', T - MIN), file('run_1.meta.json', T - MIN)]);
    expect(s.generations[0].findings.map((f) => [f.code, f.severity, f.file])).toEqual([
      ['generation.member_missing', 'error', 'run_2.state.json'],
      ['generation.member_missing', 'error', 'run_2.meta.json'],
    ]);
    expect(s.generations[1].findings).toEqual([]);
    expect(s.verdict).toContain('Fall back to run_1');
  });

  it('reports a step folder with no checkpoint file in it', () => {
    const plan: FamilyPlan = { name: 'step-*/', kind: 'step-dirs', generations: [gen('step-200', 0, [], 'step-200'), gen('step-100', 1, [m('step-100/model.pkl')])], strays: [] };
    const s = run(plan, [file('step-100/model.pkl', T - MIN)]);
    expect(codes(s.generations[0].findings)).toEqual(['generation.member_missing']);
    expect(s.fallbackId).toBe('/d::fam#step-100/model.pkl');
  });

  it('reports a container emptied since the nearest older generation that decoded, outermost only', () => {
    const s = run(ringPlan(3), [
      file('agent.json', T, { containers: { '': 1, '/phase_outputs': 0 } }),
      file('agent.1.json', T - MIN, { decoded: false, containers: {}, findings: [finding('json.truncated', 'error', 'agent.1.json', { offset: 5 })] }),
      file('agent.2.json', T - 2 * MIN, { containers: { '': 1, '/phase_outputs': 2, '/phase_outputs/lit_result': 3 } }),
    ]);
    const emptied = s.generations[0].findings.filter((f) => f.code === 'content.emptied');
    expect(emptied.map((f) => [f.pointer, f.severity])).toEqual([['/phase_outputs', 'warning']]);
    expect(emptied[0].message).toContain('had 2 entries in the older agent.2.json');
    expect(s.health).toBe('warning');
    expect(s.verdict).toContain('agent.2.json is the newest generation without warnings');
  });

  it('does not call a container that stayed empty, or was never there, emptied', () => {
    const s = run(ringPlan(2), [file('agent.json', T, { containers: { '': 1, '/a': 0 } }), file('agent.1.json', T - MIN, { containers: { '': 1, '/a': 0, '/b': 4 } })]);
    expect(s.generations[0].findings).toEqual([]);
  });

  it('warns when the current schema version differs from the older generations', () => {
    const s = run(ringPlan(2), [file('agent.json', T, { schemaVersion: '3' }), file('agent.1.json', T - MIN, { schemaVersion: '2' })]);
    expect(s.generations[0].findings.map((f) => [f.code, f.severity])).toEqual([['envelope.schema_mismatch', 'warning']]);
    expect(s.generations[0].schemaVersion).toBe('3');
  });

  it('checks every generation against an expected schema version', () => {
    const s = run(ringPlan(3), [file('agent.json', T, { schemaVersion: '3' }), file('agent.1.json', T - MIN, { schemaVersion: '2' }), file('agent.2.json', T - 2 * MIN)], {
      expectedSchemaVersion: '3',
    });
    expect(s.generations.map((g) => g.findings.map((f) => [f.code, f.severity]))).toEqual([[], [['envelope.schema_mismatch', 'error']], [['envelope.schema_mismatch', 'warning']]]);
  });

  it('reports mtimes that contradict the naming order on the family', () => {
    const s = run(ringPlan(2), [file('agent.json', T), file('agent.1.json', T + 30 * MIN)]);
    expect(s.findings.map((f) => [f.code, f.severity, f.file])).toEqual([['generation.order', 'warning', 'agent.json']]);
    expect(s.findings[0].message).toContain('30 min after agent.json');
  });

  it('judges temp leftovers: a complete newer one may be the newest state, a broken one can go', () => {
    const plan = ringPlan(1, [m('agent.json.tmp', 'member', T + MIN), m('agent.json.ab12.tmp', 'member', T + 2 * MIN)]);
    const s = run(plan, [
      file('agent.json', T),
      file('agent.json.tmp', T + 5 * MIN),
      file('agent.json.ab12.tmp', T + 2 * MIN, { decoded: false, findings: [finding('json.truncated', 'error', 'agent.json.ab12.tmp', { offset: 9 })] }),
    ]);
    expect(s.findings.map((f) => [f.code, f.severity, f.file])).toEqual([
      ['write.tmp_leftover', 'warning', 'agent.json.tmp'],
      ['write.tmp_leftover', 'warning', 'agent.json.ab12.tmp'],
    ]);
    expect(s.findings[0].message).toContain('saved 5 min after agent.json');
    expect(s.findings[0].message).toContain('never renamed it over agent.json.');
    expect(s.findings[1].message).toContain('incomplete (json.truncated at byte 9)');
    expect(s.health).toBe('healthy');
    expect(s.verdict).toContain('agent.json.tmp holds a complete checkpoint saved 5 min after the current one');
  });

  it('names the file a temp file inside a step folder was going to replace', () => {
    const plan: FamilyPlan = { name: 'step-*/', kind: 'step-dirs', generations: [gen('step-100', 0, [m('step-100/model.pkl')])], strays: [m('step-200/model.pkl.tmp', 'member')] };
    const s = run(plan, [file('step-100/model.pkl', T), file('step-200/model.pkl.tmp', T, { decoded: false, findings: [finding('pickle.truncated', 'error', 'step-200/model.pkl.tmp')] })]);
    expect(s.findings[0].message).toContain('never renamed it over step-200/model.pkl.');
  });

  it('calls a family that is only a temp file broken, and says to rename a complete one', () => {
    const plan: FamilyPlan = { name: 'agent.json', kind: 'single', generations: [], strays: [m('agent.json.tmp', 'member')] };
    const s = run(plan, [file('agent.json.tmp', T)]);
    expect(s.health).toBe('broken');
    expect(s.currentId).toBeNull();
    expect(s.verdict).toContain('Rename it to agent.json');
  });

  it('calls an anonymous temp file with no family a warning, not a broken checkpoint', () => {
    const plan: FamilyPlan = { name: 'tmpab12cd34.tmp', kind: 'single', generations: [], strays: [m('tmpab12cd34.tmp', 'member')] };
    const s = run(plan, [file('tmpab12cd34.tmp', T, { decoded: false, findings: [finding('json.truncated', 'error', 'tmpab12cd34.tmp')] })]);
    expect(s.health).toBe('warning');
    expect(codes(s.findings)).toEqual(['write.tmp_leftover']);
  });

  it('handles a ring whose current file is missing', () => {
    const generations = [gen('agent.1.json', 0, [m('agent.1.json')], 'agent.1.json', false), gen('agent.2.json', 1, [m('agent.2.json')], 'agent.2.json', false)];
    const s = run({ name: 'agent.json', kind: 'ring', generations, strays: [] }, [file('agent.1.json', T), file('agent.2.json', T - MIN)]);
    expect(s.health).toBe('broken');
    expect(s.currentId).toBeNull();
    expect(s.fallbackId).toBe('/d::fam#agent.1.json');
    expect(s.verdict).toBe('agent.json (the file a resume loads) is missing. Fall back to agent.1.json, the newest healthy generation.');
  });

  it('mentions the warnings and the schema of the fallback it recommends', () => {
    const s = run(ringPlan(2), [
      file('agent.json', T, { schemaVersion: '3', decoded: false, findings: [finding('envelope.checksum_mismatch', 'error', 'agent.json', { pointer: '/checksum' })] }),
      file('agent.1.json', T - MIN, { schemaVersion: '2', findings: [finding('json.duplicate_key', 'warning', 'agent.1.json', { offset: 4 })] }),
    ]);
    expect(s.verdict).toContain('broken (envelope.checksum_mismatch at /checksum)');
    expect(s.verdict).toContain('It has warnings (json.duplicate_key at byte 4)');
    expect(s.verdict).toContain('schema version 2 while the current has 3');
  });

  it('passes member findings such as write.in_progress through to the generation', () => {
    const s = run(ringPlan(1), [file('agent.json', T, { findings: [finding('write.in_progress', 'warning', 'agent.json')] })]);
    expect(codes(s.generations[0].findings)).toEqual(['write.in_progress']);
    expect(s.health).toBe('warning');
  });

  it('sums member sizes and takes the newest member mtime', () => {
    const plan: FamilyPlan = {
      name: 'run.pkl',
      kind: 'triple',
      generations: [gen('run', 0, [m('run.pkl', 'pickle'), m('run.state.json', 'state'), m('run.meta.json', 'meta')], 'run.pkl')],
      strays: [],
    };
    const s = run(plan, [file('run.pkl', T, { size: 10, format: 'pickle' }), file('run.state.json', T + 5, { size: 20, schemaVersion: '1.0' }), file('run.meta.json', T + 9, { size: 30 })]);
    const g = s.generations[0];
    expect([g.size, g.mtimeMs, g.schemaVersion, g.sha256]).toEqual([60, T + 9, '1.0', 'sha-run.pkl']);
    expect(g.members.map((x) => [x.path, x.role, x.format])).toEqual([
      ['run.pkl', 'pickle', 'pickle'],
      ['run.state.json', 'state', 'json'],
      ['run.meta.json', 'meta', 'json'],
    ]);
  });
});
