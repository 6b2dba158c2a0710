import { type Issue, toIssues } from '@formloom/schema';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type AppError,
  appError,
  type ErrorBody,
  type ErrorDetail,
  isAppError,
  renderAppError,
} from './errors.js';
import { issueText, type Locale, type PlainKey, pickLocale, render } from './messages/index.js';

/** Scoping keys of compound unique indexes: not something the client chose, so not named in details. */
const SCOPE_KEYS = new Set(['ws', 'form', 'app', 'deleted', '_id']);

/**
 * The language of the answers to a request: its `Accept-Language`, else the signed-in person's language
 * (`PATCH /auth/me { language }`), else English.
 */
export function requestLocale(
  request: Pick<FastifyRequest, 'headers'> & { user?: { language?: Locale | undefined } | null },
): Locale {
  const header = request.headers['accept-language'];
  // The client's own choice first; a request that names none reads the signed-in person's language.
  if (header === undefined || header === '') return request.user?.language ?? 'en';
  return pickLocale(header);
}

/**
 * A duplicate-key error (11000) that no module turned into its own error: a race two requests ran into a
 * unique index. 409 naming the clashing keys (not their values, which may belong to someone else).
 */
function duplicateKey(error: unknown) {
  const mongo = error as { code?: unknown; keyValue?: unknown; keyPattern?: unknown };
  if (mongo?.code !== 11000) return undefined;
  const keys = Object.keys((mongo.keyPattern ?? mongo.keyValue ?? {}) as object).filter(
    (key) => !SCOPE_KEYS.has(key),
  );
  return appError(
    'CONFLICT',
    'error.duplicateKey',
    keys.map((key) => ({ path: `/${key.replaceAll('.', '/')}`, message: 'detail.taken' })),
  );
}

const CONTEXT_TEXT: Readonly<Record<string, PlainKey>> = {
  body: 'request.invalidBody',
  querystring: 'request.invalidQuery',
  params: 'request.invalidParams',
  headers: 'request.invalidHeaders',
};

/** Schema validation of a route's input (ajv errors), worded through the schema package's locale files. */
function invalidInput(fastifyError: Partial<FastifyError>) {
  const context = fastifyError.validationContext ?? 'body';
  const base = context === 'body' ? '' : `/${context}`;
  const issues: Issue[] = toIssues(
    fastifyError.validation as unknown as Parameters<typeof toIssues>[0],
    base,
  );
  const details: ErrorDetail[] = issues.map((issue) => ({
    path: issue.path || '/',
    message: issueText(issue),
    code: issue.code,
  }));
  return appError('VALIDATION_FAILED', CONTEXT_TEXT[context] ?? 'request.invalidBody', details);
}

/** Errors Fastify and its plugins raise before a handler runs, as catalogued errors with our own words. */
const FASTIFY_CODES: Readonly<Record<string, { status: number; code: string; text: PlainKey }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', text: 'request.invalidJson' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', text: 'request.invalidJson' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', text: 'request.tooLarge' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', text: 'request.mediaType' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST', text: 'request.contentLength' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', text: 'request.badUrl' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'BAD_REQUEST', text: 'request.paramTooLong' },
  FST_ERR_ROUTE_MISSING_CONTENT_TYPE: { status: 400, code: 'BAD_REQUEST', text: 'request.missingBody' },
  FST_ERR_ROUTE_MISSING_CONTENT: { status: 400, code: 'BAD_REQUEST', text: 'request.missingBody' },
};

/**
 * The error as a catalogued error when it is a refusal of the request (a catalogued error, a schema
 * validation failure, a duplicate key nobody translated); undefined for anything else (a 5xx).
 */
export function asAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError?.validation)) return invalidInput(fastifyError);
  return duplicateKey(error);
}

/** The status and body for any error thrown while serving a request. Never exposes a stack trace. */
export function toErrorResponse(error: unknown, locale: Locale = 'en'): { status: number; body: ErrorBody } {
  if (isAppError(error)) return { status: error.statusCode ?? 500, body: renderAppError(error, locale) };
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) return toErrorResponse(invalidInput(fastifyError), locale);
  const duplicate = duplicateKey(error);
  if (duplicate) return toErrorResponse(duplicate, locale);
  const plain = (code: string, text: PlainKey) => ({ error: { code, message: render(text, locale) } });
  // MaxTimeMSExpired: a query (e.g. a report over many records) ran past the time it was given.
  if ((error as { code?: unknown })?.code === 50) {
    return { status: 503, body: plain('QUERY_TIMEOUT', 'error.queryTimeout') };
  }
  const code = fastifyError.code;
  const known =
    typeof code === 'string' && Object.hasOwn(FASTIFY_CODES, code) ? FASTIFY_CODES[code] : undefined;
  if (known) return { status: known.status, body: plain(known.code, known.text) };
  const status = fastifyError.statusCode;
  if (status === 429) return { status, body: plain('RATE_LIMITED', 'error.rateLimited') };
  // Other 4xx raised by fastify or a plugin (bad headers, malformed URLs): the status holds, in our words.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: plain('BAD_REQUEST', 'request.bad') };
  }
  return { status: 500, body: plain('INTERNAL_ERROR', 'error.internal') };
}

/** Installs the one error handler of the API. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error, requestLocale(request));
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else
      request.log.info(
        { code: body.error.code, status, reason: (error as Error)?.message },
        'request rejected',
      );
    const retryAfter = isAppError(error) ? error.retryAfter : undefined;
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return reply.status(status).send(body);
  });
}
