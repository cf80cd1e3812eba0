import { describe, expect, it } from 'vitest';
import { discoverFamilies } from './discover';
import type { DirEntryInfo, DiscoveryResult } from './types';

let clock = 1_780_000_000_000;
/** A file; later calls are newer unless an mtime is given. */
function f(name: string, mtimeMs?: number, size = 100): DirEntryInfo {
  clock += 1000;
  return { name, kind: 'file', size, mtimeMs: mtimeMs ?? clock };
}
function d(name: string, children: DirEntryInfo[], mtimeMs?: number): DirEntryInfo {
  clock += 1000;
  return { name, kind: 'dir', size: 0, mtimeMs: mtimeMs ?? clock, children };
}

interface FamilyShape {
  name: string;
  kind: string;
  /** Main paths, newest first. */
  gens: string[];
  current: string | null;
  strays?: string[];
}

function shape(result: DiscoveryResult): FamilyShape[] {
  return result.families.map((fam) => ({
    name: fam.name,
    kind: fam.kind,
    gens: fam.generations.map((g) => g.mainPath),
    current: fam.generations.find((g) => g.current)?.mainPath ?? null,
    ...(fam.strays.length ? { strays: fam.strays.map((s) => s.path) } : {}),
  }));
}

interface Case {
  title: string;
  entries: () => DirEntryInfo[];
  families: FamilyShape[];
  ignored?: string[];
  consumed?: string[];
}

