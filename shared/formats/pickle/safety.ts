/**
 * What loading a pickle would do, judged from the globals it names (the decoder never runs them):
 * `pickle.unsafe_global` for names that can execute code, start programs, touch files or the
 * network (as fickling flags them — even when a name is only pushed and never called), and
 * `pickle.nonportable_class` for classes outside the Python standard library, which make the file
 * unloadable in any process that lacks their package (seed 004's `episodes.workflows`).
 */
import type { Finding } from '../../model/finding';
import type { PickleGlobal } from './decode-pickle';
import { PY2_IMPORT_MAPPING } from './py2-compat-names';
import { STDLIB_MODULE_NAMES } from './stdlib-module-names';

/** How a global is judged. `effect` completes "calling it would …". */
export type GlobalVerdict =
  | { readonly kind: 'unsafe'; readonly effect: string }
  | { readonly kind: 'stdlib' }
  | { readonly kind: 'nonportable' };

interface UnsafeRule {
  /** A module, matching itself and its submodules (`os` matches `os.path`). */
  readonly module: string;
  /** Effects of particular names (first component of the qualified name). */
  readonly names?: Readonly<Record<string, string>>;
  /** Effect of every other name in the module; absent when only `names` are unsafe. */
  readonly effect?: string;
  /** When set, only names with a dot (methods reached through a class) are unsafe, with this effect. */
  readonly methods?: string;
  /** When set, only names starting with `_` (private helpers) are unsafe, with this effect. */
  readonly privateNames?: string;
}

const RUN_CODE = 'run Python code taken from the file';
const OPEN_FILE = 'open a file by a path the pickle chooses, creating or truncating it when asked to write';
const NETWORK = 'make network connections, sending local data out or fetching files';
const UNPICKLE_MORE = 'unpickle more data, which can run anything';
const FILES = 'create, change or delete files';

const OS_NAMES: Readonly<Record<string, string>> = {
  system: 'run a shell command',
  popen: 'run a shell command and read its output',
  execl: 'replace the loading program with another program', execle: 'replace the loading program with another program',
  execlp: 'replace the loading program with another program', execlpe: 'replace the loading program with another program',
  execv: 'replace the loading program with another program', execve: 'replace the loading program with another program',
  execvp: 'replace the loading program with another program', execvpe: 'replace the loading program with another program',
  spawnl: 'start another program', spawnle: 'start another program', spawnlp: 'start another program',
  spawnlpe: 'start another program', spawnv: 'start another program', spawnve: 'start another program',
  spawnvp: 'start another program', spawnvpe: 'start another program', posix_spawn: 'start another program',
  posix_spawnp: 'start another program', startfile: 'open a file with its associated program',
  fork: 'fork the loading process', forkpty: 'fork the loading process',
  kill: 'send a signal to a process', killpg: 'send a signal to a process group',
  remove: 'delete a file', unlink: 'delete a file', rmdir: 'delete a directory', removedirs: 'delete directories',
  rename: 'move a file', renames: 'move a file', replace: 'move a file over another',
  chmod: 'change file permissions', chown: 'change file ownership', truncate: 'truncate a file',
  open: OPEN_FILE, write: 'write to an open file descriptor', putenv: 'change the environment',
  unsetenv: 'change the environment', _exit: 'end the loading program', abort: 'end the loading program',
};

