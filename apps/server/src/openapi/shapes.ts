/**
 * JSON Schema pieces the API's documented answers are made of (OpenAPI 3.1 schemas are JSON Schema
 * 2020-12). They document; they never validate or serialise a request (see transform.ts).
 */
export type JsonSchema = Record<string, unknown>;

export const str: JsonSchema = { type: 'string' };
export const int: JsonSchema = { type: 'integer' };
export const num: JsonSchema = { type: 'number' };
export const bool: JsonSchema = { type: 'boolean' };
/** A MongoDB ObjectId as the API writes it: 24 hex digits. */
export const id: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{24}$' };
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
/** Any JSON object: record data, formula values, a definition validated by packages/schema. */
export const open: JsonSchema = { type: 'object', additionalProperties: true };
/** Any JSON value. */
export const any: JsonSchema = {};

export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/** An object whose listed properties are all required unless named in `optional`. */
export function object(properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: true,
  };
}

/** A text in several languages (`zh-CN`, `en`). */
export const label: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** The error body every failure answers with (ARCHITECTURE.md). */
export const errorBody: JsonSchema = object({
  error: object(
    {
      code: str,
      message: str,
      details: arrayOf(object({ path: str, message: str })),
    },
    ['details'],
  ),
});

/** A page of a cursor-paginated list. */
export const page = (items: JsonSchema): JsonSchema =>
  object({ items: arrayOf(items), nextCursor: nullable(str) }, ['nextCursor']);

/** A record as a caller sees it (fields their roles hide are absent). */
export const recordView: JsonSchema = object(
  {
    id,
    form: id,
    formVersion: int,
    data: open,
    owner: id,
    dept: nullable(id),
    createdBy: id,
    createdAt: dateTime,
    updatedAt: dateTime,
    v: int,
    flow: open,
    deletedAt: dateTime,
  },
  ['flow', 'deletedAt'],
);
