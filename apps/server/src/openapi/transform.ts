import type { FastifySchema } from 'fastify';
import { ROUTE_DOCS } from './docs/index.js';
import type { RouteDoc } from './route-docs.js';
import { errorBody, type JsonSchema } from './shapes.js';

const PREFIX = '/api/v1';

/** Every failure answers the error body; the examples are the catalogue's own codes. */
const ERRORS: Record<string, { description: string; example: unknown }> = {
  '4xx': {
    description:
      'The request was refused (400 invalid, 401 not signed in, 403 not allowed, 404 not found or not visible, 409 conflict, 413 too large, 422 not processable, 429 rate limited)',
    example: {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Invalid record',
        details: [{ path: '/data/amount', message: 'must be a number' }],
      },
    },
  },
};

/** The documentation entry of a route, by method and URL as Fastify registered them. */
export function routeDoc(method: string, url: string): RouteDoc | undefined {
  const path = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : url;
  return ROUTE_DOCS[`${method} ${path}`];
}

/**
 * @fastify/swagger's `transform`: the route's own schema (which validates its requests and serialises its
 * answers) completed for the documentation only — its answers from the route docs, the body shape of
 * handlers that validate their bodies themselves, and the error body. Nothing here reaches validation or
 * serialisation, so documenting a route cannot change what it accepts or answers.
 */
export function documentRoute({
  schema,
  url,
  route,
}: {
  schema: FastifySchema | undefined;
  url: string;
  route: { method: string | string[] };
}): { schema: FastifySchema; url: string } {
  const method = Array.isArray(route.method) ? (route.method[0] ?? 'GET') : route.method;
  const doc = routeDoc(method, url);
  const out: JsonSchema = { ...((schema ?? {}) as JsonSchema) };
  if (!doc) return { schema: out, url };
  if (doc.summary && !out.summary) out.summary = doc.summary;
  if (doc.tags && !out.tags) out.tags = doc.tags;
  if (doc.body) {
    const own = out.body as JsonSchema | undefined;
    out.body = { ...(own ?? doc.body.schema ?? {}), examples: [doc.body.example] };
  }
  const responses: Record<string, JsonSchema> = { ...((out.response as Record<string, JsonSchema>) ?? {}) };
  for (const [status, answer] of Object.entries(doc.responses)) {
    // A route's own answer schema (it serialises the answer) stays; the docs add the example.
    const own = responses[status];
    const { description: _, ...ownSchema } = own ?? {};
    const schema = answer.schema ?? (own ? ownSchema : undefined);
    responses[status] = responseSchema(answer.description, schema, answer.example, answer.contentType);
  }
  for (const [status, answer] of Object.entries(ERRORS)) {
    if (!responses[status]) responses[status] = responseSchema(answer.description, errorBody, answer.example);
  }
  out.response = responses;
  return { schema: out, url };
}

function responseSchema(
  description: string,
  schema: JsonSchema | undefined,
  example: unknown,
  contentType?: string,
): JsonSchema {
  if (contentType) {
    return { description, content: { [contentType]: { schema: { type: 'string', format: 'binary' } } } };
  }
  if (!schema) return { description, type: 'null' };
  return { ...schema, description, ...(example === undefined ? {} : { examples: [example] }) };
}
