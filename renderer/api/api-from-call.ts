/**
 * Builds a typed `CheckpointApi` from a transport's single `call(method, params)`, so the IPC and
 * WebSocket clients differ only in how a request travels.
 */
import type { ActionResult, ApiMethod, Capabilities, CheckpointApi, DiffView, DriftView, EngineEvent, GenerationContent } from '../../shared/api/contract';
import type { HistoryEntry, OperationOutcome, PlanView } from '../../shared/api/rollback-contract';
import type { WorkspaceSnapshot } from '../../shared/model/workspace';

/** Sends one request and resolves with its result, or rejects with an `ApiError`. */
export type CallFn = (method: ApiMethod, params: unknown[]) => Promise<unknown>;

/** A `CheckpointApi` over `call`, with events from `onEvent`. */
export function apiFromCall(call: CallFn, onEvent: (listener: (event: EngineEvent) => void) => () => void): CheckpointApi {
  return {
    getSnapshot: () => call('getSnapshot', []) as Promise<WorkspaceSnapshot>,
    addRoot: (path) => call('addRoot', [path]) as Promise<ActionResult>,
    removeRoot: (path) => call('removeRoot', [path]) as Promise<ActionResult>,
    rescan: () => call('rescan', []) as Promise<ActionResult>,
    setExpectedSchemaVersion: (root, version) => call('setExpectedSchemaVersion', [root, version]) as Promise<ActionResult>,
    readGeneration: (generationId, memberPath) =>
      call('readGeneration', memberPath === undefined ? [generationId] : [generationId, memberPath]) as Promise<GenerationContent>,
    pickFolder: () => call('pickFolder', []) as Promise<string | null>,
    getCapabilities: () => call('getCapabilities', []) as Promise<Capabilities>,
    diffGenerations: (aId, bId) => call('diffGenerations', [aId, bId]) as Promise<DiffView>,
    driftOf: (generationId, loader) => call('driftOf', [generationId, loader]) as Promise<DriftView>,
    planRollback: (familyId, targetGenerationId) => call('planRollback', [familyId, targetGenerationId]) as Promise<PlanView>,
    planQuarantine: (generationId) => call('planQuarantine', [generationId]) as Promise<PlanView>,
    executeRollback: (request) => call('executeRollback', [request]) as Promise<OperationOutcome>,
    executeQuarantine: (request) => call('executeQuarantine', [request]) as Promise<OperationOutcome>,
    undoLast: (familyDir, entryId) => call('undoLast', entryId === undefined ? [familyDir] : [familyDir, entryId]) as Promise<OperationOutcome>,
    getHistory: (folder) => call('getHistory', [folder]) as Promise<readonly HistoryEntry[]>,
    onEvent,
  };
}
