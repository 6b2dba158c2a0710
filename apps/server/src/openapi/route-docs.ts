import type { JsonSchema } from './shapes.js';

/** One documented answer of a route. */
export interface ResponseDoc {
  description: string;
  /** The JSON body's schema; absent for answers without a body (204) or with a file body. */
  schema?: JsonSchema;
  /** A real answer of this shape (the tests check it against `schema`). */
  example?: unknown;
  /** For file answers (CSV, XLSX, a stored file): the content type. */
  contentType?: string;
}

/**
 * What the documentation adds to a route: the answers its handler gives, and for routes whose body is
 * validated inside the handler (by packages/schema) the body's shape and an example. Keys are
 * `METHOD /path` with the route's own `:param` names, below `/api/v1`.
 */
export interface RouteDoc {
  summary?: string;
  tags?: string[];
  /** The body's schema (when the route's own schema does not give it) and an example. */
  body?: { schema?: JsonSchema; example: unknown };
  responses: Record<number, ResponseDoc>;
}

export type RouteDocs = Record<string, RouteDoc>;
