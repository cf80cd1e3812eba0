/**
 * Family-level checks: merge member findings into generations, compare each generation with the
 * one before it, judge the temp leftovers, and name the current generation and the fallback.
 *
 * Invariants: pure and total — any plan and any (possibly incomplete) set of file analyses gives a
 * summary; a member without an analysis is never taken as healthy; the fallback is the newest
 * generation without an error finding.
 */
import { isCheckpointName, parseTempName } from '../discovery/name-patterns';
import type { FamilyPlan, GenerationPlan, MemberPlan } from '../discovery/types';
import type { Finding } from '../model/finding';
import { healthOf } from '../model/finding';
import type { FamilySummary, GenerationSummary, MemberSummary } from '../model/workspace';
import type { AnalysisOptions, FileAnalysis } from './types';
import { briefFinding, formatInterval, writeVerdict } from './verdict';

/** A file analysis plus what the engine knows about the file on disk. */
export type HashedFileAnalysis = FileAnalysis & { readonly sha256: string; readonly mtimeMs: number };

/** Input of `analyzeFamily`: the plan from discovery and the analysis of every member and stray. */
export interface FamilyInput {
  readonly id: string;
  readonly name: string;
  readonly dir: string;
  readonly root: string;
  readonly plan: FamilyPlan;
  /** Analyses keyed by member path (relative to `dir`). */
  readonly files: ReadonlyMap<string, HashedFileAnalysis>;
}

/** At most this many `content.emptied` findings per generation; more only repeat the story. */
const MAX_EMPTIED = 10;
const MAX_ORDER_FINDINGS = 5;
const TRIPLE_ROLES = ['pickle', 'state', 'meta'] as const;
const TRIPLE_SUFFIX: Readonly<Record<(typeof TRIPLE_ROLES)[number], string>> = { pickle: '.pkl', state: '.state.json', meta: '.meta.json' };

function generationId(familyId: string, mainPath: string): string {
  return `${familyId}#${mainPath}`;
}

/** The last path segment, so findings inside step folders can be matched by file name. */
function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** The `X` of a three-file set, from any of its member paths. */
function tripleStem(g: GenerationPlan): string {
  for (const m of g.members) {
    for (const role of TRIPLE_ROLES) {
      const suffix = TRIPLE_SUFFIX[role];
      if (m.role === role && m.path.toLowerCase().endsWith(suffix)) return m.path.slice(0, m.path.length - suffix.length);
    }
  }
  const main = g.mainPath;
  return main.toLowerCase().endsWith('.pkl') ? main.slice(0, -4) : main;
}

function missingMembers(plan: FamilyPlan, g: GenerationPlan): Finding[] {
  if (g.members.length === 0) {
    return [
      {
        code: 'generation.member_missing',
        severity: 'error',
        message: `${g.label} holds no checkpoint file: the save was interrupted before anything was written. Fall back to an older generation.`,
        file: g.mainPath,
      },
    ];
  }
  const isTriple = plan.kind === 'triple' || g.members.some((m) => m.role === 'state' || m.role === 'meta');
  if (!isTriple) return [];
  const stem = tripleStem(g);
  const names = TRIPLE_ROLES.map((r) => `${stem}${TRIPLE_SUFFIX[r]}`);
  const present = new Set(g.members.map((m) => m.role));
  return TRIPLE_ROLES.filter((r) => !present.has(r)).map((r) => {
    const path = `${stem}${TRIPLE_SUFFIX[r]}`;
    return {
      code: 'generation.member_missing' as const,
      severity: 'error' as const,
      message:
        `${path} is missing: this checkpoint is saved as three files (${names.join(', ')}) and a resume needs all of them. ` +
        `The save stopped between files; fall back to an older generation.`,
      file: path,
    };
  });
}

function unanalysed(m: MemberPlan): Finding {
  return {
    code: 'analysis.failed',
    severity: 'error',
    message: `${m.path} was not checked (it disappeared or could not be read during the scan), so its health is unknown. Rescan to check it.`,
    file: m.path,
  };
}

interface Built {
  readonly summary: GenerationSummary;
  readonly plan: GenerationPlan;
  readonly analyses: ReadonlyMap<string, HashedFileAnalysis>;
}

