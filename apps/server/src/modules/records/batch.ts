import { Types } from 'mongoose';
import { asAppError } from '../../lib/error-handler.js';
import {
  type AppError,
  appError,
  type ErrorBody,
  type ErrorDetail,
  notFound,
  renderAppError,
  type Text,
  t,
} from '../../lib/errors.js';
import type { Locale } from '../../lib/messages/index.js';
import { prefetchBatch } from './batch-reads.js';
import { type FormTarget, type RecordView, recordView } from './context.js';
import { type RecordChange, scheduleDependantsOfMany } from './dependants.js';
import { type RecordDoc, recordModel } from './model.js';
import { relatedVisibility } from './visibility.js';
import {
  changeScope,
  commitCreates,
  commitUpdate,
  type PreparedCreate,
  type PreparedUpdate,
  prepareCreate,
  prepareUpdate,
} from './write.js';

/** Records one batch call may carry. */
export const BATCH_LIMIT = 1000;
/** Records checked and computed at once (each reads the store a few times). */
const CONCURRENCY = 16;

/** A batch of creates or upserts (`POST .../records/batch`). */
export interface BatchBody {
  records: Array<{ data?: unknown }>;
  mode?: 'create' | 'upsert';
  /** The unique field that finds the record an upsert updates. */
  key?: string;
  /** All or nothing: any refused record refuses the whole call, and nothing is written. */
  atomic?: boolean;
}

/** A batch of updates with versions (`PATCH .../records/batch`). */
export interface BatchUpdateBody {
  records: Array<{ id: string; v: number; data?: unknown }>;
  atomic?: boolean;
}

/** What became of one record of a batch, as the answer says it. */
export type BatchResult =
  | { index: number; ok: true; action: 'created' | 'updated'; record: RecordView }
  | { index: number; ok: false; status: number; error: ErrorBody['error'] };

/** What became of one record before the written ones are viewed for the caller; a refusal keeps its error, worded for the client at the end. */
type Outcome = { index: number; ok: true; action: 'created' | 'updated' } | Refusal;
type Refusal = { index: number; ok: false; status: number; error: AppError };

/** The answer of a batch call. */
export interface BatchAnswer {
  results: BatchResult[];
  created: number;
  updated: number;
  failed: number;
}

/** Runs `work` over the items with at most {@link CONCURRENCY} at once, keeping their order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
  return out;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** A record's refusal; anything that is not a refusal of the record (a 5xx) fails the whole call. */
function failure(index: number, error: unknown): Refusal {
  const refusal = asAppError(error);
  if (!refusal) throw error;
  return { index, ok: false, status: refusal.statusCode ?? 400, error: refusal };
}

/**
 * Refuses a whole all-or-nothing batch: the status of the first refused record, and every refusal as
 * details under `/records/<index>`.
 */
function refuseAll(failed: readonly Refusal[], total: number): never {
  const first = failed[0];
  const details: ErrorDetail[] = failed.flatMap((f) =>
    f.error.details?.length
      ? f.error.details.map((d) => ({ ...d, path: `/records/${f.index}${d.path === '/' ? '' : d.path}` }))
      : [{ path: `/records/${f.index}`, message: f.error.text }],
  );
  const code = first?.status === 409 ? 'CONFLICT' : first?.status === 403 ? 'FORBIDDEN' : 'VALIDATION_FAILED';
  throw appError(code, t('batch.refused', { failed: failed.length, total }), details);
}

/**
 * The answer of a batch: the written records (`written`, by index) viewed as the caller may see them,
 * with one visibility query per related form for all of them (lookups are masked per caller), and
 * refusals worded in the client's language.
 */
async function answer(
  target: FormTarget,
  outcomes: Outcome[],
  written: ReadonlyMap<number, RecordDoc>,
  locale: Locale,
): Promise<BatchAnswer> {
  const visibility = await relatedVisibility(
    target,
    target.access,
    [...written.values()].map((doc) => doc.data ?? {}),
  );
  const results = outcomes
    .sort((a, b) => a.index - b.index)
    .map((outcome): BatchResult => {
      if (!outcome.ok) return { ...outcome, error: renderAppError(outcome.error, locale).error };
      const doc = written.get(outcome.index) as RecordDoc;
      return { ...outcome, record: recordView(target, doc, visibility) };
    });
  return {
    results,
    created: results.filter((r) => r.ok && r.action === 'created').length,
    updated: results.filter((r) => r.ok && r.action === 'updated').length,
    failed: results.filter((r) => !r.ok).length,
  };
}

