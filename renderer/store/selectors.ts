/**
 * Derived data: computed from the snapshot and the selection on demand, never stored. Lookups
 * are indexed once per snapshot object (snapshots are immutable, so a WeakMap keyed on them is
 * a safe memo).
 */
import type { GenerationContent, TextLocation } from '../../shared/api/contract';
import type { Finding } from '../../shared/model/finding';
import type { FamilySummary, GenerationSummary, RootState, WorkspaceSnapshot } from '../../shared/model/workspace';
import type { AppState } from './app-store';

interface SnapshotIndex {
  readonly families: readonly FamilySummary[];
  readonly byId: ReadonlyMap<string, FamilySummary>;
}

const indexes = new WeakMap<WorkspaceSnapshot, SnapshotIndex>();

function indexOf(snapshot: WorkspaceSnapshot): SnapshotIndex {
  let index = indexes.get(snapshot);
  if (!index) {
    const families = snapshot.roots.flatMap((root) => root.families);
    index = { families, byId: new Map(families.map((family) => [family.id, family])) };
    indexes.set(snapshot, index);
  }
  return index;
}

/** Every family of every root, in sidebar order. */
export function allFamilies(snapshot: WorkspaceSnapshot | null): readonly FamilySummary[] {
  return snapshot ? indexOf(snapshot).families : [];
}

/** A family by id. */
export function findFamily(snapshot: WorkspaceSnapshot | null, id: string | null): FamilySummary | null {
  if (!snapshot || id === null) return null;
  return indexOf(snapshot).byId.get(id) ?? null;
}

/** A generation of a family by id. */
export function findGeneration(family: FamilySummary | null, id: string | null): GenerationSummary | null {
  if (!family || id === null) return null;
  return family.generations.find((generation) => generation.id === id) ?? null;
}

function trimSeparators(path: string): string {
  return path.length > 1 ? path.replace(/[\\/]+$/, '') : path;
}

/**
 * A root by the path a person typed. The engine may have resolved it (trailing slash dropped,
 * relative made absolute), so an exact match wins and a resolved form is accepted next.
 */
export function findRoot(snapshot: WorkspaceSnapshot | null, path: string): RootState | null {
  if (!snapshot) return null;
  const typed = trimSeparators(path).replace(/^\.[\\/]/, '');
  return (
    snapshot.roots.find((root) => root.path === path) ??
    snapshot.roots.find((root) => {
      const resolved = trimSeparators(root.path);
      return resolved === typed || resolved.endsWith(`/${typed}`) || resolved.endsWith(`\\${typed}`);
    }) ??
    null
  );
}

/** The generation a resuming program would load. */
export function currentGeneration(family: FamilySummary): GenerationSummary | null {
  return findGeneration(family, family.currentId) ?? family.generations.find((generation) => generation.current) ?? null;
}

/** The newest healthy generation the engine recommends falling back to. */
export function fallbackGeneration(family: FamilySummary): GenerationSummary | null {
  return findGeneration(family, family.fallbackId);
}

/**
 * Whether "Roll back to this generation" is offered: not for the current one, not without a
 * current one, and nothing while the family is still being checked (the target's and the
 * current generation's health are not known yet).
 */
export function canRollBackTo(family: FamilySummary, generation: GenerationSummary): boolean {
  return !generation.current && family.currentId !== null && !family.checking && !generation.checking;
}

/** True while any family of the snapshot is still being checked. */
export function anyChecking(snapshot: WorkspaceSnapshot | null): boolean {
  return allFamilies(snapshot).some((family) => family.checking);
}

/**
 * The family to show when nothing is selected: mid-incident, the broken one is what the person
 * came for, so broken beats warning beats the rest; sidebar order breaks ties.
 */
export function preferredFamily(families: readonly FamilySummary[]): FamilySummary | null {
  return families.find((f) => f.health === 'broken') ?? families.find((f) => f.health === 'warning') ?? families[0] ?? null;
}

/** The selected family. */
export const selectSelectedFamily = (state: AppState): FamilySummary | null => findFamily(state.snapshot, state.selectedFamilyId);

/** The selected generation. */
export const selectSelectedGeneration = (state: AppState): GenerationSummary | null =>
  findGeneration(selectSelectedFamily(state), state.selectedGenerationId);

/** Member paths of a generation's content, the shown one included, in the engine's order. */
export function memberPaths(content: GenerationContent): readonly string[] {
  return content.members.includes(content.path) ? content.members : [content.path, ...content.members];
}

function parentPointer(pointer: string): string | null {
  if (pointer === '') return null;
  const cut = pointer.lastIndexOf('/');
  return cut <= 0 ? '' : pointer.slice(0, cut);
}

/**
 * Where a finding points in the shown text, or null when it points nowhere in it (another member,
 * a family-level file, or no position at all). A pointer the text does not locate falls back to
 * its nearest located ancestor, so "/a/b/7" still lands on "/a/b".
 */
export function locateFinding(content: GenerationContent, finding: Finding): TextLocation | null {
  if (finding.file && finding.file !== content.path) return null;
  if (finding.pointer !== undefined) {
    for (let p: string | null = finding.pointer; p !== null; p = parentPointer(p)) {
      const at = content.locations[`pointer:${p}`];
      if (at) return at;
    }
  }
  if (finding.offset !== undefined) {
    const at = content.locations[`offset:${finding.offset}`];
    if (at) return at;
  }
  if (content.view === 'raw' && finding.line !== undefined) return { line: finding.line, column: finding.column ?? 1 };
  return null;
}

/** True when a finding has a position that some member's text could show. */
export function findingHasPosition(finding: Finding): boolean {
  return finding.pointer !== undefined || finding.offset !== undefined || finding.line !== undefined;
}
