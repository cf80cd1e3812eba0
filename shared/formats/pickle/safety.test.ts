import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../model/finding';
import { decodePickle } from './decode-pickle';
import { findEmbeddedPickles } from './embedded-pickles';
import { decodePickleFile } from './pickle-reader';
import { classifyGlobal, pickleSafetyFindings } from './safety';

let dir = '';
let sentinel = '';

function python(script: string, cwd = dir): Buffer {
  return execFileSync('python3', ['-c', script], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

// Python helpers shared by the malicious fixtures: Call(f, *args) pickles as REDUCE(f, args),
// so chains of calls (getattr of __import__ …) are written by Python's own pickler.
const HELPERS = `
import pickle, sys, os, subprocess, builtins, base64, json
class Call:
    def __init__(self, f, *args):
        self.f, self.args = f, args
    def __call__(self, *a):
        pass
    def __reduce__(self):
        return (self.f, self.args)
def emit(obj, proto=4):
    sys.stdout.buffer.write(pickle.dumps(obj, protocol=proto))
`;

function findingsOf(bytes: Buffer, file = 'evil.pkl'): Finding[] {
  const r = decodePickleFile(new Uint8Array(bytes), file);
  return [...r.findings];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pickle-safety-'));
  sentinel = join(dir, 'SENTINEL');
  mkdirSync(join(dir, 'episodes'));
  writeFileSync(join(dir, 'episodes', '__init__.py'), '');
  writeFileSync(
    join(dir, 'episodes', 'workflows.py'),
    `
class StepFailed(Exception):
    def __init__(self, episode_id, message):
        super().__init__(f"episode {episode_id}: {message}")
        self.episode_id = episode_id
class DownloadStepFailed(StepFailed):
    pass
class PortableStepFailed(StepFailed):
    def __reduce__(self):
        return (RuntimeError, (str(self),))
class Outer:
    class Inner:
        pass
`,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pickle safety: malicious pickles', () => {
  it('proves the os.system fixture is live, then flags it without running it', () => {
    const evil = python(`${HELPERS}
emit(Call(os.system, 'touch SENTINEL'))`);
    // The fixture really does run a command when Python loads it (in a scratch directory).
    const scratch = mkdtempSync(join(tmpdir(), 'pickle-live-'));
    try {
      execFileSync('python3', ['-c', 'import pickle,sys; pickle.loads(sys.stdin.buffer.read())'], { cwd: scratch, input: evil });
      expect(existsSync(join(scratch, 'SENTINEL'))).toBe(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const findings = findingsOf(evil);
    expect(existsSync(sentinel)).toBe(false);
    const unsafe = findings.filter((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe).toHaveLength(1);
    expect(unsafe[0].severity).toBe('error');
    expect(unsafe[0].message).toMatch(/^posix\.system would run a shell command when this file is loaded with pickle\.load/);
    expect(evil[unsafe[0].offset as number]).toBe(0x93); // the STACK_GLOBAL that names it
  });

  it('flags subprocess.Popen, eval and a getattr(__import__(…)) chain, each at its offset', () => {
    const cases: Record<string, { script: string; names: string[] }> = {
      popen: { script: `emit(Call(subprocess.Popen, ['touch', 'SENTINEL']), 2)`, names: ['subprocess.Popen'] },
      eval: { script: `emit(Call(eval, "__import__('os').system('touch SENTINEL')"), 0)`, names: ['builtins.eval'] },
      chain: {
        script: `emit(Call(Call(getattr, Call(__import__, 'os'), 'system'), 'touch SENTINEL'), 1)`,
        names: ['builtins.getattr', 'builtins.__import__'],
      },
      nested: {
        script: `
import collections, datetime
inner = Call(Call(getattr, Call(__import__, 'subprocess'), 'check_output'), ['touch', 'SENTINEL'])
emit({'meta': {'saved': datetime.datetime(2026, 5, 25)}, 'steps': collections.OrderedDict(s1=[1, 2, (3, inner)])}, 3)`,
        names: ['builtins.getattr', 'builtins.__import__'],
      },
    };
    for (const [name, { script, names }] of Object.entries(cases)) {
      const bytes = python(`${HELPERS}\n${script}`);
      const unsafe = findingsOf(bytes, `${name}.pkl`).filter((f) => f.code === 'pickle.unsafe_global');
      for (const q of names) {
        const f = unsafe.find((u) => u.message.startsWith(`${q} would`));
        expect(f, `${name}: ${q}`).toBeDefined();
        expect(f?.offset, name).toBeTypeOf('number');
      }
      expect(existsSync(sentinel)).toBe(false);
    }
  });

  it('flags an unsafe function that is only named, never called, as fickling does', () => {
    const bytes = python(`${HELPERS}\nemit({'callback': os.system, 'ok': 1})`);
    const unsafe = findingsOf(bytes).filter((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe).toHaveLength(1);
    expect(unsafe[0].message).toMatch(/^The pickle names posix\.system at byte \d+ without calling it/);
  });

  it('flags BUILD that sets attributes on a class itself (monkey-patching on load)', () => {
    const bytes = python(`
import pickle, sys
P = pickle
sys.stdout.buffer.write(P.PROTO + b'\\x02' + P.GLOBAL + b'collections\\nOrderedDict\\n' + P.NONE
  + P.EMPTY_DICT + P.SHORT_BINUNICODE + b'\\x0a__reduce__' + P.NONE + P.SETITEM + P.TUPLE2 + P.BUILD + P.STOP)
`);
    const findings = findingsOf(bytes, 'patch.pkl');
    const unsafe = findings.filter((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe).toHaveLength(1);
    expect(unsafe[0].message).toMatch(/sets attributes on collections\.OrderedDict itself/);
  });

  it('flags an unsafe pickle hidden in a base64 string of a decoded pickle value', () => {
    const bytes = python(`${HELPERS}
hidden = base64.b64encode(pickle.dumps(Call(os.system, 'touch SENTINEL'))).decode()
emit({'outputs': [hidden]})`);
    const r = decodePickleFile(new Uint8Array(bytes), 'outer.pkl');
    // The outer pickle is harmless by itself; the embedded one is judged where it sits.
    expect(r.findings.filter((f) => f.code === 'pickle.unsafe_global')).toEqual([]);
    if (r.kind !== 'ok') throw new Error('expected ok');
    const inner = findEmbeddedPickles(r.value, 'outer.pkl').flatMap((e) => e.findings);
    expect(inner.map((f) => [f.code, f.pointer])).toEqual([['pickle.unsafe_global', '/outputs/0']]);
    expect(existsSync(sentinel)).toBe(false);
  });
});

describe('pickle safety: benign pickles', () => {
  it('does not flag the getattr Python itself writes for classmethods and nested classes', () => {
    for (const proto of [1, 2, 3, 4, 5]) {
      const bytes = python(`
import pickle, sys, datetime, zoneinfo
sys.path.insert(0, '.')
from episodes.workflows import Outer
Z = zoneinfo.ZoneInfo('Europe/Paris')
sys.stdout.buffer.write(pickle.dumps([datetime.datetime(2026, 5, 25, tzinfo=Z), datetime.datetime(2026, 6, 1, tzinfo=Z), Outer.Inner()], protocol=${proto}))
`);
      const r = decodePickle(new Uint8Array(bytes), 'zone.pkl');
      const findings = pickleSafetyFindings(r.globals, 'zone.pkl');
      expect(findings.filter((f) => f.code === 'pickle.unsafe_global'), `protocol ${proto}`).toEqual([]);
      const nonportable = findings.filter((f) => f.code === 'pickle.nonportable_class').map((f) => f.message);
      expect(nonportable.some((m) => m.includes('needs episodes.workflows.Outer.Inner ')), `protocol ${proto}`).toBe(true);
    }
  });

  it('still flags getattr when it is returned as a value instead of being used for a lookup', () => {
    const bytes = python(`
import pickle, sys
P = pickle
# getattr(zoneinfo.ZoneInfo, '_unpickle') resolved statically, but getattr itself also stored in the list.
sys.stdout.buffer.write(P.PROTO + b'\\x02' + P.EMPTY_LIST + P.GLOBAL + b'builtins\\ngetattr\\n' + P.BINPUT + b'\\x00'
  + P.GLOBAL + b'zoneinfo\\nZoneInfo\\n' + P.SHORT_BINUNICODE + b'\\x09_unpickle' + P.TUPLE2 + P.REDUCE
  + P.APPEND + P.BINGET + b'\\x00' + P.APPEND + P.STOP)
`);
    const r = decodePickle(new Uint8Array(bytes), 'leak.pkl');
    expect(r.kind).toBe('ok');
    const unsafe = pickleSafetyFindings(r.globals, 'leak.pkl').filter((f) => f.code === 'pickle.unsafe_global');
    expect(unsafe.map((f) => f.message.slice(0, 40))).toEqual([expect.stringContaining('builtins.getattr')]);
  });

  it('names a class only the writing process can import once, with a count (seed 004)', () => {
    const bytes = python(`
import pickle, sys
sys.path.insert(0, '.')
from episodes.workflows import DownloadStepFailed
errors = [DownloadStepFailed(7, 'download timed out'), DownloadStepFailed(8, 'HTTP 503'), DownloadStepFailed(9, 'disk full')]
sys.stdout.buffer.write(pickle.dumps(errors, protocol=4))
`);
    const findings = findingsOf(bytes, 'steps.pkl');
    const nonportable = findings.filter((f) => f.code === 'pickle.nonportable_class');
    expect(nonportable).toHaveLength(1);
    expect(nonportable[0].severity).toBe('warning');
    expect(nonportable[0].message).toContain('episodes.workflows.DownloadStepFailed');
    expect(nonportable[0].message).toContain('module episodes.workflows');
    expect(nonportable[0].message).toContain('used 3 times');
    expect(nonportable[0].message).toMatch(/ModuleNotFoundError/);
    // Python agrees: a process without the package cannot load it.
    const outcome = execFileSync('python3', ['-c', 'import pickle,sys\ntry:\n    pickle.loads(sys.stdin.buffer.read()); print("loaded")\nexcept ModuleNotFoundError as e:\n    print(e.name)'], { input: bytes, cwd: tmpdir() });
    expect(outcome.toString().trim()).toBe('episodes');
  });

  it('has nothing to say once the exception reduces to a stdlib RuntimeError (the seed 004 fix)', () => {
    const bytes = python(`
import pickle, sys
sys.path.insert(0, '.')
from episodes.workflows import PortableStepFailed
sys.stdout.buffer.write(pickle.dumps(PortableStepFailed(7, 'download timed out'), protocol=4))
`);
    const r = decodePickleFile(new Uint8Array(bytes), 'portable.pkl');
    expect(r.findings).toEqual([]);
    if (r.kind !== 'ok' || r.value.kind !== 'object') throw new Error('expected an object');
    expect(r.value.cls).toBe('builtins.RuntimeError');
    expect(r.value.args).toEqual([{ kind: 'str', value: 'episode 7: download timed out' }]);
  });

  it('explains a class defined in the writing script (__main__)', () => {
    const bytes = python(`
import pickle, sys
class Checkpoint:
    pass
sys.stdout.buffer.write(pickle.dumps(Checkpoint(), protocol=2))
`);
    const f = findingsOf(bytes, 'main.pkl').find((x) => x.code === 'pickle.nonportable_class');
    expect(f?.message).toMatch(/__main__\.Checkpoint, a class or function defined in the script that wrote the file/);
  });
});

describe('portability notes', () => {
  it('notes a path written by Python 3.13 (pathlib._local) and a WindowsPath', () => {
    const globals = [
      { module: 'pathlib._local', name: 'PosixPath', offset: 5, called: true, calls: 2 },
      { module: 'pathlib', name: 'WindowsPath', offset: 40, called: true },
    ];
    const findings = pickleSafetyFindings(globals, 'paths.pkl');
    expect(findings.map((f) => [f.code, f.severity, f.offset])).toEqual([
      ['pickle.nonportable_class', 'info', 5],
      ['pickle.nonportable_class', 'info', 40],
    ]);
    expect(findings[0].message).toMatch(/Python 3\.12 and older cannot import/);
    expect(findings[1].message).toMatch(/only be unpickled on Windows/);
  });
});

describe('classifyGlobal', () => {
  it('separates code execution, the standard library and third-party modules', () => {
    expect(classifyGlobal('os', 'system')).toEqual({ kind: 'unsafe', effect: 'run a shell command' });
    expect(classifyGlobal('__builtin__', 'eval').kind).toBe('unsafe');
    expect(classifyGlobal('builtins', 'set')).toEqual({ kind: 'stdlib' });
    expect(classifyGlobal('collections', 'OrderedDict')).toEqual({ kind: 'stdlib' });
    expect(classifyGlobal('logging.config', 'listen').kind).toBe('unsafe');
    expect(classifyGlobal('pathlib', 'Path.write_text').kind).toBe('unsafe');
    expect(classifyGlobal('pathlib', 'PosixPath')).toEqual({ kind: 'stdlib' });
    expect(classifyGlobal('builtins', 'object.__subclasses__').kind).toBe('unsafe');
    expect(classifyGlobal('numpy.testing._private.utils', 'runstring').kind).toBe('unsafe');
    expect(classifyGlobal('torch._utils', '_rebuild_tensor_v2')).toEqual({ kind: 'nonportable' });
    expect(classifyGlobal('episodes.workflows', 'DownloadStepFailed')).toEqual({ kind: 'nonportable' });
  });

  it('knows every top-level name of the Python 3.11 standard library as portable', () => {
    const names = JSON.parse(python('import sys, json; print(json.dumps(sorted(sys.stdlib_module_names)))', tmpdir()).toString()) as string[];
    expect(names.length).toBeGreaterThan(200);
    for (const m of names) {
      const v = classifyGlobal(m, 'SomeClass');
      expect(v.kind === 'stdlib' || v.kind === 'unsafe', m).toBe(true);
    }
    expect(classifyGlobal('requests_toolbelt', 'SomeClass')).toEqual({ kind: 'nonportable' });
  });
});