/** The unique field an upsert matches on, visible and writable to the caller. */
function upsertKey(target: FormTarget, key: string | undefined): string {
  const field = target.form.definition.fields.find((f) => f.key === key && !f.hidden);
  if (!key || !field || target.access.hidden.has(key)) {
    throw appError('VALIDATION_FAILED', 'batch.invalid', [{ path: '/key', message: 'detail.upsertKey' }]);
  }
  if (field.unique !== true) {
    throw appError('VALIDATION_FAILED', 'batch.invalid', [
      { path: '/key', message: t('detail.notUniqueKey', { key }) },
    ]);
  }
  return key;
}

/**
 * Finds, for an upsert, the live record holding each key value. A record the caller may not edit answers
 * like a taken unique value (it is one), never with its id or owner.
 */
async function existingByKey(target: FormTarget, key: string, values: unknown[]) {
  const present = values.filter((v) => v !== undefined && v !== null && v !== '');
  if (present.length === 0) return new Map<string, RecordDoc | 'taken'>();
  const { connection, caller, form } = target;
  const holders = await recordModel(connection)
    .find({ ws: caller.ws, form: form.id, deletedAt: null, [`data.${key}`]: { $in: present } })
    .lean<RecordDoc[]>();
  const editable = target.access.filter('edit', { _id: { $in: holders.map((h) => h._id) }, deletedAt: null });
  const mine = editable ? await recordModel(connection).find(editable).lean<RecordDoc[]>() : [];
  const mineIds = new Set(mine.map((d) => d._id.toHexString()));
  const out = new Map<string, RecordDoc | 'taken'>();
  for (const h of holders) {
    out.set(JSON.stringify(h.data[key]), mineIds.has(h._id.toHexString()) ? h : 'taken');
  }
  return out;
}

/**
 * Creates (or, in `upsert` mode, creates or updates by a unique field) up to {@link BATCH_LIMIT} records
 * with the same checks, formulas, rollups, access rules, history and notifications as single writes.
 * Records are checked and computed concurrently, then all new ones are stored with one insert. Partial
 * mode answers a result per record; `atomic` refuses the whole batch when any record is refused.
 */
export async function batchWrite(
  target: FormTarget,
  body: BatchBody,
  locale: Locale = 'en',
): Promise<BatchAnswer> {
  const mode = body.mode ?? 'create';
  const key = mode === 'upsert' ? upsertKey(target, body.key) : null;
  const inputs = body.records;
  const existing = key
    ? await existingByKey(
        target,
        key,
        inputs.map((r) => dataOf(r)[key]),
      )
    : null;
  const seen = new Map<string, number>();
  // The records of a batch see the store as it was before all of them: identical lookups and rollups
  // (a rollup by the same customer) are asked once.
  const memo = new Map<string, Promise<unknown>>();
  if (!key) prefetchBatch(target, inputs.map(dataOf), memo);

  type Plan = { kind: 'create'; prepared: PreparedCreate } | { kind: 'update'; prepared: PreparedUpdate };
  const planned = await mapLimited(inputs, async (record, index): Promise<Settled<Plan>> => {
    if (!key || !existing)
      return settle(prepareCreate(target, record, { memo }).then((p) => ({ kind: 'create', prepared: p })));
    const value = dataOf(record)[key];
    const at = (message: Text) => [{ path: `/data/${key}`, message }];
    if (value === undefined || value === null || value === '') {
      return { ok: false, error: appError('VALIDATION_FAILED', 'record.invalid', at('detail.upsertValue')) };
    }
    const id = JSON.stringify(value);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      const repeated = at(t('detail.repeatsBatchKey', { index: earlier }));
      return { ok: false, error: appError('VALIDATION_FAILED', 'record.invalid', repeated) };
    }
    seen.set(id, index);
    const holder = existing.get(id);
    if (holder === 'taken') {
      return { ok: false, error: appError('CONFLICT', 'record.uniqueTaken', at('detail.uniqueTaken')) };
    }
    if (holder) {
      return settle(
        prepareUpdate(target, holder._id, { data: record.data, v: holder.v }).then((p) => ({
          kind: 'update',
          prepared: p,
        })),
      );
    }
    return settle(prepareCreate(target, record, { memo }).then((p) => ({ kind: 'create', prepared: p })));
  });

  const results: Outcome[] = [];
  const written = new Map<number, RecordDoc>();
  const refused = planned.flatMap((p, i) => (p.ok ? [] : [failure(i, p.error)]));
  if (body.atomic && refused.length > 0) refuseAll(refused, inputs.length);
  results.push(...refused);

  // Updates first: they can be written back if a create of an all-or-nothing batch is refused after them,
  // while creates are stored together and removed together (commitCreates).
  const updates = planned.flatMap((p, i) =>
    p.ok && p.value.kind === 'update' ? [{ i, p: p.value.prepared }] : [],
  );
  const updated = await commitUpdates(target, updates, results, written, body.atomic === true, inputs.length);
  const creates = planned.flatMap((p, i) =>
    p.ok && p.value.kind === 'create' ? [{ i, p: p.value.prepared }] : [],
  );
  const outcomes = await commitCreates(
    target,
    creates.map((c) => c.p),
    { atomic: body.atomic === true },
  );
  const createFailures: Refusal[] = [];
  outcomes.forEach((outcome, n) => {
    const index = creates[n]?.i ?? -1;
    if (outcome.ok) {
      written.set(index, outcome.doc);
      results.push({ index, ok: true, action: 'created' });
    } else if (!outcome.collateral || !body.atomic) createFailures.push(failure(index, outcome.error));
  });
  if (body.atomic && createFailures.length > 0) {
    await writeBack(target, updated);
    refuseAll(createFailures, inputs.length);
  }
  results.push(...createFailures);
  return answer(target, results, written, locale);
}

