/**
 * The engine side of the `CheckpointApi` contract, shared by the Electron IPC glue and serve mode.
 * Every request is validated (envelope, then the method's parameters) before the engine sees it;
 * `handle` never throws and always answers with a response envelope whose error codes are stable.
 */
import type { z } from 'zod';
import { requestEnvelope, requestSchemas, type ApiMethod, type EngineEvent, type ResponseEnvelope } from '../../shared/api/contract';
import type { ExecuteRequest } from '../../shared/api/rollback-contract';
import type { Engine } from './engine';
import { isEngineError } from './engine-error';

/** The dispatcher a front door forwards requests and events through. */
export interface ApiDispatcher {
  /** Validate and run one request; always resolves with a response. */
  handle(raw: unknown): Promise<ResponseEnvelope>;
  /** Listen to engine events; returns an unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
}

/** Short, readable description of a validation failure. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}

function idOf(raw: unknown): number {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return -1;
}

function fail(id: number, code: string, message: string): ResponseEnvelope {
  return { id, ok: false, error: { code, message } };
}

/** Create the dispatcher for `engine`. */
export function createApiDispatcher(engine: Engine): ApiDispatcher {
  const call = async (method: ApiMethod, params: readonly unknown[]): Promise<unknown> => {
    switch (method) {
      case 'getSnapshot':
        return engine.getSnapshot();
      case 'addRoot':
        return engine.addRoot(params[0] as string);
      case 'removeRoot':
        return engine.removeRoot(params[0] as string);
      case 'rescan':
        return engine.rescan();
      case 'setExpectedSchemaVersion':
        return engine.setExpectedSchemaVersion(params[0] as string, params[1] as string | null);
      case 'readGeneration':
        return params.length > 1 ? engine.readGeneration(params[0] as string, params[1] as string) : engine.readGeneration(params[0] as string);
      case 'pickFolder':
        return engine.pickFolder();
      case 'getCapabilities':
        return engine.getCapabilities();
      case 'planRollback':
        return engine.rollback.planRollback(params[0] as string, params[1] as string);
      case 'planQuarantine':
        return engine.rollback.planQuarantine(params[0] as string);
      case 'executeRollback':
        return engine.rollback.executeRollback(params[0] as ExecuteRequest);
      case 'executeQuarantine':
        return engine.rollback.executeQuarantine(params[0] as ExecuteRequest);
      case 'undoLast':
        return engine.rollback.undoLast(params[0] as string, params[1] as string | undefined);
      case 'getHistory':
        return engine.rollback.getHistory(params[0] as string);
      case 'diffGenerations':
        return engine.diffGenerations(params[0] as string, params[1] as string);
      case 'driftOf':
        return engine.driftOf(params[0] as string, params[1] as 'python' | 'js');
    }
  };

  return {
    async handle(raw: unknown): Promise<ResponseEnvelope> {
      const id = idOf(raw);
      const envelope = requestEnvelope.safeParse(raw);
      if (!envelope.success) {
        return fail(id, 'bad_request', `Malformed request (${describeIssues(envelope.error)}). Expected {id, method, params}.`);
      }
      const { method, params } = envelope.data;
      const parsed = requestSchemas[method].safeParse(params);
      if (!parsed.success) {
        return fail(id, 'bad_request', `Bad parameters for ${method} (${describeIssues(parsed.error)}).`);
      }
      try {
        const result = await call(method, parsed.data as readonly unknown[]);
        return { id, ok: true, result: result ?? null };
      } catch (error) {
        if (isEngineError(error)) return fail(id, error.code, error.message);
        return fail(id, 'internal', `Checkpoint Doctor hit an unexpected error in ${method}: ${error instanceof Error ? error.message : String(error)}. Try again; if it keeps happening, restart the app.`);
      }
    },
    onEvent: (listener) => engine.onEvent(listener),
  };
}
