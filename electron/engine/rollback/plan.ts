/**
 * Rollback and quarantine planning: turns what the person reviewed into the exact file
 * operations the confirmation dialog lists. Planning touches no disk; `executeRollback` re-plans
 * from the same inputs (a plan may come from the untrusted renderer) and re-checks everything
 * against the disk before it writes.
 */
import { isAbsolute } from 'node:path';
import { STATE_DIR_NAME, defaultFamilyMemberTest, isSha256, memberPathProblem } from './member-path';
import type {
  FamilyMemberTest,
  MemberMapping,
  PlanProblem,
  PlannedStep,
  QuarantinePlan,
  QuarantinePlanInput,
  ReviewedFile,
  RollbackPlan,
  RollbackPlanInput,
} from './types';

/** Where a plan says copies go; the timestamp is fixed when the operation runs. */
export function plannedTrashDir(op: 'rollback' | 'quarantine' | 'undo'): string {
  return `${STATE_DIR_NAME}/trash/<timestamp>-${op}`;
}

/** Options of the planners. */
export interface PlanOptions {
  readonly isFamilyMember?: FamilyMemberTest;
}

/** Plan a rollback that makes `input.target` the current generation. Never throws: problems are listed in the plan. */
export function planRollback(input: RollbackPlanInput, options: PlanOptions = {}): RollbackPlan {
  const problems: PlanProblem[] = [];
  const warnings: string[] = [];
  const isMember = options.isFamilyMember ?? defaultFamilyMemberTest;
  const current = copyFiles(input.current);
  const target = copyFiles(input.target);
  const mapping = copyMapping(input.mapping);

  checkCommon(input.dir, input.familyName, problems);
  checkFiles('current', current, input.familyName, isMember, problems);
  checkFiles('target', target, input.familyName, isMember, problems);
  if (current.length === 0) problems.push({ code: 'not_a_generation', message: 'The current generation has no files, so there is nothing to roll back from.' });
  if (target.length === 0) problems.push({ code: 'not_a_generation', message: 'The target generation has no files, so there is nothing to roll back to.' });

  const currentByPath = new Map(current.map((f) => [f.path, f]));
  const targetByPath = new Map(target.map((f) => [f.path, f]));
  for (const f of target) {
    if (currentByPath.has(f.path)) {
      problems.push({ code: 'not_a_generation', message: `${f.path} is in both the current and the target generation: pick a different target.` });
    }
  }

  const fromSeen = new Set<string>();
  const toSeen = new Set<string>();
  for (const m of mapping) {
    const fromProblem = memberPathProblem(m.from);
    const toProblem = memberPathProblem(m.to);
    if (fromProblem) problems.push({ code: 'bad_path', message: `The mapping source ${JSON.stringify(m.from)} ${fromProblem}.` });
    if (toProblem) problems.push({ code: 'bad_path', message: `The mapping destination ${JSON.stringify(m.to)} ${toProblem}.` });
    if (fromProblem || toProblem) continue;
    if (!targetByPath.has(m.from)) {
      problems.push({ code: 'not_a_generation', message: `${m.from} is not a member of the target generation you reviewed.` });
    }
    if (fromSeen.has(m.from)) problems.push({ code: 'bad_plan', message: `${m.from} is mapped twice; each target member is written once.` });
    if (toSeen.has(m.to)) problems.push({ code: 'bad_plan', message: `${m.to} receives two files; each name is written once.` });
    if (targetByPath.has(m.to)) {
      problems.push({ code: 'bad_plan', message: `${m.to} is a member of the target generation and cannot also be overwritten by it.` });
    }
    if (!isMember(m.to, input.familyName)) {
      problems.push({ code: 'not_a_generation', message: `${m.to} does not belong to the family ${input.familyName}.` });
    }
    fromSeen.add(m.from);
    toSeen.add(m.to);
  }
  for (const f of target) {
    if (!fromSeen.has(f.path)) problems.push({ code: 'bad_plan', message: `${f.path} of the target generation is not mapped to any current name.` });
  }

  const trash = plannedTrashDir('rollback');
  const steps: PlannedStep[] = [];
  for (const f of current) {
    steps.push({
      kind: 'backup',
      path: f.path,
      sha256: f.sha256,
      backupPath: `${trash}/${f.path}`,
      description: `Copy ${f.path} to ${trash}/${f.path} and check the copy byte for byte.`,
    });
  }
  for (const m of mapping) {
    const before = currentByPath.get(m.to);
    const source = targetByPath.get(m.from);
    steps.push({
      kind: 'replace',
      from: m.from,
      fromSha256: source?.sha256 ?? '',
      to: m.to,
      toSha256Before: before?.sha256 ?? null,
      description: before
        ? `Write the bytes of ${m.from} over ${m.to} (through a temporary file and an atomic rename).`
        : `Create ${m.to} with the bytes of ${m.from} (it does not exist in the current generation).`,
    });
    if (!before) warnings.push(`${m.to} is not part of the current generation and will be created; if a file of that name appears before you confirm, the rollback is refused.`);
  }
  for (const f of current) {
    if (!toSeen.has(f.path)) {
      steps.push({
        kind: 'keep',
        path: f.path,
        sha256: f.sha256,
        description: `Leave ${f.path} as it is: the target generation has no counterpart for it (its copy still goes to the trash).`,
      });
      warnings.push(`${f.path} has no counterpart in the target generation and stays as it is, so the family will mix it with the target's files.`);
    }
  }

  const replaced = mapping.filter((m) => currentByPath.has(m.to)).map((m) => m.to);
  const targetMain = mapping[0]?.from ?? target[0]?.path ?? 'the target';
  const summary =
    `Make ${targetMain}${target.length > 1 ? ` and ${target.length - 1} more file${target.length > 2 ? 's' : ''}` : ''} the current generation of ` +
    `${input.familyName}: copy ${current.length} file${current.length === 1 ? '' : 's'} to the trash, then replace ${listNames(replaced)}.`;

  return {
    format: 'ckpt-doctor-plan/1',
    op: 'rollback',
    dir: input.dir,
    familyName: input.familyName,
    current,
    target,
    mapping,
    steps,
    summary,
    warnings,
    problems: dedupe(problems),
  };
}