function dataOf(record: { data?: unknown }): Record<string, unknown> {
  const data = record.data;
  return data !== null && typeof data === 'object' && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : {};
}

/**
 * Stores prepared updates one by one (each guarded by its version) and answers what it wrote. In an atomic
 * batch a record changed meanwhile writes back what the batch already updated and refuses the batch.
 */
async function commitUpdates(
  target: FormTarget,
  updates: Array<{ i: number; p: PreparedUpdate }>,
  results: Outcome[],
  written: Map<number, RecordDoc>,
  atomic: boolean,
  total: number,
): Promise<Array<{ p: PreparedUpdate; after: RecordDoc }>> {
  const done: Array<{ p: PreparedUpdate; after: RecordDoc }> = [];
  // What depends on the records is scheduled once for the batch (one job per dependent field).
  const changes: RecordChange[] = [];
  try {
    for (const { i, p } of updates) {
      const outcome = await settle(commitUpdate(target, p, { changes }));
      if (outcome.ok) {
        done.push({ p, after: outcome.value });
        written.set(i, outcome.value);
        results.push({ index: i, ok: true, action: 'updated' });
        continue;
      }
      const refused = failure(i, outcome.error);
      if (!atomic) {
        results.push(refused);
        continue;
      }
      await writeBack(target, done);
      refuseAll([refused], total);
    }
  } finally {
    await scheduleDependantsOfMany(changeScope(target), changes);
  }
  return done;
}

/** Writes back the values an all-or-nothing batch had updated before one of its records was refused. */
async function writeBack(target: FormTarget, updated: Array<{ p: PreparedUpdate; after: RecordDoc }>) {
  for (const { p, after } of updated) {
    await settle(commitUpdate(target, { current: after, data: p.current.data, files: [] }));
  }
}

/**
 * Updates up to {@link BATCH_LIMIT} records, each with the version the caller edited, with the same checks
 * as single updates. Partial mode answers a result per record; `atomic` checks every record first and writes
 * nothing when any is refused.
 */
export async function batchUpdate(
  target: FormTarget,
  body: BatchUpdateBody,
  locale: Locale = 'en',
): Promise<BatchAnswer> {
  const planned = await mapLimited(body.records, (record) => {
    if (!Types.ObjectId.isValid(record.id)) {
      return Promise.resolve<Settled<PreparedUpdate>>({
        ok: false,
        error: notFound('Record'),
      });
    }
    return settle(prepareUpdate(target, new Types.ObjectId(record.id), record));
  });
  const results: Outcome[] = [];
  const written = new Map<number, RecordDoc>();
  const refused = planned.flatMap((p, i) => (p.ok ? [] : [failure(i, p.error)]));
  if (body.atomic && refused.length > 0) refuseAll(refused, body.records.length);
  results.push(...refused);
  const updates = planned.flatMap((p, i) => (p.ok ? [{ i, p: p.value }] : []));
  await commitUpdates(target, updates, results, written, body.atomic === true, body.records.length);
  return answer(target, results, written, locale);
}