// The first rule that matches the module and says something about the name decides.
const RULES: readonly UnsafeRule[] = [
  {
    module: 'builtins',
    names: {
      eval: 'evaluate a Python expression taken from the file (arbitrary code)',
      exec: RUN_CODE,
      compile: 'compile Python code taken from the file so that it can be run',
      open: OPEN_FILE,
      __import__: 'import any module the file names — the usual first step towards os.system',
      getattr: 'fetch any attribute of any object, the usual way from a harmless object to a dangerous function',
      setattr: 'change an attribute of a class or module, altering how the loading program behaves',
      delattr: 'delete an attribute of a class or module, altering how the loading program behaves',
      globals: "hand the loading program's global variables to the rest of the pickle",
      locals: "hand the loading program's local variables to the rest of the pickle",
      vars: "hand an object's or the program's variables to the rest of the pickle",
      input: 'stop and wait for keyboard input, hanging the loading program',
      breakpoint: 'stop the loading program in the debugger',
      help: 'start the interactive help system and its pager',
      exit: 'end the loading program',
      quit: 'end the loading program',
    },
  },
  { module: '__builtins__', names: { eval: 'evaluate a Python expression taken from the file (arbitrary code)', exec: RUN_CODE, __import__: 'import any module the file names' } },
  { module: 'os', names: OS_NAMES, effect: 'run shell commands, start programs, or change and delete files' },
  { module: 'posix', names: OS_NAMES, effect: 'run shell commands, start programs, or change and delete files' },
  { module: 'nt', names: OS_NAMES, effect: 'run shell commands, start programs, or change and delete files' },
  { module: '_posixsubprocess', effect: 'start another program' },
  { module: '_winapi', effect: 'start programs and open handles through the Windows API' },
  {
    module: 'subprocess',
    names: {
      Popen: 'start another program (or a shell command)', run: 'run a command', call: 'run a command',
      check_call: 'run a command', check_output: 'run a command and read its output',
      getoutput: 'run a shell command and read its output', getstatusoutput: 'run a shell command and read its output',
    },
    effect: 'run commands',
  },
  { module: 'commands', effect: 'run a shell command' },
  { module: 'popen2', effect: 'run a shell command' },
  { module: 'sys', names: { exit: 'end the loading program', settrace: 'install a hook that runs on every line', setprofile: 'install a hook that runs on every call', addaudithook: 'install an audit hook' }, effect: "change the running interpreter (loaded modules, import paths, hooks)" },
  { module: 'socket', effect: NETWORK },
  { module: '_socket', effect: NETWORK },
  { module: 'shutil', names: { rmtree: 'delete a whole directory tree', move: 'move files or directories', copy: 'copy files', copyfile: 'copy files', copytree: 'copy a whole directory tree' }, effect: 'copy, move or delete files and directory trees' },
  { module: 'importlib', effect: 'import any module, running its code' },
  { module: 'imp', effect: 'import any module, running its code' },
  { module: 'pkgutil', effect: 'import any module, running its code' },
  { module: 'zipimport', effect: 'import code from an archive' },
  { module: 'pickle', effect: UNPICKLE_MORE },
  { module: '_pickle', effect: UNPICKLE_MORE },
  { module: 'cPickle', effect: UNPICKLE_MORE },
  { module: 'shelve', effect: `open a shelf file and ${UNPICKLE_MORE}` },
  { module: 'marshal', effect: 'load compiled Python code from bytes' },
  { module: 'runpy', effect: 'run a Python module or script' },
  { module: 'code', effect: RUN_CODE },
  { module: 'codeop', effect: 'compile Python code taken from the file' },
  { module: 'pty', effect: 'start a shell on a pseudo-terminal' },
  { module: 'webbrowser', effect: 'open a web page in a browser' },
  { module: 'antigravity', effect: 'open a web page in a browser' },
  { module: 'ctypes', effect: 'load native libraries, call native functions and write raw memory' },
  { module: '_ctypes', effect: 'load native libraries, call native functions and write raw memory' },
  { module: 'multiprocessing', effect: 'start processes and run functions in them' },
  { module: 'asyncio', effect: 'start subprocesses or open network connections from the event loop' },
  { module: 'pydoc', effect: 'start the help pager or a documentation web server' },
  { module: 'signal', effect: 'send signals or replace signal handlers of the loading program' },
  { module: 'atexit', effect: 'register a call to run when the loading program exits' },
  { module: 'gc', names: { get_objects: 'reach every object of the loading program', get_referrers: 'reach objects of the loading program', get_referents: 'reach objects of the loading program' } },
  { module: 'types', names: { CodeType: 'build a code object from bytes in the file, which can then run', FunctionType: 'build a function from a code object, which can then run', LambdaType: 'build a function from a code object, which can then run', MethodType: 'bind a function as a method', new_class: 'create a class, running a callback' } },
  { module: 'operator', names: { attrgetter: 'fetch attributes of objects, a known way from harmless objects to dangerous functions', methodcaller: 'call any method of an object', itemgetter: 'fetch items of objects, a step in known pickle exploits', getitem: 'fetch items of objects, a step in known pickle exploits' } },
  { module: '_operator', names: { attrgetter: 'fetch attributes of objects, a known way from harmless objects to dangerous functions', methodcaller: 'call any method of an object', itemgetter: 'fetch items of objects, a step in known pickle exploits', getitem: 'fetch items of objects, a step in known pickle exploits' } },
  { module: 'io', names: { open: OPEN_FILE, open_code: OPEN_FILE, FileIO: OPEN_FILE } },
  { module: '_io', names: { open: OPEN_FILE, open_code: OPEN_FILE, FileIO: OPEN_FILE } },
  { module: '_pyio', names: { open: OPEN_FILE, open_code: OPEN_FILE, FileIO: OPEN_FILE } },
  { module: 'codecs', names: { open: OPEN_FILE } },
  { module: 'fileinput', effect: 'open files and read them' },
  { module: 'tempfile', effect: FILES },
  { module: 'pathlib', methods: `${FILES} through a Path method` },
  { module: 'tarfile', effect: 'open archives and extract files anywhere on disk' },
  { module: 'zipfile', effect: 'open archives and extract files anywhere on disk' },
  { module: 'dbm', effect: 'open or create database files' },
  { module: 'sqlite3', effect: 'open or create database files and run SQL' },
  { module: 'logging', names: { FileHandler: 'create or append to a log file' } },
  { module: 'logging.config', effect: 'listen on a socket for logging configuration, which can run code' },
  { module: 'logging.handlers', effect: 'write log files or send logs over the network' },
  { module: 'platform', effect: 'run external commands to inspect the system' },
  { module: 'uuid', privateNames: 'run external commands to find a hardware address' },
  { module: 'urllib', effect: NETWORK },
  { module: 'urllib2', effect: NETWORK },
  { module: 'http.client', effect: NETWORK },
  { module: 'http.server', effect: 'start a web server' },
  { module: 'httplib', effect: NETWORK },
  { module: 'ftplib', effect: NETWORK },
  { module: 'smtplib', effect: 'send email' },
  { module: 'telnetlib', effect: NETWORK },
  { module: 'poplib', effect: NETWORK },
  { module: 'imaplib', effect: NETWORK },
  { module: 'nntplib', effect: NETWORK },
  { module: 'xmlrpc', effect: NETWORK },
  { module: 'socketserver', effect: 'start a network server' },
  { module: 'ssl', effect: NETWORK },
  { module: 'distutils', effect: 'build, install or run packages' },
  { module: 'setuptools', effect: 'build, install or run packages' },
  { module: 'pip', effect: 'install packages, running their setup code' },
  { module: 'ensurepip', effect: 'install packages' },
  { module: 'venv', effect: 'create environments and install packages' },
  { module: 'cProfile', effect: 'run code given as text' },
  { module: 'profile', effect: 'run code given as text' },
  { module: 'trace', effect: 'run code given as text' },
  { module: 'timeit', effect: 'run code given as text' },
  { module: 'pdb', effect: 'run code in the debugger' },
  { module: 'bdb', effect: 'run code in the debugger' },
  { module: 'doctest', effect: 'run code found in text' },
  { module: 'idlelib', effect: 'run code in the IDLE shell' },
  // Third-party names fickling and others flag.
  { module: 'numpy.f2py', effect: 'compile and import Fortran or C code' },
  { module: 'numpy.distutils', effect: 'compile native code' },
  { module: 'numpy.ctypeslib', effect: 'load native libraries' },
  { module: 'numpy.testing', effect: 'run code given as text (numpy.testing…runstring)' },
  { module: 'numpy', names: { load: `load another file, and with allow_pickle ${UNPICKLE_MORE}`, fromfile: 'read another file' } },
  { module: 'torch.hub', effect: 'download code from the internet and run it' },
  { module: 'torch.jit', effect: 'load and run compiled TorchScript code' },
  { module: 'torch.package', effect: 'import code packaged in a file' },
  { module: 'torch.serialization', names: { load: UNPICKLE_MORE } },
  { module: 'torch.storage', names: { _load_from_bytes: `call torch.load on bytes from the file and ${UNPICKLE_MORE}` } },
  { module: 'torch.utils.cpp_extension', effect: 'compile and load native code' },
  { module: 'torch', names: { load: UNPICKLE_MORE } },
  { module: 'dill', effect: 'rebuild functions and code objects from the file, which can then run' },
  { module: 'cloudpickle', effect: 'rebuild functions and code objects from the file, which can then run' },
  { module: 'joblib', names: { load: UNPICKLE_MORE } },
  { module: 'pandas', names: { read_pickle: UNPICKLE_MORE } },
  { module: 'pandas.io.pickle', effect: UNPICKLE_MORE },
  { module: 'yaml', names: { load: 'build arbitrary Python objects from YAML', unsafe_load: 'build arbitrary Python objects from YAML', full_load: 'build Python objects from YAML', UnsafeLoader: 'build arbitrary Python objects from YAML' } },
  { module: 'requests', effect: NETWORK },
  { module: 'httpx', effect: NETWORK },
  { module: 'urllib3', effect: NETWORK },
  { module: 'aiohttp', effect: NETWORK },
  { module: 'paramiko', effect: 'run commands over SSH' },
  { module: 'fabric', effect: 'run commands locally or over SSH' },
  { module: 'invoke', effect: 'run shell commands' },
  { module: 'sh', effect: 'run shell commands' },
  { module: 'plumbum', effect: 'run shell commands' },
  { module: 'pexpect', effect: 'run and drive other programs' },
  { module: 'IPython', effect: 'run shell commands and code through IPython' },
];

