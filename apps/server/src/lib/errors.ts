import createError, { type FastifyErrorConstructor } from '@fastify/error';

/** One problem of a request, pointing at the offending part with a JSON pointer. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The error body every API failure answers with (ARCHITECTURE.md, principle 9). */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/**
 * The coded catalogue of the server's own errors, in the spirit of fastify's lib/errors.js: each
 * entry fixes the code and the HTTP status; the message is given where the error is raised.
 */
export const Errors = {
  VALIDATION_FAILED: createError('VALIDATION_FAILED', '%s', 400),
  UNAUTHORIZED: createError('UNAUTHORIZED', '%s', 401),
  FORBIDDEN: createError('FORBIDDEN', '%s', 403),
  NOT_FOUND: createError('NOT_FOUND', '%s', 404),
  CONFLICT: createError('CONFLICT', '%s', 409),
  PAYLOAD_TOO_LARGE: createError('PAYLOAD_TOO_LARGE', '%s', 413),
  UNPROCESSABLE: createError('UNPROCESSABLE', '%s', 422),
  RATE_LIMITED: createError('RATE_LIMITED', '%s', 429),
  STORE_UNAVAILABLE: createError('STORE_UNAVAILABLE', '%s', 503),
} satisfies Record<string, FastifyErrorConstructor>;

/** A catalogued error code. */
export type ErrorCode = keyof typeof Errors;

/** An error of the catalogue, optionally with per-field details. */
export type AppError = InstanceType<(typeof Errors)[ErrorCode]> & { details?: ErrorDetail[] };

/** Creates a catalogued error; the error handler turns it into the API's error body. */
export function appError(code: ErrorCode, message: string, details?: ErrorDetail[]): AppError {
  const error: AppError = new Errors[code](message);
  if (details) error.details = details;
  return error;
}

/** True for errors raised through {@link appError}. */
export function isAppError(error: unknown): error is AppError {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && Object.hasOwn(Errors, code);
}
