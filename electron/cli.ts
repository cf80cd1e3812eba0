/**
 * `ckpt-doctor`: the command-line front door, for CI, scripts and a quick look over SSH.
 *
 * Exit codes are a contract: 0 all good, 1 a current generation is not healthy (`check`) or the
 * file does not decode (`inspect`), 2 a usage or I/O error. `--json` prints exactly one JSON
 * document on stdout; everything meant for a person goes to stderr or the text report.
 */
import { realpathSync, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import packageJson from '../package.json';
import { decodeFile } from '../shared/checks/analyze-file';
import type { Finding } from '../shared/model/finding';
import type { FamilySummary, GenerationSummary } from '../shared/model/workspace';
import { createEngine } from './engine/engine';
import { describeSystemError, systemErrorCode } from './engine/engine-error';
import { DEFAULT_MAX_ANALYZE_BYTES } from './engine/read-file';
import { nodeSha256 } from './engine/node-sha256';
import { MAX_SCHEMA_VERSION_LENGTH } from './engine/settings';
import { defaultStaticDir, startServer } from './serve';
import type { ConfirmService } from './cli-rollback';

/** Where a process writes; injectable so tests can capture output. */
export interface CliIo {
  readonly stdout: (text: string) => Promise<void>;
  readonly stderr: (text: string) => void;
  /** Colours in the text report (a TTY, and NO_COLOR unset). */
  readonly color: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Who answers rollback/undo questions; the process's terminal when absent. */
  readonly confirm?: ConfirmService;
}

/** A usage or I/O error: printed on stderr, exit code 2. */
class CliError extends Error {}

const USAGE = `ckpt-doctor ${packageJson.version} — find out why a job will not resume from its checkpoint

Usage:
  ckpt-doctor scan <path…> [--json] [--expect-schema V]
                                          families, generations and findings
  ckpt-doctor check <path…> [--json] [--expect-schema V]
                                          exit 0 if every current generation is healthy,
                                          1 if not (and name the newest healthy fallback)
  ckpt-doctor inspect <file> [--json]     the decoded value (exact numbers; pickles are
                                          decoded, never loaded)
  ckpt-doctor diff <a> <b> [--json]      what changed from generation file <a> to <b>:
                                          added, removed, changed and type-changed paths
  ckpt-doctor drift <file> [--pre <file>] [--loader python|js] [--json]
                                          what a JSON round trip changed in <file>'s values;
                                          the pre-save side is --pre, else the typed twin
                                          (X.pkl) or manifest (X.json.types.json) beside it,
                                          else inferred from the JSON (labelled so)
  ckpt-doctor rollback <current> --to <generation> [--yes] [--json]
                                          make <generation> (a file of the generation to
                                          restore) the current one; prints the plan and asks
                                          on a terminal; refuses without one unless --yes.
                                          What it replaces goes to .ckpt-doctor/trash/
  ckpt-doctor undo <folder> [--yes]       undo the last rollback/undo/quarantine there
  ckpt-doctor history <folder> [--json]   every rollback, undo and quarantine recorded there
  ckpt-doctor serve <path…> [--port N] [--host H --allow-remote]
                                          the UI in a browser on 127.0.0.1, with a token

A <path> is a folder (scanned down to 8 levels) or a checkpoint file (its family is shown).

Options:
  --json          print one JSON document on stdout
  --expect-schema V
                  (scan, check) every generation under every <path> must record schema
                  version V; one that records another is broken (envelope.schema_mismatch)
  -h, --help      show this help
  -V, --version   print the version

Exit codes: 0 ok · 1 a current generation is unhealthy / the file does not decode · 2 usage or I/O error
  rollback, undo: 0 done · 1 refused or declined, nothing written (the message says why and when to retry)
                  · 2 usage, or no terminal to ask and no --yes
  diff:  0 no differences · 1 differences · 2 usage or I/O error (as diff(1))
  drift: 0 every value comes back (coerced types only) · 1 something is lossy or dropped · 2 usage or I/O error
`;

/** The settings file used by the CLI and serve mode. */
export function settingsPathFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.CKPT_DOCTOR_SETTINGS) return resolve(env.CKPT_DOCTOR_SETTINGS);
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'ckpt-doctor', 'settings.json');
}