/** Plan moving a broken generation into the trash (a verified copy first, then a rename; nothing deleted). */
export function planQuarantine(input: QuarantinePlanInput, options: PlanOptions = {}): QuarantinePlan {
  const problems: PlanProblem[] = [];
  const isMember = options.isFamilyMember ?? defaultFamilyMemberTest;
  const generation = copyFiles(input.generation);
  const isCurrent = input.current === true;

  checkCommon(input.dir, input.familyName, problems);
  checkFiles('generation', generation, input.familyName, isMember, problems);
  if (generation.length === 0) problems.push({ code: 'not_a_generation', message: 'The generation has no files, so there is nothing to move aside.' });
  if (isCurrent) {
    problems.push({
      code: 'current_generation',
      message:
        'This is the generation your job resumes from. Moving it aside would leave nothing to resume, and a loader that treats a missing file as "start fresh" would start over silently. Roll back to a healthy generation instead; the rollback keeps a copy of this one in the trash.',
    });
  }

  const trash = plannedTrashDir('quarantine');
  const steps: PlannedStep[] = [];
  for (const f of generation) {
    steps.push({
      kind: 'backup',
      path: f.path,
      sha256: f.sha256,
      backupPath: `${trash}/${f.path}`,
      description: `Copy ${f.path} to ${trash}/${f.path} and check the copy byte for byte.`,
    });
  }
  for (const f of generation) {
    steps.push({
      kind: 'move',
      path: f.path,
      sha256: f.sha256,
      trashPath: `${trash}/${f.path}`,
      description: `Move ${f.path} into ${trash}/ so a resume loop no longer finds it; its bytes stay there as evidence.`,
    });
  }
  const label = generation[0]?.path ?? 'the generation';
  return {
    format: 'ckpt-doctor-plan/1',
    op: 'quarantine',
    dir: input.dir,
    familyName: input.familyName,
    generation,
    current: isCurrent,
    steps,
    summary: `Move ${label}${generation.length > 1 ? ` and ${generation.length - 1} more file${generation.length > 2 ? 's' : ''}` : ''} of ${input.familyName} into the trash; nothing is deleted and the move can be undone.`,
    warnings: [],
    problems: dedupe(problems),
  };
}

function checkCommon(dir: string, familyName: string, problems: PlanProblem[]): void {
  if (typeof dir !== 'string' || dir.length === 0 || !isAbsolute(dir)) {
    problems.push({ code: 'bad_path', message: `The family's folder ${JSON.stringify(dir)} is not an absolute path.` });
  }
  if (typeof familyName !== 'string' || familyName.length === 0) {
    problems.push({ code: 'bad_plan', message: 'The plan does not name the family.' });
  }
}

function checkFiles(
  role: 'current' | 'target' | 'generation',
  files: readonly ReviewedFile[],
  familyName: string,
  isMember: FamilyMemberTest,
  problems: PlanProblem[],
): void {
  const seen = new Set<string>();
  for (const f of files) {
    const problem = memberPathProblem(f.path);
    if (problem) {
      problems.push({ code: 'bad_path', message: `The ${role} member ${JSON.stringify(f.path)} ${problem}.` });
      continue;
    }
    if (!isSha256(f.sha256)) problems.push({ code: 'bad_plan', message: `The ${role} member ${f.path} has no valid sha256; review it again.` });
    if (seen.has(f.path)) problems.push({ code: 'bad_plan', message: `The ${role} member ${f.path} is listed twice.` });
    seen.add(f.path);
    if (!isMember(f.path, familyName)) {
      problems.push({ code: 'not_a_generation', message: `${f.path} does not belong to the family ${familyName}; a rollback only moves files within one family.` });
    }
  }
}

function copyFiles(files: readonly ReviewedFile[] | undefined): ReviewedFile[] {
  return Array.isArray(files) ? files.map((f) => ({ path: f.path, sha256: f.sha256 })) : [];
}

function copyMapping(mapping: readonly MemberMapping[] | undefined): MemberMapping[] {
  return Array.isArray(mapping) ? mapping.map((m) => ({ from: m.from, to: m.to })) : [];
}

function dedupe(problems: PlanProblem[]): PlanProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}

function listNames(names: readonly string[]): string {
  if (names.length === 0) return 'nothing';
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
