import { isDeepStrictEqual } from 'node:util';
import type { Types } from 'mongoose';
import { appError, notFound, t } from '../../lib/errors.js';
import { compileFilter } from '../../lib/filter-dsl/index.js';
import { isAdmin } from '../apps/caller.js';
import { type FormTarget, type RecordView, recordViews, visibleData } from './context.js';
import { afterCursor, encodeCursor, parseSort, sortDocument } from './cursor.js';
import { creationChanges } from './diff.js';
import { historyModel, type RecordDoc, recordModel } from './model.js';
import { relatedVisibility } from './visibility.js';

/** Query of the record list (API.md). */
export interface ListQuery {
  /** JSON of the filter DSL. */
  filter?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
  /** Comma-separated field keys to return (projection); all visible fields when absent. */
  fields?: string;
  /** `true` lists deleted records instead (workspace owners and admins, to restore them). */
  deleted?: boolean;
  /** Words to find in the form's text fields (each word in some text field the caller may see). */
  q?: string;
}

/** A page of records. */
export interface RecordPage {
  items: RecordView[];
  nextCursor: string | null;
}

function parseFilter(raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw appError('VALIDATION_FAILED', 'filter.invalid', [
      { path: '/query/filter', message: 'detail.notJson' },
    ]);
  }
}

const MAX_SEARCH_WORDS = 8;

/**
 * The `q` search as a filter: every word (case-insensitive) in some text field the caller may query —
 * text, long text, e-mail, phone, URL and serial fields, and text formulas and lookups. It goes through
 * the filter DSL's `contains`, so hidden fields are out of reach as in any filter. (Not `$text`: a text index
 * would also match hidden fields; docs/decisions/0005.)
 */
export function searchFilter(target: FormTarget, q: string | undefined): Record<string, unknown> {
  const words = (q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return {};
  const fields = [...target.queryFields]
    .filter(
      ([, field]) =>
        field.kind === 'text' && !field.multiple && !field.within && field.path.startsWith('data.'),
    )
    .map(([key]) => key);
  if (fields.length === 0) return { _id: { $in: [] } };
  const node = {
    and: words.map((word) => ({ or: fields.map((field) => ({ field, op: 'contains', value: word })) })),
  };
  return compileFilter(node, {
    fields: target.queryFields,
    context: {
      userId: target.caller.userId.toHexString(),
      now: target.now,
      timeZone: target.caller.timeZone,
    },
    basePath: '/query/q',
    limits: { maxNodes: MAX_SEARCH_WORDS * (fields.length + 1) + 1, maxStringLength: 200 },
  });
}

/** The `filter` query parameter (JSON of the filter DSL) as a MongoDB filter, for the caller. */
export function compileQueryFilter(target: FormTarget, raw: string | undefined): Record<string, unknown> {
  return compileFilter(parseFilter(raw), {
    fields: target.queryFields,
    context: {
      userId: target.caller.userId.toHexString(),
      departmentId: target.caller.department?.toHexString(),
      now: target.now,
      timeZone: target.caller.timeZone,
    },
    basePath: '/query/filter',
  });
}

function projection(target: FormTarget, raw: string | undefined): Record<string, 1> | undefined {
  if (!raw) return undefined;
  const keys = raw.split(',').filter((k) => k.length > 0);
  const known = new Set(
    target.form.definition.fields
      .filter((f) => !f.hidden && !target.access.hidden.has(f.key))
      .map((f) => f.key),
  );
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw appError('VALIDATION_FAILED', 'record.invalidFields', [
      { path: '/query/fields', message: t('detail.unknownFields', { fields: unknown.slice(0, 20) }) },
    ]);
  }
  const out: Record<string, 1> = {};
  for (const key of [
    'ws',
    'form',
    'formVersion',
    'owner',
    'dept',
    'createdBy',
    'createdAt',
    'updatedAt',
    'v',
    'flow',
    'deletedAt',
  ]) {
    out[key] = 1;
  }
  for (const key of keys) out[`data.${key}`] = 1;
  // Values shown record by record are masked by the relations they came through: read those too (the
  // view then keeps only the keys asked for).
  for (const [key, relations] of target.access.perRecord) {
    if (!keys.includes(key.split('.')[0] ?? key)) continue;
    for (const relation of relations) out[`data.${relation.split('.')[0]}`] = 1;
  }
  return out;
}

/** The keys a projection asked for, or undefined for whole records. */
function projected(raw: string | undefined): Set<string> | undefined {
  return raw ? new Set(raw.split(',').filter((k) => k.length > 0)) : undefined;
}

/**
 * Lists the records the caller may view: the client's filter (compiled from the DSL, never passed
 * through) is and-ed with the access scope; sorted with `_id` last; paginated by an opaque cursor.
 */
