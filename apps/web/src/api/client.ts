/** One problem with one input field, as the server reports it. */
export interface ApiErrorDetail {
  /** JSON pointer of the offending input, e.g. `/owner/email`. */
  path: string;
  message: string;
  /** The flow node a problem concerns (flow publish checks). */
  node?: string;
}

/** The body every failing API call answers with. */
interface ApiErrorBody {
  error: { code: string; message: string; details?: ApiErrorDetail[] };
}

/** Codes the client produces itself when no server answer could be read. */
export const CLIENT_ERROR_CODES = {
  network: 'NETWORK_ERROR',
  badResponse: 'BAD_RESPONSE',
} as const;

/** A failed API call: the server's error shape, or a client-side code when the server was not reached. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ApiErrorDetail[] = [],
  ) {
    super(message);
  }

  /** True when the server could not be reached at all (offline, wrong port, proxy down). */
  get isNetworkError(): boolean {
    return this.code === CLIENT_ERROR_CODES.network;
  }
}

const TOKEN_KEY = 'formloom.token';

let requestLanguage = 'en';

/**
 * The UI language, sent as `Accept-Language` with every call so the server words its messages (errors,
 * validation details) in the language the user reads. Set by the i18n module on every switch.
 */
export function setRequestLanguage(language: string): void {
  requestLanguage = language;
}

/** The bearer token kept in localStorage; the httpOnly session cookie travels on its own. */
export const tokenStore = {
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      // Storage can be disabled (privacy mode); the session cookie still authenticates.
      return null;
    }
  },
  set(token: string): void {
    try {
      localStorage.setItem(TOKEN_KEY, token);
    } catch {
      /* cookie-only session */
    }
  },
  clear(): void {
    try {
      localStorage.removeItem(TOKEN_KEY);
    } catch {
      /* nothing stored */
    }
  },
};

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

function toDetails(value: unknown): ApiErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { path, message, node } = item as { path?: unknown; message?: unknown; node?: unknown };
    if (typeof message !== 'string') return [];
    return [
      { path: typeof path === 'string' ? path : '', message, ...(typeof node === 'string' ? { node } : {}) },
    ];
  });
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/**
 * Subscribes to "the server no longer accepts our credentials" (a 401 on any call but login), so the
 * session can send the user to sign in again. Returns the unsubscribe function.
 */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Calls where a 401 means "wrong input", not "session over". */
const CREDENTIAL_CHECKS = new Set(['/auth/login', '/auth/me', '/setup']);

/** Readable cookie the server sets beside the httpOnly session cookie; echoed on writes against CSRF. */
const CSRF_COOKIE = 'formloom_csrf';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Headers every call carries: credentials, CSRF (writes) and the UI language. */
export function authHeaders(method: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': requestLanguage };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  const csrf = SAFE_METHODS.has(method) ? null : readCookie(CSRF_COOKIE);
  if (csrf) headers[CSRF_HEADER] = csrf;
  return headers;
}

/** The error an answer's status and body mean (for callers that do not go through {@link apiRequest}). */
export function errorFromAnswer(status: number, statusText: string, text: string): ApiError {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (status === 401) for (const listener of unauthorizedListeners) listener();
  if (isApiErrorBody(parsed)) {
    const { code, message, details } = parsed.error;
    return new ApiError(status, code, message, toDetails(details));
  }
  return new ApiError(status, CLIENT_ERROR_CODES.badResponse, `${status} ${statusText}`);
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Options of one API call. */
export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>;
}

/**
 * Calls `/api/v1<path>` with JSON in and out. Resolves with the parsed body (undefined for 204),
 * rejects with an {@link ApiError} for every failure, including network errors.
 */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': requestLanguage,
    ...options.headers,
  };
  const token = tokenStore.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  // Cookie-authenticated writes must prove they come from this page; harmless next to a bearer token.
  const csrf = SAFE_METHODS.has(method) ? null : readCookie(CSRF_COOKIE);
  if (csrf) headers[CSRF_HEADER] = csrf;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, CLIENT_ERROR_CODES.network, cause instanceof Error ? cause.message : String(cause));
  }

  const text = await response.text();
  let parsed: unknown;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // A proxy's HTML error page, for instance: report the status rather than a parse failure.
      throw new ApiError(
        response.status,
        CLIENT_ERROR_CODES.badResponse,
        `${response.status} ${response.statusText}`,
      );
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !CREDENTIAL_CHECKS.has(path)) {
      for (const listener of unauthorizedListeners) listener();
    }
    if (isApiErrorBody(parsed)) {
      const { code, message, details } = parsed.error;
      throw new ApiError(response.status, code, message, toDetails(details));
    }
    throw new ApiError(
      response.status,
      CLIENT_ERROR_CODES.badResponse,
      `${response.status} ${response.statusText}`,
    );
  }
  return parsed as T;
}
