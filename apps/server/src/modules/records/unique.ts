import type { AnyBulkWriteOperation, Connection, Types } from 'mongoose';
import { appError, t } from '../../lib/errors.js';
import type { FieldDef, FormDefinition } from '../forms/meta.js';
import { formModel } from '../forms/model.js';
import { type RecordDoc, recordModel } from './model.js';

/**
 * Unique fields of every form share ONE index of the `records` collection (MongoDB allows 64 indexes per
 * collection, so one index per form and field does not scale). Each live record stores
 * `uniq: ["<key>\u0000<canonical value>", ...]`, one entry per unique field holding a value; the index
 * `{ws, form, uniq}` is unique and multikey, so two records of one form conflict when they share any
 * entry. Soft-deleted records carry no `uniq` (restoring recomputes it from `data`).
 */
export const UNIQUE_INDEX = 'ws_form_uniq';

/** Separates a field key from the canonical value inside a `uniq` entry (keys never contain it). */
const SEPARATOR = '\u0000';

/** Names of the per-form unique indexes of the earlier design, dropped when found. */
const LEGACY_PREFIX = 'unique_';

/** The fields whose values must not repeat among the live records of a form. */
export function uniqueFields(definition: FormDefinition): FieldDef[] {
  return definition.fields.filter((field) => field.unique && !field.hidden && field.type !== 'subform');
}

