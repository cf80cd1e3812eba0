/**
 * The text of the selected generation's member, as the engine decoded it, and the finding the
 * person asked to see in it.
 *
 * A load is keyed by generation, member and the generation's fingerprint (hash, size, mtime):
 * an answer for any other key arrived too late and is dropped, and a snapshot that changes the
 * fingerprint (the job wrote again) reloads the text while the old one stays on screen.
 */
import type { GenerationContent } from '../../shared/api/contract';
import type { Finding } from '../../shared/model/finding';
import type { GenerationSummary } from '../../shared/model/workspace';
import { errorMessage } from '../api/api-error';
import { selectSelectedGeneration } from './selectors';
import type { SliceCreator } from './slice';

/** The text being shown, or why not. */
export type ContentState =
  | { readonly status: 'idle' }
  /**
   * `generationId`/`path` name what is being read; `previous` is the text on screen until it
   * arrives (the same member's older bytes, or another member or generation altogether).
   */
  | { readonly status: 'loading'; readonly key: string; readonly generationId: string; readonly path: string; readonly previous: GenerationContent | null }
  | { readonly status: 'ready'; readonly key: string; readonly content: GenerationContent }
  | { readonly status: 'error'; readonly key: string; readonly message: string };

/** A request to show a finding in the editor; `seq` makes a repeated click reveal again. */
export interface RevealRequest {
  readonly finding: Finding;
  readonly seq: number;
}

/** The content slice. */
export interface ContentSlice {
  readonly content: ContentState;
  /** Member path picked in the member switcher; null shows the generation's main member. */
  readonly selectedMember: string | null;
  readonly revealRequest: RevealRequest | null;

  /** Load the text of the selection if it is not what is loaded (or loading) already. */
  contentRequested(options?: { readonly retry?: boolean }): Promise<void>;
  /** The person picked another member of the generation. */
  memberSelected(path: string): void;
  /** The person clicked a finding (or pressed Enter on it): show where it points. */
  findingActivated(finding: Finding): void;
}

function fingerprint(generation: GenerationSummary): string {
  return `${generation.sha256}:${generation.size}:${generation.mtimeMs}`;
}

/** The load key of a generation member. */
export function contentKey(generation: GenerationSummary, member: string | null): string {
  return JSON.stringify([generation.id, member ?? generation.mainPath, fingerprint(generation)]);
}

export const createContentSlice: SliceCreator<ContentSlice> = ({ api }) => (set, get) => ({
  content: { status: 'idle' },
  selectedMember: null,
  revealRequest: null,

  async contentRequested(options) {
    const generation = selectSelectedGeneration(get());
    if (!generation) {
      if (get().content.status !== 'idle') set({ content: { status: 'idle' }, selectedMember: null, revealRequest: null });
      return;
    }
    // A generation still being checked is not read for display yet: the check is reading it in a
    // worker already, and a second read of a large file would hold back every other verdict.
    if (generation.checking) {
      if (get().content.status !== 'idle') set({ content: { status: 'idle' }, revealRequest: null });
      return;
    }
    let member = get().selectedMember;
    if (member !== null && !generation.members.some((m) => m.path === member)) member = null;
    const key = contentKey(generation, member);
    const shown = get().content;
    if (shown.status !== 'idle' && shown.key === key && !(options?.retry && shown.status === 'error')) return;

    const previous = shown.status === 'ready' ? shown.content : shown.status === 'loading' ? shown.previous : null;
    const sameGeneration = shown.status !== 'idle' && (JSON.parse(shown.key) as string[])[0] === generation.id;
    set({
      content: { status: 'loading', key, generationId: generation.id, path: member ?? generation.mainPath, previous },
      selectedMember: member,
      revealRequest: sameGeneration ? get().revealRequest : null,
    });

    try {
      const content = await api.readGeneration(generation.id, member ?? undefined);
      const now = get().content;
      if (now.status === 'loading' && now.key === key) {
        // Opening a broken file shows where it breaks: the first error with a place in this text is
        // revealed unless the person already asked for another spot.
        const first = get().revealRequest
          ? null
          : content.findings.find(
              (f) => f.severity === 'error' && f.file === content.path && (content.locations[`offset:${f.offset}`] || content.locations[`pointer:${f.pointer}`]),
            );
        set({ content: { status: 'ready', key, content }, ...(first ? { revealRequest: { finding: first, seq: (get().revealRequest?.seq ?? 0) + 1 } } : {}) });
      }
    } catch (error) {
      const now = get().content;
      if (now.status === 'loading' && now.key === key) set({ content: { status: 'error', key, message: errorMessage(error) } });
    }
  },

  memberSelected(path) {
    const generation = selectSelectedGeneration(get());
    if (!generation?.members.some((m) => m.path === path)) return;
    set({ selectedMember: path === generation.mainPath ? null : path });
    void get().contentRequested();
  },

  findingActivated(finding) {
    const generation = selectSelectedGeneration(get());
    const seq = (get().revealRequest?.seq ?? 0) + 1;
    // Ask first, then switch member: the switch keeps the request because it stays in the
    // same generation, and the editor reveals once the member's text has arrived.
    set({ revealRequest: { finding, seq } });
    if (!generation) return;
    const shownMember = get().selectedMember ?? generation.mainPath;
    if (finding.file && finding.file !== shownMember && generation.members.some((m) => m.path === finding.file)) {
      get().memberSelected(finding.file);
    }
  },
});
