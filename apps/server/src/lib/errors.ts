import createError, { type FastifyErrorConstructor } from '@fastify/error';
import { type Locale, type Message, type PlainKey, render, type Text, t } from './messages/index.js';

export {
  issueText,
  localizedText,
  type Message,
  type MessageKey,
  type PlainKey,
  type Text,
  t,
} from './messages/index.js';

/**
 * One problem of a request, pointing at the offending part with a JSON pointer. The message is a
 * {@link Text}, rendered in the client's language when the answer is written; `code` names the issue
 * for clients that word problems themselves (issues of the pure packages carry it).
 */
export interface ErrorDetail {
  path: string;
  message: Text;
  code?: string;
  /** The approval-flow node a detail is about (flow publish checks). */
  node?: string | null;
}

/** A detail as the client reads it. */
export interface RenderedDetail {
  path: string;
  message: string;
  code?: string;
  node?: string | null;
}

/** The error body every API failure answers with (ARCHITECTURE.md, principle 9). */
export interface ErrorBody {
  error: { code: string; message: string; details?: RenderedDetail[] };
}

/**
 * The coded catalogue of the server's own errors, in the spirit of fastify's lib/errors.js: each
 * entry fixes the code and the HTTP status; the text, a key of the message catalogue
 * (lib/messages/en.ts, zh-CN.ts), is given where the error is raised.
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

/**
 * An error of the catalogue: its text (rendered per request; `message` holds the English rendering for
 * logs), optional per-field details, and for 429 the seconds after which a retry can succeed.
 */
export type AppError = InstanceType<(typeof Errors)[ErrorCode]> & {
  /** Always a {@link Message} (a bare key is wrapped), so it can go into another message's params. */
  text: Message;
  details?: ErrorDetail[];
  retryAfter?: number;
};

/** Creates a catalogued error; the error handler turns it into the API's error body. */
export function appError(code: ErrorCode, text: Text, details?: ErrorDetail[]): AppError {
  const error = new Errors[code](render(text, 'en')) as AppError;
  error.text = typeof text === 'string' ? t(text) : text;
  if (details) error.details = details;
  return error;
}

/** True for errors raised through {@link appError}. */
export function isAppError(error: unknown): error is AppError {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && Object.hasOwn(Errors, code) && 'text' in error;
}

/** Details in `locale`. */
export function renderDetails(details: readonly ErrorDetail[], locale: Locale): RenderedDetail[] {
  return details.map((d) => ({
    path: d.path,
    message: render(d.message, locale),
    ...(d.code ? { code: d.code } : {}),
    ...(d.node !== undefined ? { node: d.node } : {}),
  }));
}

/** The API body of a catalogued error in `locale` (also for errors reported inside a 2xx answer). */
export function renderAppError(error: AppError, locale: Locale): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: render(error.text, locale) } };
  if (error.details?.length) body.error.details = renderDetails(error.details, locale);
  return body;
}

/** What a 404 can be about, each with its "… not found" text in the catalogue. */
const NOT_FOUND_TEXTS = {
  App: 'app.notFound',
  Automation: 'automation.notFound',
  Notification: 'notification.notFound',
  Run: 'automation.runNotFound',
  'API token': 'token.notFound',
  Department: 'department.notFound',
  File: 'file.notFound',
  Flow: 'flow.notFound',
  Form: 'form.notFound',
  Import: 'import.notFound',
  Invitation: 'invitation.notFound',
  Member: 'member.notFound',
  Record: 'record.notFound',
  Task: 'task.notFound',
  View: 'view.notFound',
  Workspace: 'workspace.notFound',
} as const satisfies Record<string, PlainKey>;

/** A thing a 404 names. */
export type Thing = keyof typeof NOT_FOUND_TEXTS;

/** 404 for `what` (also what a malformed id or another workspace's id answers). */
export function notFound(what: Thing): AppError {
  return appError('NOT_FOUND', NOT_FOUND_TEXTS[what]);
}