interface ParsedArgs {
  readonly command: string | null;
  readonly positional: string[];
  readonly json: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly port?: number;
  readonly host?: string;
  readonly allowRemote: boolean;
  /** `rollback --to <file>`: a file of the generation to make current. */
  readonly to?: string;
  /** `--yes`: confirm rollback/undo without asking. */
  readonly yes?: boolean;
  /** `drift --pre <file>`: the pre-save side. */
  readonly pre?: string;
  /** `drift --loader python|js`. */
  readonly loader?: string;
  /** `scan|check --expect-schema <version>`: the schema version every generation should have. */
  readonly expectSchema?: string;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  let command: string | null = null;
  let json = false;
  let help = false;
  let version = false;
  let port: number | undefined;
  let host: string | undefined;
  let allowRemote = false;
  let to: string | undefined;
  let yes = false;
  let pre: string | undefined;
  let loader: string | undefined;
  let expectSchema: string | undefined;
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const takeValue = (name: string): string => {
      const eq = arg.indexOf('=');
      if (eq >= 0) return arg.slice(eq + 1);
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new CliError(`${name} needs a value.`);
      return value;
    };
    if (onlyPositional || !arg.startsWith('-') || arg === '-') {
      if (command === null) command = arg;
      else positional.push(arg);
      continue;
    }
    if (arg === '--') onlyPositional = true;
    else if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '-V' || arg === '--version') version = true;
    else if (arg === '--allow-remote') allowRemote = true;
    else if (arg === '--yes' || arg === '-y') yes = true;
    else if (arg === '--to' || arg.startsWith('--to=')) to = takeValue('--to');
    else if (arg === '--port' || arg.startsWith('--port=')) {
      const text = takeValue('--port');
      const n = Number(text);
      if (!/^\d+$/.test(text) || n > 65535) throw new CliError(`--port must be a number from 0 to 65535 (0 = any free port), not "${text}".`);
      port = n;
    } else if (arg === '--host' || arg.startsWith('--host=')) host = takeValue('--host');
    else if (arg === '--pre' || arg.startsWith('--pre=')) pre = takeValue('--pre');
    else if (arg === '--loader' || arg.startsWith('--loader=')) loader = takeValue('--loader');
    else if (arg === '--expect-schema' || arg.startsWith('--expect-schema=')) {
      const text = takeValue('--expect-schema').trim();
      if (text.length === 0 || text.length > MAX_SCHEMA_VERSION_LENGTH) throw new CliError(`--expect-schema needs a version of 1 to ${MAX_SCHEMA_VERSION_LENGTH} characters, e.g. --expect-schema 4.`);
      expectSchema = text;
    }
    else throw new CliError(`Unknown option ${arg}.`);
  }
  return { command, positional, json, help, version, port, host, allowRemote, ...(to !== undefined ? { to } : {}), ...(yes ? { yes } : {}), ...(pre !== undefined ? { pre } : {}), ...(loader !== undefined ? { loader } : {}), ...(expectSchema !== undefined ? { expectSchema } : {}) };
}

/** One command-line path, resolved. */
interface Target {
  readonly given: string;
  readonly abs: string;
  readonly kind: 'dir' | 'file';
  /** The folder to scan, as given and absolute. */
  readonly folderGiven: string;
  readonly folderAbs: string;
}

async function resolveTarget(given: string): Promise<Target> {
  const abs = resolve(given);
  let stats;
  try {
    stats = await fs.stat(abs);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') throw new CliError(`${given} does not exist. Check the path (and that its disk is mounted).`);
    throw new CliError(`Cannot open ${given} (${describeSystemError(error)}).`);
  }
  if (stats.isDirectory()) return { given, abs, kind: 'dir', folderGiven: given, folderAbs: abs };
  if (stats.isFile()) return { given, abs, kind: 'file', folderGiven: dirname(given), folderAbs: dirname(abs) };
  throw new CliError(`${given} is neither a file nor a folder.`);
}

/** How a family's folder is written in output: the folder as given, joined with the sub-folder. */
function displayDir(target: Target, family: FamilySummary): string {
  const dir = join(target.folderGiven, relative(target.folderAbs, family.dir));
  return dir.length > 1 ? dir.replace(/[\\/]+$/, '') : dir;
}

interface JsonFinding {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly file: string;
  readonly offset?: number;
  readonly pointer?: string;
}

function jsonFinding(dir: string, f: Finding): JsonFinding {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    file: join(dir, f.file),
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    ...(f.pointer !== undefined ? { pointer: f.pointer } : {}),
  };
}

function mainFile(dir: string, family: FamilySummary, id: string | null): string | null {
  const g = id ? family.generations.find((x) => x.id === id) : undefined;
  return g ? join(dir, g.mainPath) : null;
}

