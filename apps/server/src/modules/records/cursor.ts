import { mongo } from 'mongoose';
import { appError, t } from '../../lib/errors.js';
import type { FilterField, MongoQuery } from '../../lib/filter-dsl/index.js';

const { EJSON } = mongo.BSON;

/** One key of a sort: a stored path and a direction. */
export interface SortKey {
  /** The sort as the client named it (`-amount`), kept in the cursor to detect a changed sort. */
  name: string;
  path: string;
  direction: 1 | -1;
}

const MAX_SORT_KEYS = 3;

/**
 * Parses `sort` (`amount`, `-amount,_createdAt`; `-` for descending) against the filterable fields.
 * `_id` always ends the sort so the order is total and cursors are stable.
 */
export function parseSort(raw: string | undefined, fields: ReadonlyMap<string, FilterField>): SortKey[] {
  const keys: SortKey[] = [];
  const parts = (raw ?? '-_createdAt').split(',').filter((part) => part.length > 0);
  if (parts.length > MAX_SORT_KEYS) {
    throw appError('VALIDATION_FAILED', 'record.invalidSort', [
      { path: '/query/sort', message: t('detail.sortKeys', { max: MAX_SORT_KEYS }) },
    ]);
  }
  for (const part of parts) {
    const descending = part.startsWith('-');
    const key = descending ? part.slice(1) : part;
    const field = fields.get(key);
    // A subform column holds one value per row: there is no one value to order the records by.
    if (!field || field.multiple || field.within || field.kind === 'opaque') {
      throw appError('VALIDATION_FAILED', 'record.invalidSort', [
        { path: '/query/sort', message: t('detail.cannotSort', { key: key.slice(0, 80) }) },
      ]);
    }
    if (field.path === '_id') continue;
    keys.push({ name: part, path: field.path, direction: descending ? -1 : 1 });
  }
  const last = keys.at(-1);
  keys.push({ name: '_id', path: '_id', direction: last?.direction ?? -1 });
  return keys;
}

/** The MongoDB sort document of a parsed sort. */
export function sortDocument(keys: readonly SortKey[]): Record<string, 1 | -1> {
  return Object.fromEntries(keys.map((key) => [key.path, key.direction]));
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[part];
  }
  return current ?? null;
}

/** An opaque cursor pointing just after `doc` in the given sort. */
export function encodeCursor(doc: Record<string, unknown>, keys: readonly SortKey[]): string {
  const payload = { s: keys.map((key) => key.name), k: keys.map((key) => valueAt(doc, key.path)) };
  return Buffer.from(EJSON.stringify(payload, { relaxed: false })).toString('base64url');
}

const badCursor = () =>
  appError('VALIDATION_FAILED', 'record.invalidCursor', [
    { path: '/query/cursor', message: 'detail.foreignCursor' },
  ]);

/** Values that never reach a query as operators: cursors are client-held, so check what comes back. */
function isPlainValue(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return value instanceof Date || value instanceof mongo.ObjectId;
}

/**
 * The condition selecting the documents after a cursor. Missing values sort first in MongoDB, so
 * "after null" ascending is "not null", and descending everything non-null comes before null.
 */
export function afterCursor(cursor: string, keys: readonly SortKey[]): MongoQuery {
  let payload: { s?: unknown; k?: unknown };
  try {
    payload = EJSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'), {
      relaxed: true,
    }) as typeof payload;
  } catch {
    throw badCursor();
  }
  const names = keys.map((key) => key.name);
  const values = payload.k;
  if (
    !Array.isArray(payload.s) ||
    payload.s.join(',') !== names.join(',') ||
    !Array.isArray(values) ||
    values.length !== keys.length ||
    !values.every(isPlainValue)
  ) {
    throw badCursor();
  }
  const branches: MongoQuery[] = [];
  keys.forEach((key, i) => {
    const equal = keys.slice(0, i).map((prior, j) => ({ [prior.path]: values[j] ?? null }));
    const after = strictlyAfter(key, values[i] ?? null);
    if (after) branches.push(equal.length > 0 ? { $and: [...equal, after] } : after);
  });
  return branches.length === 1 && branches[0] ? branches[0] : { $or: branches };
}

function strictlyAfter(key: SortKey, value: unknown): MongoQuery | undefined {
  if (key.direction === 1)
    return value === null ? { [key.path]: { $ne: null } } : { [key.path]: { $gt: value } };
  if (value === null) return undefined;
  return { $or: [{ [key.path]: { $lt: value } }, { [key.path]: null }] };
}
