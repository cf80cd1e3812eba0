/**
 * `ckpt-doctor diff` and `ckpt-doctor drift`: the generation diff and the type drift from the
 * command line, on the same shared code the app runs in its workers.
 *
 * Exit codes follow `diff(1)`: 0 no differences (diff) / nothing lost on load (drift), 1 changes
 * (diff) / something lossy or dropped (drift — `coerced` alone is 0: every value comes back, as
 * another type), 2 usage or I/O error. `--json` prints one document; values in it are canonical
 * JSON (`ckpt-doctor inspect`'s tagged form) with integers exact, so 2**64+1 stays 2**64+1.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diffValues, type DiffChange } from '../shared/diff/diff-values';
import { shortRepr } from '../shared/drift/short-repr';
import type { DriftLoader, DriftReport } from '../shared/drift/types';
import type { Value } from '../shared/model/value';
import { renderCanonical } from '../shared/render/canonical-json';
import { decodeBytesForJob, sharesNoNodes } from './engine/decode-for-job';
import { judgeDrift, type PreSide } from './engine/drift-job';
import { describeSystemError, systemErrorCode } from './engine/engine-error';
import { DEFAULT_MAX_ANALYZE_BYTES } from './engine/read-file';

/** What the commands need from the CLI: output, colour, and how to raise a usage error (exit 2). */
export interface CommandContext {
  readonly stdout: (text: string) => Promise<void>;
  readonly stderr: (text: string) => void;
  readonly color: boolean;
  readonly json: boolean;
  readonly usageError: (message: string) => Error;
}

/** Lines of changes or entries shown in the text report; `--json` lists all (up to the cap). */
const MAX_TEXT_LINES = 200;

interface Paint {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly blue: (s: string) => string;
  readonly dim: (s: string) => string;
}

function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), blue: wrap(34, 39), dim: wrap(2, 22) };
}

async function readDecoded(given: string, ctx: CommandContext, purpose: string): Promise<{ value: Value; format: string }> {
  let bytes: Uint8Array;
  try {
    const stats = await fs.stat(given);
    if (stats.isDirectory()) throw ctx.usageError(`${given} is a folder; give a checkpoint file (one generation's main file).`);
    if (stats.size > DEFAULT_MAX_ANALYZE_BYTES) throw ctx.usageError(`${given} is ${Math.round(stats.size / 1048576)} MB, above the ${DEFAULT_MAX_ANALYZE_BYTES / 1048576} MB limit.`);
    bytes = new Uint8Array(await fs.readFile(given));
  } catch (error) {
    if (error instanceof Error && !systemErrorCode(error)) throw error;
    if (systemErrorCode(error) === 'ENOENT') throw ctx.usageError(`${given} does not exist. Check the path (and that its disk is mounted).`);
    throw ctx.usageError(`Cannot read ${given} (${describeSystemError(error)}).`);
  }
  const decoded = await decodeBytesForJob(given, bytes, purpose);
  if (decoded.kind !== 'ok') throw ctx.usageError(decoded.kind === 'unreadable' ? decoded.message : `${given} disappeared while it was read.`);
  return { value: decoded.value, format: decoded.format };
}

/** Canonical JSON of a value on one line (the canonical text has line breaks only between tokens). */
function compactCanonical(value: Value): string {
  return renderCanonical(value, { indent: 0 }).text.replace(/,\n/g, ', ').replace(/\n/g, '');
}

function changeJson(c: DiffChange): string {
  let out = `{"kind": ${JSON.stringify(c.kind)}, "pointer": ${JSON.stringify(c.pointer)}`;
  if (c.before !== undefined) out += `, "before": ${compactCanonical(c.before)}`;
  if (c.after !== undefined) out += `, "after": ${compactCanonical(c.after)}`;
  return `${out}}`;
}

const KIND_MARK: Readonly<Record<DiffChange['kind'], string>> = { added: '+', removed: '-', changed: '~', typeChanged: '!' };

/** `ckpt-doctor diff <a> <b>`. */
export async function diffCommand(positional: readonly string[], ctx: CommandContext): Promise<number> {
  if (positional.length !== 2) throw ctx.usageError('diff takes exactly two checkpoint files: the older one first, then the newer one.');
  const [aPath, bPath] = positional;
  const a = await readDecoded(aPath, ctx, 'compared');
  const b = await readDecoded(bPath, ctx, 'compared');
  const result = diffValues(a.value, b.value, { unshared: sharesNoNodes(a.format) && sharesNoNodes(b.format) });
  const { summary } = result;
  const total = summary.added + summary.removed + summary.changed + summary.typeChanged;
  if (ctx.json) {
    const lines = result.changes.map((c) => `    ${changeJson(c)}`);
    await ctx.stdout(
      `{\n  "summary": ${JSON.stringify(summary)},\n  "changes": [${lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''}]${result.truncated ? ',\n  "truncated": true' : ''}\n}\n`,
    );
    return total === 0 ? 0 : 1;
  }
  const paint = painter(ctx.color);
  const counts = [`${summary.added} added`, `${summary.removed} removed`, `${summary.changed} changed`, `${summary.typeChanged} type changed`].join(', ');
  const out: string[] = [total === 0 ? paint.green(`No differences between ${aPath} and ${bPath}.`) : `${aPath} → ${bPath}: ${counts}`];
  const colour: Readonly<Record<DiffChange['kind'], (s: string) => string>> = { added: paint.green, removed: paint.red, changed: paint.yellow, typeChanged: paint.blue };
  for (const c of result.changes.slice(0, MAX_TEXT_LINES)) {
    const where = c.pointer === '' ? '(the whole value)' : c.pointer;
    const before = c.before !== undefined ? shortRepr(c.before, 60) : '';
    const after = c.after !== undefined ? shortRepr(c.after, 60) : '';
    const what = c.kind === 'added' ? after : c.kind === 'removed' ? before : `${before} → ${after}`;
    out.push(`  ${colour[c.kind](`${KIND_MARK[c.kind]} ${c.kind === 'typeChanged' ? 'type' : c.kind.padEnd(7)}`)} ${where}  ${paint.dim(what)}`);
  }
  const unlisted = total - Math.min(total, MAX_TEXT_LINES);
  if (unlisted > 0) out.push(paint.dim(`  … ${unlisted} more change${unlisted === 1 ? '' : 's'} (see --json)`));
  await ctx.stdout(`${out.join('\n')}\n`);
  return total === 0 ? 0 : 1;
}