export async function listRecords(target: FormTarget, query: ListQuery): Promise<RecordPage> {
  if (query.deleted && !isAdmin(target.caller)) throw appError('FORBIDDEN', 'record.deletedAdminsOnly');
  const filter = compileQueryFilter(target, query.filter);
  const search = searchFilter(target, query.q);
  const keys = parseSort(query.sort, target.queryFields);
  const clauses: Record<string, unknown>[] = [{ deletedAt: query.deleted ? { $ne: null } : null }];
  if (Object.keys(filter).length > 0) clauses.push(filter);
  if (Object.keys(search).length > 0) clauses.push(search);
  if (query.cursor) clauses.push(afterCursor(query.cursor, keys));
  const scoped = target.access.filter('view', flatten(clauses));
  if (!scoped) throw appError('FORBIDDEN', 'record.mayNotView');
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  const docs = await recordModel(target.connection)
    .find(scoped, projection(target, query.fields))
    .sort(sortDocument(keys))
    .limit(limit + 1)
    .lean<RecordDoc[]>();
  const page = docs.slice(0, limit);
  const last = page.at(-1);
  const asked = projected(query.fields);
  const items = await recordViews(target, page);
  if (asked) {
    for (const item of items) {
      item.data = Object.fromEntries(Object.entries(item.data).filter(([key]) => asked.has(key)));
    }
  }
  return {
    items,
    nextCursor:
      docs.length > limit && last ? encodeCursor(last as unknown as Record<string, unknown>, keys) : null,
  };
}

/**
 * And-s clauses as one flat query when their keys do not collide, so the store's planner sees
 * `{ 'data.<key>': value }` next to `ws` and `form` and can use the field's index; `$and` otherwise.
 */
export function flatten(clauses: Record<string, unknown>[]): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const rest: Record<string, unknown>[] = [];
  for (const clause of clauses) {
    const parts =
      Array.isArray(clause.$and) && Object.keys(clause).length === 1
        ? (clause.$and as Record<string, unknown>[])
        : [clause];
    for (const part of parts) {
      const keys = Object.keys(part);
      if (
        keys.some((key) => key.startsWith('$') || Object.hasOwn(flat, key) || key === 'ws' || key === 'form')
      )
        rest.push(part);
      else Object.assign(flat, part);
    }
  }
  if (rest.length > 0) flat.$and = rest;
  return flat;
}

/** One entry of a record's history. */
export interface HistoryEntry {
  v: number;
  action: string;
  by: string | null;
  at: string;
  changes: Array<{ key: string; from?: unknown; to?: unknown }>;
  /** What the approval flow did at this version (action `flow`): its timeline entries. */
  flow?: unknown;
}

/**
 * The changes of a record the caller may view, oldest first, each value as the caller may see it: hidden
 * fields' changes are left out, hidden subform columns taken out of rows, and values of related records
 * the caller may not view masked — with the relations the record held at that version, replayed from the
 * history itself. A change that shows nothing to the caller is left out.
 */
export async function recordHistory(target: FormTarget, id: Types.ObjectId): Promise<HistoryEntry[]> {
  const filter = target.access.filter('view', { _id: id });
  const visible = filter ? await recordModel(target.connection).exists(filter) : null;
  if (!visible) throw notFound('Record');
  const entries = await historyModel(target.connection)
    .find({ ws: target.caller.ws, record: id })
    .sort({ v: 1, _id: 1 })
    .lean();
  // The record's data before and after each entry.
  const states: Array<{ before: Record<string, unknown>; after: Record<string, unknown> }> = [];
  // A create's entry keeps its values as one object (model.ts: `values`); older ones a change per field.
  const stored = entries.map((entry) =>
    entry.values ? creationChanges(entry.values) : (entry.changes ?? []),
  );
  let state: Record<string, unknown> = {};
  for (const entryChanges of stored) {
    const after = { ...state };
    for (const change of entryChanges) {
      if (change.to === undefined) delete after[change.key];
      else after[change.key] = change.to;
    }
    states.push({ before: state, after });
    state = after;
  }
  const visibility = await relatedVisibility(
    target,
    target.access,
    states.flatMap(({ before, after }) => [before, after]),
  );
  const seen = (data: Record<string, unknown>, key: string, value: unknown) =>
    value === undefined ? undefined : visibleData(target, { ...data, [key]: value }, visibility)[key];
  return entries.map((entry, i) => {
    const { before, after } = states[i] ?? { before: {}, after: {} };
    const changes: HistoryEntry['changes'] = [];
    for (const change of stored[i] ?? []) {
      const from = seen(before, change.key, change.from);
      const to = seen(after, change.key, change.to);
      if (isDeepStrictEqual(from, to)) continue;
      changes.push({
        key: change.key,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      });
    }
    return {
      v: entry.v,
      action: entry.action,
      by: entry.by ? entry.by.toHexString() : null,
      at: entry.at.toISOString(),
      changes,
      ...(entry.flow === undefined ? {} : { flow: entry.flow }),
    };
  });
}
