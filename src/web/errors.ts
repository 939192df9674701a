// Errors a route raises on purpose, and the one shape every error takes: a page for people,
// `{ "error": { "code", "message", "details"? } }` for the API.
import { isConnectionError } from '../store/db.js';
import { UserError } from '../store/errors.js';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export const notFound = (message = 'not found') => new HttpProblem(404, 'not_found', message);
export const forbidden = (message = 'you may not do this') => new HttpProblem(403, 'forbidden', message);
export const unauthorized = (message = 'sign in first') => new HttpProblem(401, 'unauthorized', message);
export const invalid = (problems: string[]) => new HttpProblem(400, 'invalid', problems.join('; '), problems);

const USER_ERROR_STATUS: Record<UserError['code'], number> = { not_found: 404, conflict: 409, invalid: 400, forbidden: 403 };

export interface ErrorBody {
  error: { code: string; message: string; details?: string[] };
}

export function describeError(error: unknown): { status: number; body: ErrorBody; expected: boolean } {
  if (error instanceof HttpProblem) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } }, expected: true };
  }
  if (error instanceof UserError) {
    return { status: USER_ERROR_STATUS[error.code], body: { error: { code: error.code, message: error.message } }, expected: true };
  }
  const e = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.statusCode === 413 ? 'too_large' : e.statusCode === 415 ? 'unsupported_media_type' : e.statusCode === 429 ? 'rate_limited' : 'invalid';
    return { status: e.statusCode, body: { error: { code, message: e.message ?? 'bad request' } }, expected: true };
  }
  if (isConnectionError(error)) {
    // The database went away under this request (restart, failover): the pool reconnects, so
    // the client may simply try again.
    return { status: 503, body: { error: { code: 'unavailable', message: 'the database is unavailable for a moment; try again' } }, expected: false };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'something went wrong on our side' } }, expected: false };
}