/** Candidates for the pre-save side of `file`, best first (DESIGN "Type drift"). */
export function preCandidates(file: string): { path: string; role: 'pickle' | 'types' }[] {
  const dir = dirname(file);
  const name = basename(file);
  const stem = name.replace(/(\.state)?\.json(\.(gz|xz|bz2|zst|lz4))?$/i, '');
  const out: { path: string; role: 'pickle' | 'types' }[] = [];
  if (stem !== name) for (const ext of ['.pkl', '.pickle']) out.push({ path: join(dir, stem + ext), role: 'pickle' });
  out.push({ path: `${file}.types.json`, role: 'types' });
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

const SOURCE_WORDS: Readonly<Record<DriftReport['source'], string>> = {
  pickle: 'compared with the pickle',
  manifest: 'compared with the type manifest',
  inferred: 'types inferred from the JSON alone',
};

/** `ckpt-doctor drift <file> [--pre <file>] [--loader python|js]`. */
export async function driftCommand(positional: readonly string[], options: { readonly pre?: string; readonly loader?: string }, ctx: CommandContext): Promise<number> {
  if (positional.length !== 1) throw ctx.usageError('drift takes exactly one JSON checkpoint file (and optionally --pre <pickle or .types.json>).');
  const loader = (options.loader ?? 'python') as DriftLoader;
  if (loader !== 'python' && loader !== 'js') throw ctx.usageError(`--loader is python (json.load) or js (JSON.parse), not "${options.loader}".`);
  const file = positional[0];
  const post = await readDecoded(file, ctx, 'judged for type drift');
  if (!post.format.startsWith('json')) {
    throw ctx.usageError(`${file} is ${post.format}, not JSON: drift judges what a JSON round trip changed. Give the JSON file, and this one with --pre.`);
  }
  let preRef: { path: string; role: 'pickle' | 'types' } | null = null;
  if (options.pre !== undefined) {
    if (!(await exists(options.pre))) throw ctx.usageError(`--pre ${options.pre} does not exist.`);
    preRef = { path: options.pre, role: /\.types\.json$/i.test(options.pre) ? 'types' : 'pickle' };
  } else {
    for (const c of preCandidates(file)) {
      if (await exists(c.path)) {
        preRef = c;
        break;
      }
    }
  }
  let pre: PreSide | null = null;
  if (preRef) {
    const bytes = new Uint8Array(await fs.readFile(preRef.path));
    const decoded = await decodeBytesForJob(preRef.path, bytes, 'used as the pre-save side');
    // A JSON given with --pre can only be a manifest.
    const role = decoded.kind === 'ok' && decoded.format.startsWith('json') ? 'types' : preRef.role;
    pre = { role, file: preRef.path, decoded };
  }
  const { report, sourceProblem } = judgeDrift(post.value, pre, loader);
  if (sourceProblem) ctx.stderr(`ckpt-doctor: ${sourceProblem}\n`);
  const lossy = report.counts.lossy + report.counts.dropped > 0;
  if (ctx.json) {
    const doc = {
      file,
      source: report.source,
      pre: report.source === 'inferred' ? null : (pre?.file ?? null),
      loader: report.loader,
      counts: report.counts,
      entries: report.entries.map((e) => ({ pointer: e.pointer, pre: e.pre, post: e.post, verdict: e.verdict, note: e.note })),
      ...(report.truncated ? { truncated: true } : {}),
    };
    await ctx.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    return lossy ? 1 : 0;
  }
  const paint = painter(ctx.color);
  const c = report.counts;
  const loaderWords = loader === 'js' ? 'JSON.parse' : 'json.load';
  const source = `${SOURCE_WORDS[report.source]}${report.source !== 'inferred' && pre ? ` ${pre.file}` : ''}`;
  const out = [`${file} after ${loaderWords}, ${source}:`, `  ${paint.red(`${c.dropped} dropped`)} · ${paint.red(`${c.lossy} lossy`)} · ${paint.yellow(`${c.coerced} coerced`)} · ${paint.green(`${c.lossless} lossless`)}`];
  const colour = { dropped: paint.red, lossy: paint.red, coerced: paint.yellow } as const;
  for (const e of report.entries.slice(0, MAX_TEXT_LINES)) {
    const post = e.post.type === 'missing' ? 'missing' : `${e.post.type} ${e.post.value}`;
    out.push(`  ${colour[e.verdict](e.verdict.padEnd(7))} ${e.pointer === '' ? '(root)' : e.pointer}: ${e.pre.type} ${e.pre.value} → ${post}`);
    if (e.note) out.push(paint.dim(`          ${e.note}`));
  }
  const flagged = c.dropped + c.lossy + c.coerced;
  const unlisted = flagged - Math.min(flagged, MAX_TEXT_LINES);
  if (unlisted > 0) out.push(paint.dim(`  … ${unlisted} more (see --json)`));
  if (flagged === 0) out.push(paint.green('  Every value comes back as it was saved.'));
  await ctx.stdout(`${out.join('\n')}\n`);
  return lossy ? 1 : 0;
}
