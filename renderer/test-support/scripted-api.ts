/**
 * A `CheckpointApi` for UI unit tests whose answers the test controls: each call is recorded and
 * waits until the test resolves it, so ordering (late answers, failures) can be exercised
 * exactly. Used only by unit tests of the renderer; e2e runs the real engine.
 */
import type { ActionResult, ApiMethod, Capabilities, CheckpointApi, DiffView, DriftView, EngineEvent, GenerationContent } from '../../shared/api/contract';
import type { ExecuteRequest, HistoryEntry, OperationOutcome, PlanView } from '../../shared/api/rollback-contract';
import type { WorkspaceSnapshot } from '../../shared/model/workspace';

/** One recorded call, settle it with `resolve` / `reject`. */
export interface RecordedCall {
  readonly method: ApiMethod;
  readonly params: readonly unknown[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The controllable API. */
export class ScriptedApi implements CheckpointApi {
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();

  private record<T>(method: ApiMethod, params: readonly unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.calls.push({ method, params, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Calls of `method` not yet looked at via `take`, oldest first. */
  pending(method: ApiMethod): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Remove and return the oldest call of `method`; throws when there is none. */
  take(method: ApiMethod): RecordedCall {
    const index = this.calls.findIndex((call) => call.method === method);
    if (index < 0) throw new Error(`no pending ${method} call (have: ${this.calls.map((c) => c.method).join(', ') || 'none'})`);
    return this.calls.splice(index, 1)[0];
  }

  /** Push an engine event to every listener. */
  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  getSnapshot(): Promise<WorkspaceSnapshot> {
    return this.record('getSnapshot', []);
  }
  addRoot(path: string): Promise<ActionResult> {
    return this.record('addRoot', [path]);
  }
  removeRoot(path: string): Promise<ActionResult> {
    return this.record('removeRoot', [path]);
  }
  rescan(): Promise<ActionResult> {
    return this.record('rescan', []);
  }
  setExpectedSchemaVersion(root: string, version: string | null): Promise<ActionResult> {
    return this.record('setExpectedSchemaVersion', [root, version]);
  }
  readGeneration(generationId: string, memberPath?: string): Promise<GenerationContent> {
    return this.record('readGeneration', memberPath === undefined ? [generationId] : [generationId, memberPath]);
  }
  diffGenerations(aId: string, bId: string): Promise<DiffView> {
    return this.record('diffGenerations', [aId, bId]);
  }
  driftOf(generationId: string, loader: 'python' | 'js'): Promise<DriftView> {
    return this.record('driftOf', [generationId, loader]);
  }
  pickFolder(): Promise<string | null> {
    return this.record('pickFolder', []);
  }
  getCapabilities(): Promise<Capabilities> {
    return this.record('getCapabilities', []);
  }
  planRollback(familyId: string, targetGenerationId: string): Promise<PlanView> {
    return this.record('planRollback', [familyId, targetGenerationId]);
  }
  planQuarantine(generationId: string): Promise<PlanView> {
    return this.record('planQuarantine', [generationId]);
  }
  executeRollback(request: ExecuteRequest): Promise<OperationOutcome> {
    return this.record('executeRollback', [request]);
  }
  executeQuarantine(request: ExecuteRequest): Promise<OperationOutcome> {
    return this.record('executeQuarantine', [request]);
  }
  undoLast(familyDir: string, entryId?: string): Promise<OperationOutcome> {
    return this.record('undoLast', entryId === undefined ? [familyDir] : [familyDir, entryId]);
  }
  getHistory(folder: string): Promise<readonly HistoryEntry[]> {
    return this.record('getHistory', [folder]);
  }
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** Let pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