const cases: Case[] = [
  {
    title: 'ring buffer, current first',
    entries: () => [f('agent.2.json'), f('agent.1.json'), f('agent.json')],
    families: [{ name: 'agent.json', kind: 'ring', gens: ['agent.json', 'agent.1.json', 'agent.2.json'], current: 'agent.json' }],
  },
  {
    title: 'ring buffer with compressed older generations, logrotate style',
    entries: () => [f('state.json.2.gz'), f('state.json.1.gz'), f('state.json')],
    families: [{ name: 'state.json', kind: 'ring', gens: ['state.json', 'state.json.1.gz', 'state.json.2.gz'], current: 'state.json' }],
  },
  {
    title: 'ring buffer, every generation gzip-compressed',
    entries: () => [f('agent.1.json.gz'), f('agent.json.gz')],
    families: [{ name: 'agent.json', kind: 'ring', gens: ['agent.json.gz', 'agent.1.json.gz'], current: 'agent.json.gz' }],
  },
  {
    title: 'ring buffer whose current file is missing (crash between rotating and writing)',
    entries: () => [f('checkpoint.3.json', 1000), f('checkpoint.2.json', 2000), f('checkpoint.1.json', 3000)],
    families: [
      { name: 'checkpoint.json', kind: 'ring', gens: ['checkpoint.1.json', 'checkpoint.2.json', 'checkpoint.3.json'], current: null },
    ],
  },
  {
    title: 'dot-numbered files whose mtimes grow with the number are a numbered series',
    entries: () => [f('run.1.json', 1000), f('run.2.json', 2000), f('run.3.json', 3000)],
    families: [{ name: 'run.*.json', kind: 'numbered', gens: ['run.3.json', 'run.2.json', 'run.1.json'], current: 'run.3.json' }],
  },
  {
    title: 'numbered series, current = highest number',
    entries: () => [f('ckpt_000.pkl'), f('ckpt_010.pkl'), f('ckpt_002.pkl'), f('ckpt_009.pkl')],
    families: [
      { name: 'ckpt_*.pkl', kind: 'numbered', gens: ['ckpt_010.pkl', 'ckpt_009.pkl', 'ckpt_002.pkl', 'ckpt_000.pkl'], current: 'ckpt_010.pkl' },
    ],
  },
  {
    title: 'numbered by value, not by text (checkpoint-9 < checkpoint-12)',
    entries: () => [f('checkpoint-12.pkl'), f('checkpoint-9.pkl'), f('checkpoint-100.pkl')],
    families: [
      { name: 'checkpoint-*.pkl', kind: 'numbered', gens: ['checkpoint-100.pkl', 'checkpoint-12.pkl', 'checkpoint-9.pkl'], current: 'checkpoint-100.pkl' },
    ],
  },
  {
    title: 'Lightning names with two counters; last.ckpt stands alone',
    entries: () => [f('epoch=0-step=500.ckpt'), f('epoch=1-step=1000.ckpt'), f('epoch=1-step=800.ckpt'), f('last.ckpt')],
    families: [
      {
        name: 'epoch=*-step=*.ckpt',
        kind: 'numbered',
        gens: ['epoch=1-step=1000.ckpt', 'epoch=1-step=800.ckpt', 'epoch=0-step=500.ckpt'],
        current: 'epoch=1-step=1000.ckpt',
      },
      { name: 'last.ckpt', kind: 'single', gens: ['last.ckpt'], current: 'last.ckpt' },
    ],
  },
  {
    title: 'ISO timestamps, newest first regardless of listing order',
    entries: () => [f('ckpt-2026-05-25T10-00-00.json'), f('ckpt-2026-05-24T23-59-59.json'), f('ckpt-2026-05-25T09-30-00.json')],
    families: [
      {
        name: 'ckpt-*.json',
        kind: 'timestamped',
        gens: ['ckpt-2026-05-25T10-00-00.json', 'ckpt-2026-05-25T09-30-00.json', 'ckpt-2026-05-24T23-59-59.json'],
        current: 'ckpt-2026-05-25T10-00-00.json',
      },
    ],
  },
  {
    title: 'timestamps with zones compare as instants',
    entries: () => [f('s_2026-05-25T10:00:00+02:00.json'), f('s_2026-05-25T09:00:00Z.json')],
    families: [{ name: 's_*.json', kind: 'timestamped', gens: ['s_2026-05-25T09:00:00Z.json', 's_2026-05-25T10:00:00+02:00.json'], current: 's_2026-05-25T09:00:00Z.json' }],
  },
  {
    title: 'compact and epoch timestamps',
    entries: () => [f('snap_20260525-101500.pkl'), f('snap_20260524-080000.pkl'), f('state-1780000000.json'), f('state-1780000500.json'), f('m_1780000000123.json'), f('m_1780000000999.json')],
    families: [
      { name: 'm_*.json', kind: 'timestamped', gens: ['m_1780000000999.json', 'm_1780000000123.json'], current: 'm_1780000000999.json' },
      { name: 'snap_*.pkl', kind: 'timestamped', gens: ['snap_20260525-101500.pkl', 'snap_20260524-080000.pkl'], current: 'snap_20260525-101500.pkl' },
      { name: 'state-*.json', kind: 'timestamped', gens: ['state-1780000500.json', 'state-1780000000.json'], current: 'state-1780000500.json' },
    ],
  },
  {
    title: 'a lone checkpoint file is a single family; README and logs are ignored',
    entries: () => [f('model.pt'), f('README.md'), f('train.log'), f('notes.txt')],
    families: [{ name: 'model.pt', kind: 'single', gens: ['model.pt'], current: 'model.pt' }],
    ignored: ['README.md', 'notes.txt', 'train.log'],
  },
  {
    title: 'three-file set is one generation with the pickle as main',
    entries: () => [f('run.pkl'), f('run.state.json'), f('run.meta.json')],
    families: [{ name: 'run.pkl', kind: 'triple', gens: ['run.pkl'], current: 'run.pkl' }],
  },
  {
    title: 'a numbered series of three-file sets is one family',
    entries: () => [
      f('cp_001.pkl'), f('cp_001.state.json'), f('cp_001.meta.json'),
      f('cp_002.pkl'), f('cp_002.state.json'), f('cp_002.meta.json'),
    ],
    families: [{ name: 'cp_*.pkl', kind: 'triple', gens: ['cp_002.pkl', 'cp_002.state.json'].slice(0, 1).concat(['cp_001.pkl']), current: 'cp_002.pkl' }],
  },
  {
    title: 'a set missing its meta file is still a set; a lone pickle of the same series joins it',
    entries: () => [
      f('cp_001.pkl'), f('cp_001.state.json'), f('cp_001.meta.json'),
      f('cp_002.pkl'), f('cp_002.state.json'),
      f('cp_003.pkl'),
    ],
    families: [{ name: 'cp_*.pkl', kind: 'triple', gens: ['cp_003.pkl', 'cp_002.pkl', 'cp_001.pkl'], current: 'cp_003.pkl' }],
  },
  {
    title: 'a set whose pickle is missing keeps the pickle path as its main path',
    entries: () => [f('job.state.json'), f('job.meta.json')],
    families: [{ name: 'job.pkl', kind: 'triple', gens: ['job.pkl'], current: 'job.pkl' }],
  },
  {
    title: 'type manifest and typed pickle twin are members of the JSON generation',
    entries: () => [f('work.json'), f('work.json.types.json'), f('work.pkl'), f('work.1.json'), f('work.1.pkl')],
    families: [{ name: 'work.json', kind: 'ring', gens: ['work.json', 'work.1.json'], current: 'work.json' }],
  },
  {
    title: 'seed 000: current_work.json with the uuid temp file of an interrupted write',
    entries: () => [f('current_work.json'), f('current_work.3fa9c2d1.tmp')],
    families: [{ name: 'current_work.json', kind: 'single', gens: ['current_work.json'], current: 'current_work.json', strays: ['current_work.3fa9c2d1.tmp'] }],
  },
  {
    title: 'temp files named after their target, plain and hidden',
    entries: () => [f('agent.json'), f('agent.1.json'), f('agent.json.tmp'), f('agent.json.ab12cd34.tmp'), f('.agent.json.Kx3a9Q'), f('.agent.json.swp')],
    families: [
      {
        name: 'agent.json',
        kind: 'ring',
        gens: ['agent.json', 'agent.1.json'],
        current: 'agent.json',
        strays: ['.agent.json.Kx3a9Q', 'agent.json.ab12cd34.tmp', 'agent.json.tmp'],
      },
    ],
    ignored: ['.agent.json.swp'],
  },
  {
    title: "seed 003: Python's NamedTemporaryFile in a directory with one family",
    entries: () => [f('checkpoint.json'), f('checkpoint.1.json'), f('tmpk3j4l5m6.tmp')],
    families: [{ name: 'checkpoint.json', kind: 'ring', gens: ['checkpoint.json', 'checkpoint.1.json'], current: 'checkpoint.json', strays: ['tmpk3j4l5m6.tmp'] }],
  },
  {
    title: 'an anonymous temp file with several families is a family of its own',
    entries: () => [f('a.json'), f('b.pkl'), f('tmpk3j4l5m6.tmp')],
    families: [
      { name: 'a.json', kind: 'single', gens: ['a.json'], current: 'a.json' },
      { name: 'b.pkl', kind: 'single', gens: ['b.pkl'], current: 'b.pkl' },
      { name: 'tmpk3j4l5m6.tmp', kind: 'single', gens: [], current: null, strays: ['tmpk3j4l5m6.tmp'] },
    ],
  },
  {
    title: 'a temp file whose target is gone is a family named after the target',
    entries: () => [f('agent.json.tmp'), f('notes.txt.tmp')],
    families: [{ name: 'agent.json', kind: 'single', gens: [], current: null, strays: ['agent.json.tmp'] }],
    ignored: ['notes.txt.tmp'],
  },
  {
    title: 'step directories are generations; their children are members',
    entries: () => [
      d('step-100', [f('model.pkl'), f('optimizer.pt'), f('notes.txt')]),
      d('step-120', [f('model.pkl'), f('optimizer.pt')]),
      d('step-20', [f('model.pkl')]),
      d('logs', [f('train.log')]),
    ],
    families: [{ name: 'step-*/', kind: 'step-dirs', gens: ['step-120/model.pkl', 'step-100/model.pkl', 'step-20/model.pkl'], current: 'step-120/model.pkl' }],
    consumed: ['step-100', 'step-120', 'step-20'],
    ignored: ['step-100/notes.txt'],
  },
  {
    title: 'an empty step directory beside full ones is an interrupted save',
    entries: () => [d('step-100', [f('model.pkl')]), d('step-200', [f('model.pkl.tmp')])],
    families: [{ name: 'step-*/', kind: 'step-dirs', gens: ['step-200', 'step-100/model.pkl'], current: 'step-200', strays: ['step-200/model.pkl.tmp'] }],
    consumed: ['step-100', 'step-200'],
  },
  {
    title: 'run folders that each hold a whole ring are not generations',
    entries: () => [d('run-1', [f('agent.json'), f('agent.1.json')]), d('run-2', [f('agent.json'), f('agent.1.json')])],
    families: [],
    consumed: [],
  },
  {
    title: 'hidden directories and the app folder are ignored',
    entries: () => [d('.ckpt-doctor', [f('audit.jsonl')]), d('.git', []), f('state.json')],
    families: [{ name: 'state.json', kind: 'single', gens: ['state.json'], current: 'state.json' }],
    ignored: ['.ckpt-doctor', '.git'],
  },
  {
    title: 'a JSON and its gzip copy with the same name are two generations of one family',
    entries: () => [f('agent.json', 5000), f('agent.json.gz', 1000), f('agent.1.json', 500)],
    families: [{ name: 'agent.json', kind: 'ring', gens: ['agent.json', 'agent.json.gz', 'agent.1.json'], current: 'agent.json' }],
  },
  {
    title: 'two unrelated singles and a version series',
    entries: () => [f('model_v2.json'), f('model_v3.json'), f('config.json')],
    families: [
      { name: 'config.json', kind: 'single', gens: ['config.json'], current: 'config.json' },
      { name: 'model_v*.json', kind: 'numbered', gens: ['model_v3.json', 'model_v2.json'], current: 'model_v3.json' },
    ],
  },
  {
    title: 'an empty directory listing gives nothing',
    entries: () => [],
    families: [],
  },
];