/** JSON with object keys sorted, so equal values always serialise alike. */
function canonical(value: unknown): string {
  // Dates, ObjectIds and other BSON values serialise through their own toJSON.
  if (typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** True for values that repeat freely: missing, null, empty text and empty lists. */
function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** The `uniq` entries of a record's stored data under a definition (empty when no unique field holds a value). */
export function uniqueEntries(definition: FormDefinition, data: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const field of uniqueFields(definition)) {
    const value = data[field.key];
    if (!isEmpty(value)) out.push(`${field.key}${SEPARATOR}${canonical(value)}`);
  }
  return out;
}

/** The field key of a `uniq` entry. */
export function entryKey(entry: string): string {
  return entry.slice(0, entry.indexOf(SEPARATOR));
}

/**
 * The update parts that store `uniq` for `data`: `$set` when a unique field holds a value, otherwise
 * `$unset` (an empty array would itself be an index key that all such records share).
 */
export function uniqueUpdate(
  definition: FormDefinition,
  data: Record<string, unknown>,
): { set: { uniq?: string[] }; unset: { uniq?: '' } } {
  const entries = uniqueEntries(definition, data);
  return entries.length > 0 ? { set: { uniq: entries }, unset: {} } : { set: {}, unset: { uniq: '' } };
}

/**
 * The 409 for a write the unique index refused (a race the query in `checkUnique` cannot see), with the
 * path of the field whose value collided (read from the error's `keyValue.uniq`); undefined for any
 * other error.
 */
export function uniqueConflict(error: unknown): Error | undefined {
  const e = error as { code?: unknown; keyValue?: { uniq?: unknown } } | null;
  if (e?.code !== 11000) return undefined;
  const entry = e.keyValue?.uniq;
  if (typeof entry !== 'string') return undefined;
  return appError('CONFLICT', 'record.uniqueTaken', [
    { path: `/data/${entryKey(entry)}`, message: 'detail.uniqueTaken' },
  ]);
}

const ready = new WeakMap<Connection, Promise<void>>();

/**
 * Makes sure the shared unique index exists (once per connection; concurrent callers wait for the same
 * build). A store written by the earlier design still has `unique_<form>_<key>` indexes: then the
 * records of every form with unique fields get their `uniq` first and the old indexes are dropped.
 */
export function ensureUniqueIndex(connection: Connection): Promise<void> {
  let pending = ready.get(connection);
  if (!pending) {
    pending = buildUniqueIndex(connection).catch((error: unknown) => {
      ready.delete(connection);
      throw error;
    });
    ready.set(connection, pending);
  }
  return pending;
}

async function buildUniqueIndex(connection: Connection): Promise<void> {
  const collection = recordModel(connection).collection;
  await collection.createIndex(
    { ws: 1, form: 1, uniq: 1 },
    { name: UNIQUE_INDEX, unique: true, partialFilterExpression: { uniq: { $exists: true } } },
  );
  await migrateLegacyUniqueIndexes(connection);
}

/**
 * Moves a store of the earlier design over: when `unique_<form>_<key>` indexes exist, every form with
 * unique fields gets `uniq` on its live records, then those indexes are dropped. Returns how many were.
 */
export async function migrateLegacyUniqueIndexes(connection: Connection): Promise<number> {
  const collection = recordModel(connection).collection;
  const legacy = (await collection.listIndexes().toArray())
    .map((index) => String(index.name))
    .filter((name) => name.startsWith(LEGACY_PREFIX));
  if (legacy.length === 0) return 0;
  const forms = await formModel(connection)
    .find({ 'published.fields': { $elemMatch: { unique: true } } }, { _id: 1, ws: 1, published: 1 })
    .lean();
  // Stored duplicates (forms that were never enforced) keep the records without `uniq` rather than
  // failing startup; the duplicates stay visible and the next edit of such a record is checked.
  for (const form of forms) await backfillUnique(connection, form.ws, form._id, form.published, false);
  for (const name of legacy) await collection.dropIndex(name);
  return legacy.length;
}

/**
 * Stores `uniq` on every live record of a form under `definition` (after a publish changed which fields
 * are unique or converted their values). With `strict`, values repeated among the stored live records
 * answer 409 at `/fields/<i>/unique` before anything is written.
 */
export async function backfillUnique(
  connection: Connection,
  ws: Types.ObjectId,
  form: Types.ObjectId,
  definition: FormDefinition,
  strict: boolean,
  since?: Date,
): Promise<number> {
  const Records = recordModel(connection);
  const keys = uniqueFields(definition).map((field) => field.key);
  const projection: Record<string, 1> = { v: 1, uniq: 1 };
  for (const key of keys) projection[`data.${key}`] = 1;
  const query = { ws, form, deletedAt: null, ...(since ? { updatedAt: { $gte: since } } : {}) };
  const docs = await Records.find(query, projection).lean<
    Array<Pick<RecordDoc, '_id' | 'v' | 'data'> & { uniq?: string[] }>
  >();
  const computed = docs.map((doc) => uniqueEntries(definition, doc.data ?? {}));
  if (strict) {
    const seen = new Set<string>();
    for (const entry of computed.flat()) {
      if (!seen.has(entry)) {
        seen.add(entry);
        continue;
      }
      const index = definition.fields.findIndex((field) => field.key === entryKey(entry));
      throw appError('CONFLICT', t('form.uniqueRepeats', { field: entryKey(entry) }), [
        { path: `/fields/${index}/unique`, message: 'detail.uniqueRepeats' },
      ]);
    }
  }
  const clear: AnyBulkWriteOperation<RecordDoc>[] = [];
  const set: AnyBulkWriteOperation<RecordDoc>[] = [];
  docs.forEach((doc, i) => {
    const entries = computed[i] ?? [];
    if (canonical(doc.uniq ?? []) === canonical(entries)) return;
    // Guarded by `v`: a record written meanwhile got its entries from that write.
    const filter = { _id: doc._id, v: doc.v };
    if (doc.uniq) clear.push({ updateOne: { filter, update: { $unset: { uniq: '' } } as never } });
    if (entries.length > 0) set.push({ updateOne: { filter, update: { $set: { uniq: entries } } } });
  });
  // Old entries go first, so a value moving from one record to another (a converted type) cannot
  // collide with the entry it replaces.
  let duplicates = 0;
  for (const ops of [clear, set]) {
    for (let i = 0; i < ops.length; i += 1000) {
      await Records.bulkWrite(ops.slice(i, i + 1000), { ordered: false }).catch((error: unknown) => {
        if (!isDuplicateBulk(error)) throw error;
        if (strict) throw appError('CONFLICT', 'form.writtenMeanwhile');
        duplicates += duplicateCount(error);
      });
    }
  }
  return duplicates;
}

/**
 * How long after a publish records may still be written under the earlier definition: requests in
 * flight, and other server instances serving the definition from their read cache (CACHE_TTL_MS).
 */
export function catchUpDelayMs(cacheTtlMs: number): number {
  return cacheTtlMs + 5000;
}

/**
 * The second half of a publish that changed unique fields: records written since the publish began
 * under the earlier definition carry that definition's `uniq` entries, so they get the current ones.
 * A record that repeats a value another record already holds cannot take its entry; it is counted and
 * stays unenforced (the next edit of it is checked). Runs as a durable `uniqueCatchUp` job.
 */
export async function catchUpUnique(
  connection: Connection,
  payload: { ws: Types.ObjectId; form: Types.ObjectId; since: Date },
): Promise<{ form: string; unenforced: number }> {
  const form = await formModel(connection)
    .findOne({ ws: payload.ws, _id: payload.form }, { published: 1 })
    .lean();
  const unenforced = form?.published
    ? await backfillUnique(connection, payload.ws, payload.form, form.published, false, payload.since)
    : 0;
  return { form: payload.form.toHexString(), unenforced };
}

function duplicateCount(error: unknown): number {
  const e = error as { writeErrors?: unknown } | null;
  return Array.isArray(e?.writeErrors) ? e.writeErrors.length : 1;
}

function isDuplicateBulk(error: unknown): boolean {
  const e = error as { code?: unknown; writeErrors?: unknown } | null;
  if (e?.code === 11000) return true;
  const list = Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : [];
  return list.length > 0 && list.every((w: { code?: unknown }) => w.code === 11000);
}
