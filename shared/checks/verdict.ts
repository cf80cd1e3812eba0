/**
 * The family verdict: one or two plain sentences for a person at 3 a.m. — what state the current
 * generation is in, and which generation to fall back to, with the finding that decided it.
 */
import type { Finding } from '../model/finding';
import type { GenerationSummary } from '../model/workspace';

/** How long between two instants, as a person says it: `40 s`, `12 min`, `3 h`, `2 days`. */
export function formatInterval(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 36) return `${h} h`;
  const days = Math.round(h / 24);
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** `json.truncated at byte 81920`, `content.emptied at /phase_outputs`, `pickle.unsafe_global`. */
export function briefFinding(f: Finding): string {
  if (f.offset !== undefined) return `${f.code} at byte ${f.offset}`;
  if (f.pointer !== undefined && f.pointer !== '') return `${f.code} at ${f.pointer}`;
  return f.code;
}

function firstOf(g: GenerationSummary, severity: Finding['severity']): Finding | undefined {
  return g.findings.find((f) => f.severity === severity);
}

function savedRelativeTo(g: GenerationSummary, reference: GenerationSummary | null): string {
  if (!reference || g === reference || !g.mtimeMs || !reference.mtimeMs) return '';
  const d = reference.mtimeMs - g.mtimeMs;
  if (Math.abs(d) < 1000) return ' (saved at the same time)';
  return d > 0 ? ` (saved ${formatInterval(d)} earlier)` : ` (saved ${formatInterval(d)} later)`;
}

function schemaNote(g: GenerationSummary, current: GenerationSummary | null): string {
  if (!current || g.schemaVersion === null || current.schemaVersion === null || g.schemaVersion === current.schemaVersion) return '';
  return ` It has schema version ${g.schemaVersion} while the current has ${current.schemaVersion}: make sure your code can load it.`;
}

function warningNote(g: GenerationSummary): string {
  const warnings = g.findings.filter((f) => f.severity === 'warning');
  if (warnings.length === 0) return '';
  const more = warnings.length > 1 ? ` and ${warnings.length - 1} more` : '';
  return ` It has warnings (${briefFinding(warnings[0])}${more}); read them before resuming.`;
}

/** What the verdict needs to know beyond the generations. */
export interface VerdictInput {
  readonly familyName: string;
  readonly generations: readonly GenerationSummary[];
  readonly current: GenerationSummary | null;
  readonly fallback: GenerationSummary | null;
  /** A leftover temp file that holds a complete, readable checkpoint, if any. */
  readonly usableStray: { readonly path: string; readonly mtimeMs: number } | null;
  /** Leftover temp files of any state. */
  readonly strayCount: number;
}

/** The verdict sentences for one family. */
export function writeVerdict(input: VerdictInput): string {
  const { generations, current, fallback, usableStray } = input;
  const strayNote = usableStray
    ? ` The leftover temp file ${usableStray.path} holds a complete checkpoint${
        current && current.mtimeMs ? (usableStray.mtimeMs >= current.mtimeMs ? ` saved ${formatInterval(usableStray.mtimeMs - current.mtimeMs)} after the current one` : '') : ''
      }: it may be the newest state.`
    : '';

  if (generations.length === 0) {
    if (usableStray && usableStray.path === input.familyName) {
      return `The temp file ${usableStray.path} of an interrupted write holds a complete checkpoint, but its name does not say which checkpoint it was meant to replace. Inspect it before deleting it.`;
    }
    if (usableStray) {
      return `${input.familyName} is missing; only the temp file ${usableStray.path} of an interrupted write is left, and it holds a complete checkpoint. Rename it to ${input.familyName} to resume from it.`;
    }
    if (input.strayCount > 0) {
      return `Only leftover temp files of an interrupted write are here, and none holds a complete checkpoint; a resume would find no checkpoint.`;
    }
    return `No generation of ${input.familyName} was found.`;
  }

  const n = generations.length;
  if (!current) {
    const head = `${input.familyName} (the file a resume loads) is missing.`;
    if (fallback) return `${head} Fall back to ${fallback.label}, the newest healthy generation${savedRelativeTo(fallback, generations[0])}.${warningNote(fallback)}${strayNote}`;
    return `${head} None of the ${n} remaining generation${n === 1 ? ' is' : 's are'} healthy; no fallback.${strayNote}`;
  }

  if (current.health === 'broken') {
    const err = firstOf(current, 'error');
    const head = `Current generation ${current.label} is broken (${err ? briefFinding(err) : 'error'}).`;
    if (fallback) {
      return `${head} Fall back to ${fallback.label}, the newest healthy generation${savedRelativeTo(fallback, current)}.${warningNote(fallback)}${schemaNote(fallback, current)}${strayNote}`;
    }
    if (n === 1) return `${head} There is no older generation to fall back to.${strayNote}`;
    return `All ${n} generations are broken; no healthy fallback. The newest, ${current.label}, has ${err ? briefFinding(err) : 'errors'}.${strayNote}`;
  }

  if (current.health === 'warning') {
    const warn = firstOf(current, 'warning');
    const warnings = current.findings.filter((f) => f.severity === 'warning');
    if (warnings.every((f) => f.code === 'format.unknown')) {
      return `Current generation ${current.label} is in a format Checkpoint Doctor cannot read, so its integrity was not checked; nothing else was found wrong.${strayNote}`;
    }
    const clean = generations.find((g) => g.health === 'healthy');
    const head = `Current generation ${current.label} loads, but with a warning (${warn ? briefFinding(warn) : 'warning'}).`;
    if (clean && clean !== current) {
      return `${head} If that is wrong, ${clean.label} is the newest generation without warnings${savedRelativeTo(clean, current)}.${strayNote}`;
    }
    return `${head} Read it before resuming.${strayNote}`;
  }

  const broken = generations.filter((g) => g.health === 'broken').length;
  const older = broken > 0 ? ` ${broken} older generation${broken === 1 ? ' is' : 's are'} broken.` : '';
  return `Current generation ${current.label} is healthy; a resume will load it.${older}${strayNote}`;
}