function familyJson(dir: string, family: FamilySummary): unknown {
  return {
    name: family.name,
    kind: family.kind,
    dir,
    current: mainFile(dir, family, family.currentId),
    fallback: mainFile(dir, family, family.fallbackId),
    health: family.health,
    verdict: family.verdict,
    findings: family.findings.map((f) => jsonFinding(dir, f)),
    generations: family.generations.map((g) => ({
      label: g.label,
      files: g.members.map((m) => join(dir, m.path)),
      current: g.current,
      healthy: g.healthy,
      health: g.health,
      sha256: g.sha256,
      schemaVersion: g.schemaVersion,
      findings: g.findings.map((f) => jsonFinding(dir, f)),
    })),
  };
}

/** True when the family's current generation exists and is healthy. */
function resumable(family: FamilySummary): boolean {
  const current = family.generations.find((g) => g.id === family.currentId);
  return current !== undefined && current.healthy;
}

const KIND_WORDS: Readonly<Record<FamilySummary['kind'], string>> = {
  ring: 'ring buffer',
  numbered: 'numbered',
  timestamped: 'timestamped',
  'step-dirs': 'step folders',
  triple: 'pickle + state + meta',
  single: 'single file',
};

interface Paint {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
}

function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), bold: wrap(1, 22), dim: wrap(2, 22) };
}

const MAX_FINDINGS_SHOWN = 5;

function healthWord(g: GenerationSummary, paint: Paint): string {
  switch (g.health) {
    case 'healthy':
      return paint.green('✓ healthy');
    case 'warning':
      return paint.yellow('! warning');
    case 'broken':
      return paint.red('✗ broken ');
    default:
      return paint.yellow('? unknown');
  }
}

function findingLine(f: Finding, paint: Paint): string {
  const sev = f.severity === 'error' ? paint.red('error  ') : f.severity === 'warning' ? paint.yellow('warning') : paint.dim('info   ');
  const where = f.pointer !== undefined && f.pointer !== '' ? ` at ${f.pointer}` : f.offset !== undefined ? ` at byte ${f.offset}` : '';
  return `${sev} ${f.code}${where}: ${f.message}`;
}

function familyText(dir: string, family: FamilySummary, paint: Paint): string {
  const lines: string[] = [];
  const count = family.generations.length;
  lines.push(`${paint.bold(family.name)}  ${paint.dim(`${KIND_WORDS[family.kind] ?? family.kind} · ${count} generation${count === 1 ? '' : 's'} · ${dir}`)}`);
  const width = Math.min(48, Math.max(8, ...family.generations.map((g) => g.label.length)));
  let newer: { label: string; key: string } | null = null;
  for (const g of family.generations) {
    const role = g.id === family.currentId ? 'current ' : g.id === family.fallbackId ? 'fallback' : '        ';
    const label = g.label.length > width ? `${g.label.slice(0, width - 1)}…` : g.label.padEnd(width);
    const schema = g.schemaVersion ? paint.dim(`  schema ${g.schemaVersion}`) : '';
    lines.push(`  ${healthWord(g, paint)}  ${label}  ${role}${schema}`.trimEnd());
    // A series saved by the same code repeats the same warnings; say so once instead of again per generation.
    const key = g.findings.map((f) => `${f.severity} ${f.code} ${f.pointer ?? f.offset ?? ''}`).join('\n');
    const same = newer !== null && key !== '' && key === newer.key;
    const sameAs = newer?.label;
    newer = { label: g.label, key };
    if (same) {
      lines.push(paint.dim(`      the same ${g.findings.length} finding${g.findings.length === 1 ? '' : 's'} as ${sameAs}`));
      continue;
    }
    const shown = g.findings.filter((f) => f.severity !== 'info' || g.health !== 'healthy').slice(0, MAX_FINDINGS_SHOWN);
    for (const f of shown) lines.push(`      ${findingLine(f, paint)}`);
    const hidden = g.findings.length - shown.length;
    if (hidden > 0 && shown.length > 0) lines.push(paint.dim(`      … ${hidden} more (see --json)`));
  }
  for (const f of family.findings.slice(0, MAX_FINDINGS_SHOWN)) lines.push(`  ${findingLine(f, paint)}`);
  if (family.verdict) lines.push(`  ${family.verdict}`);
  return lines.join('\n');
}