// A name called `eval` or `exec` in any module is treated like the builtin, as fickling does.
const EVAL_NAMES = new Set(['eval', 'exec']);

function matchesModule(module: string, prefix: string): boolean {
  return module === prefix || module.startsWith(`${prefix}.`);
}

function canonicalModule(module: string): string {
  if (module === '__builtin__' || module === 'exceptions') return 'builtins';
  return PY2_IMPORT_MAPPING.get(module) ?? module;
}

/** Judge one global by its module and qualified name. */
export function classifyGlobal(rawModule: string, name: string): GlobalVerdict {
  const module = canonicalModule(rawModule);
  const first = name.split('.')[0];
  const last = name.split('.').pop() as string;
  for (const rule of RULES) {
    if (!matchesModule(module, rule.module)) continue;
    const specific = rule.names?.[first];
    if (specific) return { kind: 'unsafe', effect: specific };
    if (rule.methods && name.includes('.')) return { kind: 'unsafe', effect: rule.methods };
    if (rule.privateNames && first.startsWith('_')) return { kind: 'unsafe', effect: rule.privateNames };
    if (rule.effect) return { kind: 'unsafe', effect: rule.effect };
    // A rule for only some names of a package still lets a rule for one of its submodules decide.
  }
  if (EVAL_NAMES.has(last)) return { kind: 'unsafe', effect: RUN_CODE };
  // An attribute such as Class.__subclasses__ or function.__globals__ reaches interpreter internals.
  if (name.split('.').slice(1).some((part) => part.startsWith('__') && part.endsWith('__'))) {
    return { kind: 'unsafe', effect: 'reach interpreter internals (__subclasses__, __globals__, …), a known way around any allow-list' };
  }
  const top = module.split('.')[0];
  return STDLIB_MODULE_NAMES.has(top) ? { kind: 'stdlib' } : { kind: 'nonportable' };
}