function buildGeneration(input: FamilyInput, g: GenerationPlan, extra: readonly Finding[]): Built {
  const analyses = new Map<string, HashedFileAnalysis>();
  const findings: Finding[] = [];
  const members: MemberSummary[] = [];
  // Main member first so its findings lead (the verdict quotes the first error).
  const ordered = [...g.members].sort((a, b) => Number(b.path === g.mainPath) - Number(a.path === g.mainPath));
  for (const m of ordered) {
    const a = input.files.get(m.path);
    if (a) {
      analyses.set(m.path, a);
      findings.push(...a.findings);
    } else {
      findings.push(unanalysed(m));
    }
    members.push({ path: m.path, role: m.role, size: a?.size ?? m.size, mtimeMs: a?.mtimeMs || m.mtimeMs, sha256: a?.sha256 ?? '', format: a?.format ?? 'unknown' });
  }
  findings.push(...missingMembers(input.plan, g), ...extra);
  const main = analyses.get(g.mainPath);
  const schemaVersion = main?.schemaVersion ?? ordered.map((m) => analyses.get(m.path)?.schemaVersion ?? null).find((v) => v !== null) ?? null;
  const health = healthOf(findings);
  return {
    plan: g,
    analyses,
    summary: {
      id: generationId(input.id, g.mainPath),
      label: g.label,
      mainPath: g.mainPath,
      members: g.members.map((m) => members.find((s) => s.path === m.path)!),
      current: g.current,
      healthy: health !== 'broken',
      health,
      sha256: main?.sha256 ?? '',
      size: members.reduce((sum, m) => sum + m.size, 0),
      mtimeMs: members.reduce((max, m) => Math.max(max, m.mtimeMs), 0),
      schemaVersion,
      findings,
    },
  };
}

/** `content.emptied`: containers that had entries in the older generation and are empty now. */
function emptiedFindings(newer: Built, older: Built): Finding[] {
  const out: Finding[] = [];
  for (const m of newer.plan.members) {
    const a = newer.analyses.get(m.path);
    if (!a?.decoded) continue;
    const twin = older.plan.members.find((o) => o.role === m.role && baseName(o.path) === baseName(m.path)) ?? older.plan.members.find((o) => o.role === m.role);
    const b = twin ? older.analyses.get(twin.path) : undefined;
    if (!twin || !b?.decoded) continue;
    for (const [pointer, before] of Object.entries(b.containers)) {
      if (before === 0 || a.containers[pointer] !== 0) continue;
      // Report the outermost emptied container only.
      if (out.some((f) => f.file === m.path && f.pointer !== undefined && pointer.startsWith(`${f.pointer}/`))) continue;
      const where = pointer === '' ? 'The whole value' : pointer;
      out.push({
        code: 'content.emptied',
        severity: 'warning',
        message:
          `${where} is empty in ${m.path} but had ${before} entr${before === 1 ? 'y' : 'ies'} in the older ${twin.path}. ` +
          `Data may have been lost when this generation was saved (a serializer error swallowed silently empties it); if it should not be empty, fall back to ${older.summary.label}.`,
        file: m.path,
        pointer,
      });
      if (out.length >= MAX_EMPTIED) return out;
    }
  }
  return out;
}

/** A generation's schema version against the version a person expects for this folder. */
function expectedVersionFinding(b: Built, expected: string): Finding | null {
  const v = b.summary.schemaVersion;
  if (v === expected) return null;
  const decoded = [...b.analyses.values()].some((a) => a.decoded);
  if (v === null && !decoded) return null;
  if (v === null) {
    return {
      code: 'envelope.schema_mismatch',
      severity: 'warning',
      message: `${b.plan.label} records no schema version, but ${expected} is expected here. A loader that checks the version will refuse it.`,
      file: b.plan.mainPath,
    };
  }
  return {
    code: 'envelope.schema_mismatch',
    severity: 'error',
    message: `${b.plan.label} has schema version ${v} but ${expected} is expected here. Code expecting ${expected} will refuse or misread it; migrate it or use a generation with version ${expected}.`,
    file: b.plan.mainPath,
  };
}

/** The current generation's schema version against the newest older one that records a version. */
function schemaDrift(current: Built, older: readonly Built[]): Finding | null {
  const v = current.summary.schemaVersion;
  if (v === null) return null;
  const previous = older.find((b) => b.summary.schemaVersion !== null);
  if (!previous || previous.summary.schemaVersion === v) return null;
  return {
    code: 'envelope.schema_mismatch',
    severity: 'warning',
    message:
      `${current.plan.label} has schema version ${v} but the older ${previous.plan.label} has ${previous.summary.schemaVersion}: ` +
      `the program that writes these checkpoints changed between them. Falling back across that change needs code that can read the older version.`,
    file: current.plan.mainPath,
  };
}

/** `generation.order`: a generation that is newer by name but older on disk. */
function orderFindings(built: readonly Built[]): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i + 1 < built.length && out.length < MAX_ORDER_FINDINGS; i++) {
    const newer = built[i].summary;
    const older = built[i + 1].summary;
    if (!newer.mtimeMs || !older.mtimeMs || newer.mtimeMs >= older.mtimeMs) continue;
    out.push({
      code: 'generation.order',
      severity: 'warning',
      message:
        `${older.label} is older by its name but was modified ${formatInterval(older.mtimeMs - newer.mtimeMs)} after ${newer.label}. ` +
        `The files were copied, restored or renamed by hand, or two writers share this folder, so "newest by name" may not be the newest state: check the dates before rolling back.`,
      file: newer.mainPath,
    });
  }
  return out;
}