function verdictText(selected: readonly { dir: string; family: FamilySummary }[], paint: Paint): string {
  const bad = selected.filter((s) => !resumable(s.family));
  if (selected.length === 0) return paint.yellow('No checkpoints found: no file here looks like a checkpoint family.');
  if (bad.length === 0) {
    return paint.green(`✓ ${selected.length === 1 ? 'The family' : `All ${selected.length} families`} can resume from the current generation.`);
  }
  const lines = [paint.red(`✗ ${bad.length} of ${selected.length} ${selected.length === 1 ? 'family' : 'families'} cannot safely resume from the current generation:`)];
  for (const { dir, family } of bad) {
    const fallback = mainFile(dir, family, family.fallbackId);
    const current = mainFile(dir, family, family.currentId);
    if (fallback) lines.push(`  ${family.name}: fall back to ${fallback}${current ? ` (the current ${current} is not healthy)` : ''}.`);
    else lines.push(`  ${family.name}: no healthy generation left — do not resume from ${current ?? 'it'}; restore from a backup or restart the job.`);
  }
  return lines.join('\n');
}

async function scanOrCheck(args: ParsedArgs, io: CliIo, check: boolean): Promise<number> {
  if (args.positional.length === 0) throw new CliError(`${args.command} needs at least one folder or checkpoint file.`);
  const targets: Target[] = [];
  for (const p of args.positional) targets.push(await resolveTarget(p));
  const folders = [...new Set(targets.map((t) => t.folderAbs))];
  const engine = await createEngine({
    settingsPath: settingsPathFromEnv(io.env),
    host: 'cli',
    watch: false,
    roots: folders,
    ...(args.expectSchema !== undefined ? { analysis: { expectedSchemaVersion: args.expectSchema } } : {}),
  });
  let snapshot;
  try {
    await engine.whenIdle();
    snapshot = engine.getSnapshot();
  } finally {
    await engine.close();
  }
  const rootByPath = new Map(snapshot.roots.map((r) => [r.path, r]));
  const selected: { dir: string; family: FamilySummary }[] = [];
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const target of targets) {
    const root = rootByPath.get(target.folderAbs) ?? snapshot.roots.find((r) => resolve(r.path) === target.folderAbs);
    if (!root || root.status === 'missing' || root.status === 'unreadable') {
      throw new CliError(root?.error ?? `Could not scan ${target.folderGiven}.`);
    }
    if (root.error && !warnings.includes(root.error)) warnings.push(root.error);
    for (const family of root.families) {
      const matches =
        target.kind === 'dir' ||
        (family.dir === target.folderAbs &&
          (family.generations.some((g) => g.members.some((m) => join(family.dir, m.path) === target.abs)) ||
            family.findings.some((f) => join(family.dir, f.file) === target.abs)));
      if (!matches || seen.has(family.id)) continue;
      seen.add(family.id);
      selected.push({ dir: displayDir(target, family), family });
    }
    if (target.kind === 'file' && !selected.some((s) => s.family.dir === target.folderAbs)) {
      warnings.push(`${target.given} does not look like part of a checkpoint family, so nothing was checked for it.`);
    }
  }
  for (const w of warnings) io.stderr(`ckpt-doctor: ${w}\n`);
  const ok = selected.every((s) => resumable(s.family));
  if (args.json) {
    await io.stdout(`${JSON.stringify({ families: selected.map((s) => familyJson(s.dir, s.family)), ...(warnings.length > 0 ? { warnings } : {}) }, null, 2)}\n`);
  } else {
    const paint = painter(io.color);
    const blocks = selected.map((s) => familyText(s.dir, s.family, paint));
    await io.stdout(`${blocks.join('\n\n')}${blocks.length > 0 ? '\n\n' : ''}${verdictText(selected, paint)}\n`);
  }
  return check && !ok ? 1 : 0;
}

async function inspect(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positional.length !== 1) throw new CliError('inspect takes exactly one checkpoint file.');
  const target = await resolveTarget(args.positional[0]);
  if (target.kind !== 'file') throw new CliError(`${target.given} is a folder; inspect takes one checkpoint file (use scan for a folder).`);
  const stats = await fs.stat(target.abs);
  if (stats.size > DEFAULT_MAX_ANALYZE_BYTES) {
    throw new CliError(`${target.given} is ${Math.round(stats.size / 1048576)} MB, above the ${DEFAULT_MAX_ANALYZE_BYTES / 1048576} MB inspect limit.`);
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(target.abs));
  } catch (error) {
    throw new CliError(`Cannot read ${target.given} (${describeSystemError(error)}).`);
  }
  // node:crypto recomputes an envelope's checksum ~15x faster than shared/'s pure-TS fallback.
  const decoded = await decodeFile(target.given, bytes, { sha256: nodeSha256 });
  const paint = painter(io.color);
  if (decoded.result.kind === 'ok') {
    // Loaded here so scan and check start without the renderers.
    const { renderCanonical } = await import('../shared/render/canonical-json');
    for (const f of decoded.result.findings) io.stderr(`${findingLine(f, paint)}\n`);
    await io.stdout(`${renderCanonical(decoded.result.value, { indent: 2 }).text}\n`);
    return 0;
  }
  if (args.json) {
    await io.stdout(`${JSON.stringify({ file: target.given, format: decoded.format, decoded: false, findings: decoded.result.findings.map((f) => jsonFinding('', f)) }, null, 2)}\n`);
  }
  io.stderr(`ckpt-doctor: ${target.given} does not decode (${decoded.format}):\n`);
  for (const f of decoded.result.findings) io.stderr(`  ${findingLine(f, paint)}\n`);
  return 1;
}

