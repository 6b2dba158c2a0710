import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorBody, type ErrorDetail, isAppError } from './errors.js';

/** Scoping keys of compound unique indexes: not something the client chose, so not named in details. */
const SCOPE_KEYS = new Set(['ws', 'form', 'app', 'deleted', '_id']);

/**
 * A duplicate-key error (11000) that no module turned into its own error: a race two requests ran into a
 * unique index. 409 naming the clashing keys (not their values, which may belong to someone else).
 */
function duplicateKey(error: unknown): { status: number; body: ErrorBody } | undefined {
  const mongo = error as { code?: unknown; keyValue?: unknown; keyPattern?: unknown };
  if (mongo?.code !== 11000) return undefined;
  const keys = Object.keys((mongo.keyPattern ?? mongo.keyValue ?? {}) as object).filter(
    (key) => !SCOPE_KEYS.has(key),
  );
  const body: ErrorBody = {
    error: { code: 'CONFLICT', message: 'Something with the same key already exists' },
  };
  if (keys.length > 0) {
    body.error.details = keys.map((key) => ({ path: `/${key.replaceAll('.', '/')}`, message: 'is taken' }));
  }
  return { status: 409, body };
}

/** The status and body for any error thrown while serving a request. Never exposes a stack trace. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isAppError(error)) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details?.length) body.error.details = error.details;
    return { status: error.statusCode ?? 500, body };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'body';
    const details: ErrorDetail[] = fastifyError.validation.map((issue) => {
      // ajv reports a missing property at its parent; point at the property itself.
      const missing = (issue.params as { missingProperty?: string } | undefined)?.missingProperty;
      const extra = (issue.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const leaf = missing ?? extra;
      const path = `${issue.instancePath ?? ''}${leaf ? `/${leaf}` : ''}` || '/';
      const message = extra ? `unknown property "${extra}"` : (issue.message ?? 'is invalid');
      return { path: context === 'body' ? path : `/${context}${path === '/' ? '' : path}`, message };
    });
    return {
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: `Invalid request ${context}`, details } },
    };
  }
  const duplicate = duplicateKey(error);
  if (duplicate) return duplicate;
  // MaxTimeMSExpired: a query (e.g. a report over many records) ran past the time it was given.
  if ((error as { code?: unknown })?.code === 50) {
    return {
      status: 503,
      body: {
        error: {
          code: 'QUERY_TIMEOUT',
          message: 'The query took longer than allowed; narrow it with filters and try again',
        },
      },
    };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: { error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' } },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than allowed' } },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json' } },
      };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        body: { error: { code: 'BAD_REQUEST', message: 'Invalid Content-Length header' } },
      };
  }
  const status = fastifyError.statusCode;
  if (status === 429) {
    return {
      status,
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests, try again later' } },
    };
  }
  // Other 4xx raised by fastify itself (bad headers, malformed URLs) carry a safe message.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: { error: { code: 'BAD_REQUEST', message: fastifyError.message ?? 'Bad request' } },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } } };
}

/** Installs the one error handler of the API. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, status }, 'request rejected');
    return reply.status(status).send(body);
  });
}