/** The file a temp file was going to replace, when its name says so (`step-300/model.pkl.tmp` → `step-300/model.pkl`). */
function tempTarget(path: string): string | null {
  const slash = path.lastIndexOf('/');
  const parsed = parseTempName(path.slice(slash + 1), () => false);
  const target = parsed?.kind === 'named' ? parsed.targets.find((t) => isCheckpointName(t)) : undefined;
  return target ? path.slice(0, slash + 1) + target : null;
}

function strayFinding(stray: MemberPlan, analysis: HashedFileAnalysis | undefined, current: GenerationSummary | null, familyName: string): Finding {
  const target = tempTarget(stray.path) ?? (current ? current.label : familyName);
  let state: string;
  if (!analysis) state = 'It could not be read.';
  else if (analysis.decoded && !analysis.findings.some((f) => f.severity === 'error')) {
    const when =
      current && current.mtimeMs && analysis.mtimeMs > current.mtimeMs
        ? ` and was saved ${formatInterval(analysis.mtimeMs - current.mtimeMs)} after ${current.label}`
        : '';
    state = `It holds a complete, readable checkpoint${when}: it may be the newest state. Compare it with ${target} before deleting it.`;
  } else {
    const err = analysis.findings.find((f) => f.severity === 'error');
    state = `It is incomplete${err ? ` (${briefFinding(err)})` : ''}; once no program is writing it, it can be deleted.`;
  }
  return {
    code: 'write.tmp_leftover',
    severity: 'warning',
    message: `${stray.path} is left over from an interrupted atomic write: the program wrote this temp file but never renamed it over ${target}. ${state}`,
    file: stray.path,
  };
}

function isUsable(a: HashedFileAnalysis | undefined): a is HashedFileAnalysis {
  return !!a && a.decoded && !a.findings.some((f) => f.severity === 'error');
}

/** Summarise one family: per-generation health, the current generation, the fallback, a verdict. */
export function analyzeFamily(input: FamilyInput, options?: AnalysisOptions): FamilySummary {
  const plans = [...input.plan.generations].sort((a, b) => a.order - b.order);
  let built = plans.map((g) => buildGeneration(input, g, []));

  // Comparisons between neighbours, added to the newer generation.
  const extras = new Map<number, Finding[]>();
  const add = (i: number, f: Finding[]) => extras.set(i, [...(extras.get(i) ?? []), ...f]);
  // Compared with the nearest older generation that decoded: a broken one in between hides nothing.
  for (let i = 0; i + 1 < built.length; i++) {
    const older = built.slice(i + 1).find((b) => [...b.analyses.values()].some((a) => a.decoded));
    if (older) add(i, emptiedFindings(built[i], older));
  }
  const currentIndex = built.findIndex((b) => b.plan.current);
  const expected = options?.expectedSchemaVersion;
  if (expected !== undefined && expected !== null && expected !== '') {
    built.forEach((b, i) => {
      const f = expectedVersionFinding(b, expected);
      if (f) add(i, [f]);
    });
  } else if (currentIndex >= 0) {
    const drift = schemaDrift(built[currentIndex], built.slice(currentIndex + 1));
    if (drift) add(currentIndex, [drift]);
  }
  if (extras.size > 0) built = plans.map((g, i) => buildGeneration(input, g, extras.get(i) ?? []));

  const generations = built.map((b) => b.summary);
  const current = currentIndex >= 0 ? generations[currentIndex] : null;
  const fallback = generations.find((g) => g.health !== 'broken') ?? null;

  const familyFindings: Finding[] = [...orderFindings(built)];
  let usableStray: { path: string; mtimeMs: number } | null = null;
  for (const stray of input.plan.strays) {
    const a = input.files.get(stray.path);
    familyFindings.push(strayFinding(stray, a, current, input.name));
    if (isUsable(a) && (!usableStray || a.mtimeMs > usableStray.mtimeMs)) usableStray = { path: stray.path, mtimeMs: a.mtimeMs };
  }
  // Only worth a sentence in the verdict when it is not older than what a resume would load.
  if (usableStray && current && current.health !== 'broken' && usableStray.mtimeMs <= current.mtimeMs) usableStray = null;

  let health: FamilySummary['health'];
  if (current) health = current.health;
  else if (generations.length === 0 && input.plan.strays.every((s) => s.path === input.plan.name)) health = 'warning';
  else health = 'broken';

  return {
    id: input.id,
    name: input.name,
    dir: input.dir,
    root: input.root,
    kind: input.plan.kind,
    health,
    generations,
    currentId: current?.id ?? null,
    fallbackId: fallback?.id ?? null,
    verdict: writeVerdict({ familyName: input.name, generations, current, fallback, usableStray, strayCount: input.plan.strays.length }),
    findings: familyFindings,
  };
}
