import { describe, expect, it } from 'vitest';
import { planQuarantine, planRollback } from './plan';

const sha = (c: string) => c.repeat(64);
const dir = '/checkpoints/job';

describe('planRollback', () => {
  it('lists the exact file operations of a ring-buffer rollback', () => {
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: sha('a') }],
      target: [{ path: 'agent.1.json', sha256: sha('b') }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    });
    expect(plan.problems).toEqual([]);
    expect(plan.steps).toEqual([
      expect.objectContaining({ kind: 'backup', path: 'agent.json', backupPath: '.ckpt-doctor/trash/<timestamp>-rollback/agent.json' }),
      expect.objectContaining({ kind: 'replace', from: 'agent.1.json', to: 'agent.json', fromSha256: sha('b'), toSha256Before: sha('a') }),
    ]);
    expect(plan.summary).toContain('agent.1.json');
    expect(plan.warnings).toEqual([]);
  });

  it('plans a three-file set as three copies and three replacements', () => {
    const members = ['pkl', 'state.json', 'meta.json'];
    const plan = planRollback({
      dir,
      familyName: 'run',
      current: members.map((m, i) => ({ path: `run.${m}`, sha256: sha(String(i)) })),
      target: members.map((m, i) => ({ path: `run.1.${m}`, sha256: sha(String(i + 3)) })),
      mapping: members.map((m) => ({ from: `run.1.${m}`, to: `run.${m}` })),
    });
    expect(plan.problems).toEqual([]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['backup', 'backup', 'backup', 'replace', 'replace', 'replace']);
  });

  it('warns about a current member the target has no counterpart for', () => {
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [
        { path: 'agent.json', sha256: sha('a') },
        { path: 'agent.json.types.json', sha256: sha('c') },
      ],
      target: [{ path: 'agent.1.json', sha256: sha('b') }],
      mapping: [{ from: 'agent.1.json', to: 'agent.json' }],
    });
    expect(plan.problems).toEqual([]);
    expect(plan.steps.find((s) => s.kind === 'keep')).toMatchObject({ path: 'agent.json.types.json' });
    expect(plan.warnings.join(' ')).toContain('agent.json.types.json');
  });

  it('lists why a malformed plan cannot run', () => {
    const plan = planRollback({
      dir: 'relative/dir',
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: 'nope' }],
      target: [
        { path: 'agent.1.json', sha256: sha('b') },
        { path: 'agent.2.json', sha256: sha('c') },
      ],
      mapping: [
        { from: 'agent.1.json', to: 'agent.json' },
        { from: 'agent.3.json', to: 'agent.json' },
      ],
    });
    const codes = plan.problems.map((p) => p.code);
    expect(codes).toContain('bad_path'); // relative folder
    expect(codes).toContain('bad_plan'); // bad sha, agent.json written twice, agent.2.json unmapped
    expect(codes).toContain('not_a_generation'); // agent.3.json not in the target
    expect(plan.problems.map((p) => p.message).join('\n')).toMatch(/agent\.2\.json .*not mapped/);
  });

  it('refuses a generation rolled back onto itself', () => {
    const plan = planRollback({
      dir,
      familyName: 'agent',
      current: [{ path: 'agent.json', sha256: sha('a') }],
      target: [{ path: 'agent.json', sha256: sha('a') }],
      mapping: [{ from: 'agent.json', to: 'agent.json' }],
    });
    expect(plan.problems.map((p) => p.code)).toContain('not_a_generation');
  });
});

describe('planQuarantine', () => {
  it('copies, then moves every member', () => {
    const plan = planQuarantine({ dir, familyName: 'agent', generation: [{ path: 'agent.2.json', sha256: sha('d') }] });
    expect(plan.problems).toEqual([]);
    expect(plan.steps).toEqual([
      expect.objectContaining({ kind: 'backup', path: 'agent.2.json' }),
      expect.objectContaining({ kind: 'move', path: 'agent.2.json', trashPath: '.ckpt-doctor/trash/<timestamp>-quarantine/agent.2.json' }),
    ]);
  });
});
