/**
 * What the person is looking at, by id. Ids are stable across snapshots (`dir::name` for a
 * family, `family#mainPath` for a generation), so a selection survives every rescan and file
 * event; it is only moved when what it names is gone.
 */
import { allFamilies, currentGeneration, fallbackGeneration, findFamily, findRoot, preferredFamily } from './selectors';
import type { SliceCreator } from './slice';

/** The selection slice. */
export interface SelectionSlice {
  readonly selectedFamilyId: string | null;
  readonly selectedGenerationId: string | null;

  /** The person picked a family in the sidebar. Its current generation is shown first. */
  familySelected(familyId: string): void;
  /** The person picked a generation of the selected family. */
  generationSelected(generationId: string): void;
  /** The person accepted the recommended fallback of the selected family. */
  fallbackSelected(): void;
  /** A snapshot or a new folder changed what exists; keep the selection if it still does. */
  selectionReconciled(): void;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = () => (set, get) => ({
  selectedFamilyId: null,
  selectedGenerationId: null,

  familySelected(familyId) {
    const family = findFamily(get().snapshot, familyId);
    if (!family) return;
    const generation = currentGeneration(family) ?? family.generations[0] ?? null;
    set({ selectedFamilyId: family.id, selectedGenerationId: generation?.id ?? null, pendingRoot: null });
    get().contentRequested();
  },

  generationSelected(generationId) {
    const family = findFamily(get().snapshot, get().selectedFamilyId);
    if (!family?.generations.some((generation) => generation.id === generationId)) return;
    if (get().selectedGenerationId === generationId) return;
    set({ selectedGenerationId: generationId });
    get().contentRequested();
  },

  fallbackSelected() {
    const family = findFamily(get().snapshot, get().selectedFamilyId);
    const fallback = family ? fallbackGeneration(family) : null;
    if (fallback) get().generationSelected(fallback.id);
  },

  selectionReconciled() {
    const { snapshot, selectedFamilyId, selectedGenerationId, pendingRoot } = get();
    if (!snapshot) return;

    const pending = pendingRoot ? findRoot(snapshot, pendingRoot) : null;
    if (pending && pending.families.length > 0) {
      get().familySelected(preferredFamily(pending.families)!.id);
      return;
    }

    const family = findFamily(snapshot, selectedFamilyId);
    if (!family) {
      const preferred = preferredFamily(allFamilies(snapshot));
      if (preferred) get().familySelected(preferred.id);
      else if (selectedFamilyId !== null) {
        set({ selectedFamilyId: null, selectedGenerationId: null });
        get().contentRequested();
      }
      return;
    }

    if (!family.generations.some((generation) => generation.id === selectedGenerationId)) {
      const generation = currentGeneration(family) ?? family.generations[0] ?? null;
      set({ selectedGenerationId: generation?.id ?? null });
    }
    // The same generation may hold new bytes (the job wrote again): contentRequested reloads
    // only when the generation's fingerprint changed.
    get().contentRequested();
  },
});
