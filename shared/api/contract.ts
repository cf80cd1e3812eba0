/**
 * The one contract between the UI and the engine. Every front door implements it with the same
 * engine-side dispatcher (`electron/engine/api-dispatcher.ts`): the Electron preload forwards
 * calls over IPC, serve mode over a WebSocket. Every request is validated against `requestSchemas`
 * before the engine sees it; nothing else crosses the boundary.
 */
import { z } from 'zod';
import type { Finding } from '../model/finding';
import type { WorkspaceSnapshot } from '../model/workspace';
import { rollbackRequestSchemas, type ExecuteRequest, type HistoryEntry, type OperationOutcome, type PlanView } from './rollback-contract';

/** A location in the text shown for a generation, 1-based. */
export interface TextLocation {
  readonly line: number;
  readonly column: number;
}

/** The content of one generation member, ready for a read-only editor. */
export interface GenerationContent {
  readonly generationId: string;
  /** Member path shown (relative to the family directory). */
  readonly path: string;
  /** `decoded`: canonical pretty-printed value; `raw`: the file text as stored (it could not be decoded). */
  readonly view: 'decoded' | 'raw';
  readonly language: 'json' | 'plaintext';
  readonly text: string;
  /** True when `text` was cut to keep the editor responsive; `note` says how much is shown. */
  readonly truncated: boolean;
  readonly note?: string;
  /** Where each finding points in `text`, keyed by `pointer:<json pointer>` or `offset:<n>`. */
  readonly locations: Readonly<Record<string, TextLocation>>;
  readonly findings: readonly Finding[];
  /** Other members of the same generation, for a member switcher. */
  readonly members: readonly string[];
}

/** Kinds of change between two generations (see `shared/diff/diff-values.ts`). */
export type DiffChangeKind = 'added' | 'removed' | 'changed' | 'typeChanged';

/** One change of a generation diff, as the UI lists it. */
export interface DiffViewChange {
  /** `added`/`removed`: on one side only; `changed`: same type, other value; `typeChanged`: other Python type. */
  readonly kind: DiffChangeKind;
  /** RFC 6901 JSON Pointer of the change (list indexes of `b` for added/changed, of `a` for removed). */
  readonly pointer: string;
  /** Python repr of the value in `a`, shortened (absent for `added`). */
  readonly before?: string;
  /** Python repr of the value in `b`, shortened (absent for `removed`). */
  readonly after?: string;
  /** Where the change (or its nearest existing parent) starts in `a.text`; absent past a cut. */
  readonly beforeAt?: TextLocation;
  /** Where the change (or its nearest existing parent) starts in `b.text`; absent past a cut. */
  readonly afterAt?: TextLocation;
}

/** One side of a generation diff: the canonical pretty text of its decoded main member. */
export interface DiffViewSide {
  /** The generation this side shows. */
  readonly generationId: string;
  /** Its display label (`agent.1.json`). */
  readonly label: string;
  /** The member that was decoded, relative to the family directory. */
  readonly path: string;
  /** Canonical pretty-printed value (as in the value view). */
  readonly text: string;
  /** True when `text` was cut to keep the editor responsive. */
  readonly truncated: boolean;
  /** Why the text is cut, or why it is not the decoded value, for a person to read. */
  readonly note?: string;
}

/** The structural diff of two generations, with both texts for a side-by-side view. */
export interface DiffView {
  /** The older/left side. */
  readonly a: DiffViewSide;
  /** The newer/right side. */
  readonly b: DiffViewSide;
  /** Counts of every change, including those past the list cap. */
  readonly summary: { readonly added: number; readonly removed: number; readonly changed: number; readonly typeChanged: number };
  /** Changes in document order, at most 100,000. */
  readonly changes: readonly DiffViewChange[];
  /** True when there were more changes than listed. */
  readonly truncated: boolean;
}

/** Verdict of one pointer after a save/load round trip (see DESIGN "Type drift"). */
export type DriftViewVerdict = 'coerced' | 'lossy' | 'dropped';

/** One pointer whose value did not come back as saved. */
export interface DriftViewEntry {
  /** JSON Pointer into the JSON file. */
  readonly pointer: string;
  /** What the program held before saving: Python type name and short repr. */
  readonly pre: { readonly type: string; readonly value: string };
  /** What the loader gives back: Python type name (or `missing`) and short repr. */
  readonly post: { readonly type: string; readonly value: string };
  /** `coerced` (type changed, information kept), `lossy` (information lost), `dropped` (missing after load). */
  readonly verdict: DriftViewVerdict;
  /** What happened and what it means for a resume. */
  readonly note: string;
  /** Where the pointer (or its nearest existing parent) starts in `text`; absent past a cut. */
  readonly at?: TextLocation;
}

/** Type drift of one generation's JSON member against its best pre-save source. */
export interface DriftView {
  /** The generation. */
  readonly generationId: string;
  /** The JSON member that was judged (what a loader reads). */
  readonly path: string;
  /** `pickle`: a typed image of the same state; `manifest`: the save-time types file; `inferred`: guessed from the JSON alone. */
  readonly source: 'pickle' | 'manifest' | 'inferred';
  /** The member the pre-save side came from (null when inferred). */
  readonly prePath: string | null;
  /** Why a pickle or manifest beside the file could not be used, when that made the source `inferred`. */
  readonly sourceProblem?: string;
  /** `python`: `json.load`; `js`: `JSON.parse`. */
  readonly loader: 'python' | 'js';
  /** Pointers per verdict, all of them (listed or not). */
  readonly counts: { readonly lossless: number; readonly coerced: number; readonly lossy: number; readonly dropped: number };
  /** Non-lossless pointers in document order, capped. */
  readonly entries: readonly DriftViewEntry[];
  /** True when more entries were found than listed. */
  readonly truncated: boolean;
  /** Canonical pretty text of the JSON member's value, for revealing an entry. */
  readonly text: string;
  /** True when `text` was cut to keep the editor responsive. */
  readonly textTruncated: boolean;
}

