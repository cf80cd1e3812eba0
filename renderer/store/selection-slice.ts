/**
 * What the person is looking at, by id. Ids are stable across snapshots (`dir::name` for a
 * family, `family#mainPath` for a generation), so a selection survives every rescan and file
 * event; it is only moved when what it names is gone.
 *
 * A family the app picked by itself while files were still being checked is provisional: the
 * person is shown something at once, and once the verdicts are in the app moves to the family it
 * would have picked with them (a broken one first), unless the person has picked something since.
 */
import type { FamilySummary } from '../../shared/model/workspace';
import { allFamilies, currentGeneration, fallbackGeneration, findFamily, findRoot, preferredFamily } from './selectors';
import type { SliceCreator } from './slice';

/** The selection slice. */
export interface SelectionSlice {
  readonly selectedFamilyId: string | null;
  readonly selectedGenerationId: string | null;
  /**
   * Set while the selected family was picked by the app during a scan that was still checking:
   * `among` is the folder it was picked from (null: every folder).
   */
  readonly provisionalSelection: { readonly among: string | null } | null;

  /** The person picked a family in the sidebar. Its current generation is shown first. */
  familySelected(familyId: string): void;
  /** The person picked a generation of the selected family. */
  generationSelected(generationId: string): void;
  /** The person accepted the recommended fallback of the selected family. */
  fallbackSelected(): void;
  /** A snapshot or a new folder changed what exists; keep the selection if it still does. */
  selectionReconciled(): void;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = () => (set, get) => {
  /** Select a family and its current generation; `provisional` when the app picked it during a check. */
  const selectFamily = (familyId: string, provisional: { readonly among: string | null } | null): void => {
    const family = findFamily(get().snapshot, familyId);
    if (!family) return;
    const generation = currentGeneration(family) ?? family.generations[0] ?? null;
    set({ selectedFamilyId: family.id, selectedGenerationId: generation?.id ?? null, pendingRoot: null, provisionalSelection: provisional });
    get().contentRequested();
  };
  const checking = (families: readonly FamilySummary[]): boolean => families.some((f) => f.checking);

  return {
    selectedFamilyId: null,
    selectedGenerationId: null,
    provisionalSelection: null,

    familySelected(familyId) {
      selectFamily(familyId, null);
    },

    generationSelected(generationId) {
      const family = findFamily(get().snapshot, get().selectedFamilyId);
      if (!family?.generations.some((generation) => generation.id === generationId)) return;
      if (get().selectedGenerationId === generationId) return;
      set({ selectedGenerationId: generationId, provisionalSelection: null });
      get().contentRequested();
    },

    fallbackSelected() {
      const family = findFamily(get().snapshot, get().selectedFamilyId);
      const fallback = family ? fallbackGeneration(family) : null;
      if (fallback) get().generationSelected(fallback.id);
    },

    selectionReconciled() {
      const { snapshot, selectedFamilyId, selectedGenerationId, pendingRoot, provisionalSelection } = get();
      if (!snapshot) return;

      const pending = pendingRoot ? findRoot(snapshot, pendingRoot) : null;
      if (pending && pending.families.length > 0) {
        selectFamily(preferredFamily(pending.families)!.id, checking(pending.families) ? { among: pending.path } : null);
        return;
      }

      const family = findFamily(snapshot, selectedFamilyId);
      if (!family) {
        const families = allFamilies(snapshot);
        const preferred = preferredFamily(families);
        if (preferred) selectFamily(preferred.id, checking(families) ? { among: null } : null);
        else if (selectedFamilyId !== null) {
          set({ selectedFamilyId: null, selectedGenerationId: null, provisionalSelection: null });
          get().contentRequested();
        }
        return;
      }

      if (provisionalSelection) {
        const among = provisionalSelection.among === null ? allFamilies(snapshot) : (findRoot(snapshot, provisionalSelection.among)?.families ?? []);
        const stillChecking = checking(among);
        const preferred = preferredFamily(among);
        // A broken family is worth moving to at once; otherwise wait for every verdict.
        if (preferred && preferred.id !== family.id && family.health !== 'broken' && (preferred.health === 'broken' || !stillChecking)) {
          selectFamily(preferred.id, stillChecking ? provisionalSelection : null);
          return;
        }
        if (!stillChecking) set({ provisionalSelection: null });
      }

      if (!family.generations.some((generation) => generation.id === selectedGenerationId)) {
        const generation = currentGeneration(family) ?? family.generations[0] ?? null;
        set({ selectedGenerationId: generation?.id ?? null });
      }
      // The same generation may hold new bytes (the job wrote again): contentRequested reloads
      // only when the generation's fingerprint changed.
      get().contentRequested();
    },
  };
};