/** Unsafe findings listed per name before the rest are summarised. */
const MAX_UNSAFE_PER_NAME = 20;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The safety and portability findings for the globals a decoded pickle reaches. `file` is the name
 * findings carry. Unsafe names get one error per occurrence (at its offset); non-standard classes
 * get one warning per class with a count.
 */
export function pickleSafetyFindings(globals: readonly PickleGlobal[], file: string): Finding[] {
  const findings: Finding[] = [];
  const unsafeCounts = new Map<string, number>();
  const nonportable = new Map<string, { g: PickleGlobal; count: number }>();
  const notes = new Map<string, { g: PickleGlobal; message: string; count: number }>();

  for (const g of globals) {
    const q = `${g.module}.${g.name}`;
    if (g.attributesSet) {
      findings.push({
        code: 'pickle.unsafe_global',
        severity: 'error',
        message: `The pickle sets attributes on ${q} itself (BUILD at or after byte ${g.offset}), not on an instance of it: loading this file with pickle.load would change that class or function for the whole loading program. A checkpoint never does this; do not load the file.`,
        file,
        offset: g.offset,
      });
      continue;
    }
    if (g.module === 'builtins' && g.name === 'getattr' && g.staticLookupOnly) continue;
    const verdict = classifyGlobal(g.module, g.name);
    if (verdict.kind === 'unsafe') {
      const seen = (unsafeCounts.get(q) ?? 0) + 1;
      unsafeCounts.set(q, seen);
      if (seen > MAX_UNSAFE_PER_NAME) continue;
      const how = g.via === 'getattr' ? ` (reached through getattr at byte ${g.offset})` : '';
      const message = g.called
        ? `${q}${how} would ${verdict.effect} when this file is loaded with pickle.load — the pickle names it at byte ${g.offset} and calls it. A checkpoint never needs this: treat the file as hostile, do not load it, and restore this generation from a trusted copy.`
        : `The pickle names ${q} at byte ${g.offset}${how} without calling it there; whatever reaches it while loading could ${verdict.effect}. Checkpoints never reference it, so scanners such as fickling treat the file as malicious: do not load it.`;
      findings.push({ code: 'pickle.unsafe_global', severity: 'error', message, file, offset: g.offset });
      continue;
    }
    if (verdict.kind === 'nonportable') {
      const uses = Math.max(1, g.calls ?? 0);
      const entry = nonportable.get(q);
      if (entry) entry.count += uses;
      else nonportable.set(q, { g, count: uses });
      continue;
    }
    const note = portabilityNote(g);
    if (note) {
      const entry = notes.get(q);
      if (entry) entry.count++;
      else notes.set(q, { g, message: note, count: 1 });
    }
  }

  for (const [q, n] of unsafeCounts) {
    if (n > MAX_UNSAFE_PER_NAME) {
      const first = globals.find((g) => `${g.module}.${g.name}` === q) as PickleGlobal;
      findings.push({
        code: 'pickle.unsafe_global',
        severity: 'error',
        message: `${q} appears ${n} times in this pickle; only the first ${MAX_UNSAFE_PER_NAME} are listed. Do not load the file.`,
        file,
        offset: first.offset,
      });
    }
  }

  for (const [q, { g, count }] of nonportable) {
    const refs = `used ${count === 1 ? 'once' : `${count} times`}, first named at byte ${g.offset}`;
    const top = g.module.split('.')[0];
    const message =
      g.module === '__main__'
        ? `Loading this pickle needs ${q}, a class or function defined in the script that wrote the file (module __main__; ${refs}). Only a process whose main script defines ${g.name} can unpickle it — any other tool (a CLI, a dashboard, a worker) fails with AttributeError. Move ${g.name} into an importable module, or make it pickle as a standard type.`
        : `Loading this pickle needs ${q} from module ${g.module}, which is not part of the Python standard library (${refs}). A process that cannot import ${top} — a CLI, a dashboard, another service, or this job after the class was moved or renamed — fails with ModuleNotFoundError or AttributeError when it unpickles this. Load it where that package is installed, or make the class pickle as a standard type (an exception can reduce to RuntimeError).`;
    findings.push({ code: 'pickle.nonportable_class', severity: 'warning', message, file, offset: g.offset });
  }

  for (const { g, message, count } of notes.values()) {
    findings.push({ code: 'pickle.nonportable_class', severity: 'info', message: `${message} (${plural(count, 'reference')}, first at byte ${g.offset})`, file, offset: g.offset });
  }
  return findings;
}

// Standard-library names that still do not load everywhere.
function portabilityNote(g: PickleGlobal): string | null {
  if (g.module === 'pathlib._local') {
    return `${g.module}.${g.name} was written by Python 3.13, which defined pathlib's classes in pathlib._local; Python 3.12 and older cannot import that module, so only Python 3.13+ can unpickle this file`;
  }
  if ((g.module === 'pathlib' || g.module === 'pathlib._local') && g.name === 'WindowsPath') {
    return 'pathlib.WindowsPath can only be unpickled on Windows; elsewhere pickle.load raises NotImplementedError ("cannot instantiate \'WindowsPath\' on your system")';
  }
  if ((g.module === 'pathlib' || g.module === 'pathlib._local') && g.name === 'PosixPath') {
    return 'pathlib.PosixPath can only be unpickled on Linux or macOS; on Windows pickle.load raises NotImplementedError';
  }
  return null;
}