/** Progress of a long diff or drift computation, so the UI can show how far it got. */
export interface JobProgress {
  /** `diff` or `drift`. */
  readonly job: 'diff' | 'drift';
  /** The request it belongs to: `a\nb` generation ids for a diff, the generation id for drift. */
  readonly key: string;
  /** Work done so far, in the job's own units (value nodes). */
  readonly done: number;
  /** Total work, in the same units. */
  readonly total: number;
}

/** Result of an action that can fail in a way a person must read. */
export type ActionResult = { readonly kind: 'ok' } | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** Events the engine pushes. */
export type EngineEvent =
  | { readonly type: 'snapshot'; readonly snapshot: WorkspaceSnapshot }
  | { readonly type: 'notice'; readonly level: 'info' | 'warning' | 'error'; readonly message: string }
  | { readonly type: 'progress'; readonly progress: JobProgress };

/** What the front door can do beyond the contract. */
export interface Capabilities {
  /** A native folder picker exists (Electron). Serve mode asks for a path instead. */
  readonly nativeFolderPicker: boolean;
  /** `electron` or `serve`. */
  readonly host: 'electron' | 'serve';
}

/** The API the renderer uses. Implemented by `renderer/api/*-client.ts`. */
export interface CheckpointApi {
  /** The current workspace: roots, families, generations, findings. */
  getSnapshot(): Promise<WorkspaceSnapshot>;
  /** Add a folder to watch. Errors say what is wrong with the path. */
  addRoot(path: string): Promise<ActionResult>;
  /** Stop watching a folder (nothing on disk is touched). */
  removeRoot(path: string): Promise<ActionResult>;
  /** Rescan every root from scratch. */
  rescan(): Promise<ActionResult>;
  /**
   * Set the schema version expected for every family under `root` (an added folder, else
   * `not_found`), or clear it with null. Remembered per folder; the families are judged again.
   */
  setExpectedSchemaVersion(root: string, version: string | null): Promise<ActionResult>;
  /** Decoded (or raw) content of one member of a generation; the main member by default. */
  readGeneration(generationId: string, memberPath?: string): Promise<GenerationContent>;
  /** Ask the person for a folder with the native picker; null when cancelled or unsupported. */
  pickFolder(): Promise<string | null>;
  /** What this front door supports. */
  getCapabilities(): Promise<Capabilities>;
  /** Structural diff of two generations (`a` older/left, `b` newer/right), computed in a worker. */
  diffGenerations(aId: string, bId: string): Promise<DiffView>;
  /** Type drift of a generation's JSON member as `loader` would read it back. */
  driftOf(generationId: string, loader: 'python' | 'js'): Promise<DriftView>;
  /** Plan making `targetGenerationId` the current generation of `familyId`; writes nothing. */
  planRollback(familyId: string, targetGenerationId: string): Promise<PlanView>;
  /** Plan moving a broken, non-current generation into the trash; writes nothing. */
  planQuarantine(generationId: string): Promise<PlanView>;
  /** Run a reviewed rollback plan (by its token) after the person confirmed it. */
  executeRollback(request: ExecuteRequest): Promise<OperationOutcome>;
  /** Run a reviewed quarantine plan (by its token) after the person confirmed it. */
  executeQuarantine(request: ExecuteRequest): Promise<OperationOutcome>;
  /** Undo the last operation in a family's folder (or the audit entry `entryId`). */
  undoLast(familyDir: string, entryId?: string): Promise<OperationOutcome>;
  /** Rollbacks, undos and quarantines recorded under a root or family folder, newest first. */
  getHistory(folder: string): Promise<readonly HistoryEntry[]>;
  /** Listen to engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

const path = z.string().min(1).max(4096);
const id = z.string().min(1).max(8192);
/** An expected schema version: trimmed, 1–200 characters; null clears it. */
const schemaVersion = z.string().trim().min(1).max(200).nullable();

/** Runtime schemas for every request's parameters, by method name. */
export const requestSchemas = {
  getSnapshot: z.tuple([]),
  addRoot: z.tuple([path]),
  removeRoot: z.tuple([path]),
  rescan: z.tuple([]),
  setExpectedSchemaVersion: z.tuple([path, schemaVersion]),
  readGeneration: z.union([z.tuple([id]), z.tuple([id, path])]),
  pickFolder: z.tuple([]),
  getCapabilities: z.tuple([]),
  diffGenerations: z.tuple([id, id]),
  driftOf: z.tuple([id, z.enum(['python', 'js'])]),
  ...rollbackRequestSchemas,
} as const;

/** Methods callable across the boundary (everything but `onEvent`). */
export type ApiMethod = keyof typeof requestSchemas;

/** A request on the wire. */
export const requestEnvelope = z.object({
  id: z.number().int().nonnegative(),
  method: z.enum(Object.keys(requestSchemas) as [ApiMethod, ...ApiMethod[]]),
  params: z.array(z.unknown()).max(8),
});

/** A request on the wire, typed. */
export type RequestEnvelope = z.infer<typeof requestEnvelope>;

/** A response on the wire. `error.code` is stable (`bad_request`, `not_found`, `outside_roots`, …). */
export type ResponseEnvelope =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** Everything the server may send over a WebSocket. */
export type ServerMessage = ({ readonly kind: 'response' } & ResponseEnvelope) | { readonly kind: 'event'; readonly event: EngineEvent };
