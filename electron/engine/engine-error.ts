/**
 * Errors the engine raises towards a front door. Each carries a stable code (the API's
 * `error.code`) and a message a person can act on at 3 a.m.: what happened and what to do.
 */

/** Stable error codes of the engine, shared with the wire protocol. */
export type EngineErrorCode = 'bad_request' | 'not_found' | 'outside_roots' | 'not_a_directory' | 'unreadable' | 'internal' | 'not_applicable';

/** An engine failure with a stable code. */
export class EngineError extends Error {
  /** Stable code, e.g. `outside_roots`. */
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** True for an `EngineError`, also across module copies (bundles). */
export function isEngineError(error: unknown): error is EngineError {
  return error instanceof EngineError || (error instanceof Error && error.name === 'EngineError' && typeof (error as EngineError).code === 'string');
}

/** The `code` of a Node system error (`ENOENT`, `EACCES`, …), or undefined. */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return undefined;
}

/** Short, human wording of a system error code, for messages. */
export function describeSystemError(error: unknown): string {
  switch (systemErrorCode(error)) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ELOOP':
      return 'too many symbolic links (a loop)';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'an input/output error from the disk';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
