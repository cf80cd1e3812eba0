/**
 * The one contract between the UI and the engine. Every front door implements it with the same
 * engine-side dispatcher (`electron/engine/api-dispatcher.ts`): the Electron preload forwards
 * calls over IPC, serve mode over a WebSocket. Every request is validated against `requestSchemas`
 * before the engine sees it; nothing else crosses the boundary.
 */
import { z } from 'zod';
import type { Finding } from '../model/finding';
import type { WorkspaceSnapshot } from '../model/workspace';

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

/** Result of an action that can fail in a way a person must read. */
export type ActionResult = { readonly kind: 'ok' } | { readonly kind: 'error'; readonly code: string; readonly message: string };

/** Events the engine pushes. */
export type EngineEvent =
  | { readonly type: 'snapshot'; readonly snapshot: WorkspaceSnapshot }
  | { readonly type: 'notice'; readonly level: 'info' | 'warning' | 'error'; readonly message: string };

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
  /** Decoded (or raw) content of one member of a generation; the main member by default. */
  readGeneration(generationId: string, memberPath?: string): Promise<GenerationContent>;
  /** Ask the person for a folder with the native picker; null when cancelled or unsupported. */
  pickFolder(): Promise<string | null>;
  /** What this front door supports. */
  getCapabilities(): Promise<Capabilities>;
  /** Listen to engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

const path = z.string().min(1).max(4096);
const id = z.string().min(1).max(8192);

/** Runtime schemas for every request's parameters, by method name. */
export const requestSchemas = {
  getSnapshot: z.tuple([]),
  addRoot: z.tuple([path]),
  removeRoot: z.tuple([path]),
  rescan: z.tuple([]),
  readGeneration: z.union([z.tuple([id]), z.tuple([id, path])]),
  pickFolder: z.tuple([]),
  getCapabilities: z.tuple([]),
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
