/** Errors from the API clients, with a stable code the UI can explain. */

/** Stable codes for failures on the renderer's side of the boundary. */
export type ClientErrorCode = 'timeout' | 'disconnected' | 'no_token' | 'bad_response';

/** A failed API call: either the engine's error (its own code) or the transport's. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** `timeout`, `disconnected`, … or the engine's code (`not_found`, `outside_roots`, …). */
    readonly code: ClientErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
  }
}

/** A message a person can read for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