describe('discoverFamilies', () => {
  it.each(cases)('$title', (c) => {
    const result = discoverFamilies(c.entries());
    expect(shape(result)).toEqual(c.families);
    if (c.ignored) expect(result.ignored).toEqual(c.ignored);
    if (c.consumed) expect(result.consumedDirs).toEqual(c.consumed);
  });

  it('numbers generations by naming order, 0 = newest', () => {
    const result = discoverFamilies([f('ckpt_3.json'), f('ckpt_1.json'), f('ckpt_2.json')]);
    expect(result.families[0].generations.map((g) => [g.label, g.order, g.current])).toEqual([
      ['ckpt_3.json', 0, true],
      ['ckpt_2.json', 1, false],
      ['ckpt_1.json', 2, false],
    ]);
  });

  it('gives triple members their roles and keeps sizes and mtimes', () => {
    const pkl = f('run.pkl', 111, 10);
    const result = discoverFamilies([pkl, f('run.state.json', 222, 20), f('run.meta.json', 333, 30)]);
    expect(result.families[0].generations[0].members).toEqual([
      { path: 'run.pkl', role: 'pickle', size: 10, mtimeMs: 111 },
      { path: 'run.state.json', role: 'state', size: 20, mtimeMs: 222 },
      { path: 'run.meta.json', role: 'meta', size: 30, mtimeMs: 333 },
    ]);
  });

  it('gives attachments of a JSON generation their roles', () => {
    const result = discoverFamilies([f('work.json'), f('work.json.types.json'), f('work.pkl')]);
    expect(result.families).toHaveLength(1);
    expect(result.families[0].generations[0].members.map((m) => [m.path, m.role])).toEqual([
      ['work.json', 'main'],
      ['work.json.types.json', 'types'],
      ['work.pkl', 'pickle'],
    ]);
  });

  it('chooses the most checkpoint-like child of a step directory as main', () => {
    const result = discoverFamilies([
      d('checkpoint-500', [f('config.json'), f('optimizer.pt'), f('rng_state.pth'), f('trainer_state.json'), f('model.safetensors')]),
    ]);
    const gen = result.families[0].generations[0];
    expect(gen.mainPath).toBe('checkpoint-500/trainer_state.json');
    expect(gen.members.find((m) => m.path === 'checkpoint-500/trainer_state.json')?.role).toBe('main');
    expect(gen.members.filter((m) => m.role === 'main')).toHaveLength(1);
    expect(gen.members).toHaveLength(5);
  });

  it('gives family names that are unique in the directory', () => {
    const result = discoverFamilies([f('agent.json.tmp'), f('tmpabcdefgh.tmp'), f('x.json'), f('y.json')]);
    const names = result.families.map((fam) => fam.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('answers the same for sub-folders holding families of their own when handed them again, and sees them change', () => {
    const run1 = [f('ckpt_000.json'), f('ckpt_001.json'), f('ckpt_002.json')];
    const run2 = [f('ckpt_000.json'), f('ckpt_001.json')];
    const notes = f('notes.json');
    const entries = [d('run_001', run1, 1), d('run_002', run2, 2), notes];
    const first = discoverFamilies(entries);
    expect(first.consumedDirs).toEqual([]);
    // The same children arrays again (a listing whose folders did not change): the same answer,
    // and the same as for equal children in new arrays.
    expect(discoverFamilies(entries)).toEqual(first);
    expect(discoverFamilies([d('run_001', [...run1], 1), d('run_002', [...run2], 2), notes])).toEqual(first);
    // run_001 now holds one checkpoint: it is a generation of the parent, whatever was seen before.
    const changed = discoverFamilies([d('run_001', [f('model.pkl')]), d('run_002', run2)]);
    expect(changed.consumedDirs).toEqual(['run_001']);
    expect(shape(changed).flatMap((fam) => fam.gens)).toContain('run_001/model.pkl');
  });
});

/**
 * Bug (a): two jobs' series in one folder must not merge. Only the generation counter (the last
 * counter that varies, plus counters named as training progress: epoch, step, iter, …) is
 * abstracted; any other digit that varies (`run1`/`run2`, `seed3`/`seed4`) names a different family.
 */
const seriesIdentityCases: Case[] = [
  {
    title: 'run1_step_* and run2_step_* are two families',
    entries: () => [
      ...[1, 2, 3, 4, 5].map((i) => f(`run1_step_000${i}.json`)),
      ...[1, 2, 3].map((i) => f(`run2_step_000${i}.json`)),
    ],
    families: [
      {
        name: 'run1_step_*.json',
        kind: 'numbered',
        gens: [5, 4, 3, 2, 1].map((i) => `run1_step_000${i}.json`),
        current: 'run1_step_0005.json',
      },
      { name: 'run2_step_*.json', kind: 'numbered', gens: [3, 2, 1].map((i) => `run2_step_000${i}.json`), current: 'run2_step_0003.json' },
    ],
  },
  {
    title: 'a constant digit stays in the family name',
    entries: () => [f('run1_step_0001.json'), f('run1_step_0002.json')],
    families: [{ name: 'run1_step_*.json', kind: 'numbered', gens: ['run1_step_0002.json', 'run1_step_0001.json'], current: 'run1_step_0002.json' }],
  },
  {
    title: 'seeds of one experiment are separate families even when their steps do not overlap',
    entries: () => [f('seed3-ckpt-10.pt'), f('seed3-ckpt-20.pt'), f('seed4-ckpt-30.pt')],
    families: [
      { name: 'seed3-ckpt-*.pt', kind: 'numbered', gens: ['seed3-ckpt-20.pt', 'seed3-ckpt-10.pt'], current: 'seed3-ckpt-20.pt' },
      { name: 'seed4-ckpt-30.pt', kind: 'single', gens: ['seed4-ckpt-30.pt'], current: 'seed4-ckpt-30.pt' },
    ],
  },
  {
    title: 'epoch and step both vary: one family ordered by (epoch, step)',
    entries: () => [f('model-epoch3-step120.pt'), f('model-epoch4-step160.pt'), f('model-epoch4-step200.pt')],
    families: [
      {
        name: 'model-epoch*-step*.pt',
        kind: 'numbered',
        gens: ['model-epoch4-step200.pt', 'model-epoch4-step160.pt', 'model-epoch3-step120.pt'],
        current: 'model-epoch4-step200.pt',
      },
    ],
  },
  {
    title: 'epoch counters stay abstracted while the epoch is constant',
    entries: () => [f('model-epoch3-step120.pt'), f('model-epoch3-step160.pt')],
    families: [
      { name: 'model-epoch*-step*.pt', kind: 'numbered', gens: ['model-epoch3-step160.pt', 'model-epoch3-step120.pt'], current: 'model-epoch3-step160.pt' },
    ],
  },
  {
    title: 'two runs of timestamped snapshots are two families',
    entries: () => [f('run1_2026-05-25T09:00:00.json'), f('run1_2026-05-25T10:00:00.json'), f('run2_2026-05-25T09:30:00.json'), f('run2_2026-05-25T11:00:00.json')],
    families: [
      { name: 'run1_*.json', kind: 'timestamped', gens: ['run1_2026-05-25T10:00:00.json', 'run1_2026-05-25T09:00:00.json'], current: 'run1_2026-05-25T10:00:00.json' },
      { name: 'run2_*.json', kind: 'timestamped', gens: ['run2_2026-05-25T11:00:00.json', 'run2_2026-05-25T09:30:00.json'], current: 'run2_2026-05-25T11:00:00.json' },
    ],
  },
  {
    title: 'ring buffers of two runs are two families',
    entries: () => [f('run1.1.json'), f('run1.json'), f('run2.1.json'), f('run2.json')],
    families: [
      { name: 'run1.json', kind: 'ring', gens: ['run1.json', 'run1.1.json'], current: 'run1.json' },
      { name: 'run2.json', kind: 'ring', gens: ['run2.json', 'run2.1.json'], current: 'run2.json' },
    ],
  },
  {
    title: 'step directories of two runs are two families',
    entries: () => [
      d('run1-step-100', [f('model.pkl')]),
      d('run1-step-200', [f('model.pkl')]),
      d('run2-step-100', [f('model.pkl')]),
      d('run2-step-300', [f('model.pkl')]),
    ],
    families: [
      { name: 'run1-step-*/', kind: 'step-dirs', gens: ['run1-step-200/model.pkl', 'run1-step-100/model.pkl'], current: 'run1-step-200/model.pkl' },
      { name: 'run2-step-*/', kind: 'step-dirs', gens: ['run2-step-300/model.pkl', 'run2-step-100/model.pkl'], current: 'run2-step-300/model.pkl' },
    ],
  },
];

/**
 * Bug (b): a directory is a generation only when its name is one of a series of siblings that
 * differ only in a counter, or a known checkpoint-directory name; any other folder with a digit in
 * its name is an ordinary folder the engine descends into.
 */
const dirCases: Case[] = [
  {
    title: 'a lone folder with a digit in its name is not a generation',
    entries: () => [d('protocol0_pkl', [f('agent.pkl')])],
    families: [],
    consumed: [],
  },
  {
    title: 'a lone dated folder is not a generation',
    entries: () => [d('data2024', [f('train.json')]), f('notes.json')],
    families: [{ name: 'notes.json', kind: 'single', gens: ['notes.json'], current: 'notes.json' }],
    consumed: [],
  },
  ...['step-120', 'checkpoint-500', 'global_step1000', 'epoch_3', 'ckpt-7'].map(
    (name): Case => ({
      title: `a lone ${name}/ is a generation`,
      entries: () => [d(name, [f('model.pkl')])],
      families: [{ name: `${name.replace(/\d+/, '*')}/`, kind: 'step-dirs', gens: [`${name}/model.pkl`], current: `${name}/model.pkl` }],
      consumed: [name],
    }),
  ),
  {
    title: 'sibling folders differing only in a counter are generations',
    entries: () => [d('export1', [f('model.pkl')]), d('export2', [f('model.pkl')])],
    families: [{ name: 'export*/', kind: 'step-dirs', gens: ['export2/model.pkl', 'export1/model.pkl'], current: 'export2/model.pkl' }],
    consumed: ['export1', 'export2'],
  },
];

describe('discoverFamilies: family identity', () => {
  it.each([...seriesIdentityCases, ...dirCases])('$title', (c) => {
    const result = discoverFamilies(c.entries());
    expect(shape(result)).toEqual(c.families);
    if (c.ignored) expect(result.ignored).toEqual(c.ignored);
    if (c.consumed) expect(result.consumedDirs).toEqual(c.consumed);
  });
});