async function serve(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positional.length === 0) throw new CliError('serve needs at least one folder to watch.');
  const targets: Target[] = [];
  for (const p of args.positional) targets.push(await resolveTarget(p));
  let server;
  try {
    server = await startServer({
      roots: [...new Set(targets.map((t) => t.folderAbs))],
      port: args.port ?? 0,
      host: args.host,
      allowRemote: args.allowRemote,
      staticDir: io.env.CKPT_DOCTOR_STATIC_DIR ? resolve(io.env.CKPT_DOCTOR_STATIC_DIR) : defaultStaticDir(),
      settingsPath: settingsPathFromEnv(io.env),
      warn: (m) => io.stderr(`ckpt-doctor: ${m}\n`),
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  await io.stdout(`${server.url}\n`);
  const running = server;
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/** Run the CLI with `argv` (without `node` and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.version) {
      await io.stdout(`${packageJson.version}\n`);
      return 0;
    }
    if (args.help || args.command === null || args.command === 'help') {
      if (args.command === null && !args.help) {
        io.stderr(USAGE);
        return 2;
      }
      await io.stdout(USAGE);
      return 0;
    }
    if (args.expectSchema !== undefined && args.command !== 'scan' && args.command !== 'check') throw new CliError('--expect-schema only applies to scan and check.');
    if (args.port !== undefined || args.host !== undefined || args.allowRemote) {
      if (args.command !== 'serve') throw new CliError('--port, --host and --allow-remote only apply to serve.');
    }
    switch (args.command) {
      case 'scan':
        return await scanOrCheck(args, io, false);
      case 'check':
        return await scanOrCheck(args, io, true);
      case 'inspect':
        return await inspect(args, io);
      case 'serve':
        return await serve(args, io);
      case 'rollback':
      case 'undo':
      case 'history': {
        const { rollbackCommand, undoCommand, historyCommand, terminalConfirm } = await import('./cli-rollback');
        const ctx = {
          stdout: io.stdout,
          stderr: io.stderr,
          json: args.json,
          yes: args.yes === true,
          settingsPath: settingsPathFromEnv(io.env),
          confirm: io.confirm ?? terminalConfirm(),
          usageError: (message: string) => new CliError(message),
        };
        if (args.command === 'rollback') return await rollbackCommand(args.positional, args.to, ctx);
        if (args.to !== undefined) throw new CliError('--to only applies to rollback.');
        return args.command === 'undo' ? await undoCommand(args.positional, ctx) : await historyCommand(args.positional, ctx);
      }
      case 'diff':
      case 'drift': {
        if ((args.pre !== undefined || args.loader !== undefined) && args.command !== 'drift') throw new CliError('--pre and --loader only apply to drift.');
        const ctx = { stdout: io.stdout, stderr: io.stderr, color: io.color, json: args.json, usageError: (message: string) => new CliError(message) };
        // Loaded on demand so scan and check start without the diff and drift code.
        const commands = await import('./cli-diff-drift');
        return args.command === 'diff' ? await commands.diffCommand(args.positional, ctx) : await commands.driftCommand(args.positional, args, ctx);
      }
      default:
        throw new CliError(`Unknown command "${args.command}".`);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`ckpt-doctor: ${error.message}\nRun ckpt-doctor --help for usage.\n`);
      return 2;
    }
    io.stderr(`ckpt-doctor: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

/** Output through the real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) =>
      new Promise<void>((done, fail) => {
        process.stdout.write(text, (error) => (error ? fail(error) : done()));
      }),
    stderr: (text) => {
      process.stderr.write(text);
    },
    color: process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
    env: process.env,
  };
}

/** True when this module is the program being run (not imported by bin/ckpt-doctor.js or a test). */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // A closed pipe (`ckpt-doctor scan … | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
