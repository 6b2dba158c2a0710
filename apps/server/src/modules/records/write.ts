import { type Connection, Types } from 'mongoose';
import { appError, notFound, t } from '../../lib/errors.js';
import { groupInsert } from '../../lib/group-insert.js';
import { isAdmin } from '../apps/caller.js';
import { attachFiles, checkFiles } from '../files/attach.js';
import { settleFiles } from '../files/detach.js';
import { publishRecordChange } from '../realtime/bus.js';
import { applyAutoLinks } from './auto-link.js';
import { checkPeople, checkRelations, checkUnique } from './checks.js';
import { computeRecord } from './compute.js';
import {
  type FormTarget,
  forbidden,
  hiddenValues,
  type RecordView,
  requireObject,
  validateData,
  viewOf,
  writableValues,
} from './context.js';
import { applyDefaults } from './defaults.js';
import {
  type ChangeScope,
  type RecordChange,
  scheduleDependants,
  scheduleDependantsOfMany,
} from './dependants.js';
import { creationValues, diffData } from './diff.js';
import { historyModel, type RecordDoc, type RecordHistoryDoc, recordModel } from './model.js';
import {
  counterId,
  formatSerial,
  nextSequence,
  nextSequences,
  releaseSequence,
  type SerialSettings,
  serialPeriod,
} from './serial.js';
import { assertStorable } from './size.js';
import { ensureUniqueIndex, uniqueConflict, uniqueEntries, uniqueUpdate } from './unique.js';
import { recordWritten } from './write-hooks.js';

/** `$set` and, when some part is to be removed, `$unset` of one update (an empty `$unset` is refused). */
function setAndUnset(set: Record<string, unknown>, unset: Record<string, ''>) {
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

/** Where a write of `target` happened, for scheduling what depends on it. */
export function changeScope(target: FormTarget): ChangeScope {
  return {
    connection: target.connection,
    ws: target.caller.ws,
    directory: target.directory,
    form: target.form,
  };
}

function computeContext(
  target: FormTarget,
  owner: Types.ObjectId,
  dept: Types.ObjectId | null | undefined,
  memo?: Map<string, Promise<unknown>>,
) {
  return {
    ...(memo ? { memo } : {}),
    connection: target.connection,
    ws: target.caller.ws,
    forms: target.directory,
    userId: owner.toHexString(),
    ...(dept ? { departmentId: dept.toHexString() } : {}),
    timeZone: target.caller.timeZone,
    now: target.now,
  };
}

/** Values of `system` fields, mirrored into data so formulas and exports can use them. */
function systemValues(
  target: FormTarget,
  doc: Pick<RecordDoc, 'owner' | 'dept' | 'createdBy' | 'createdAt' | 'updatedAt'>,
) {
  const out: Record<string, unknown> = {};
  for (const field of target.form.definition.fields) {
    if (field.type !== 'system' || field.hidden) continue;
    const source: Record<string, unknown> = {
      creator: doc.createdBy.toHexString(),
      owner: doc.owner.toHexString(),
      department: doc.dept ? doc.dept.toHexString() : null,
      createdAt: doc.createdAt.toISOString(),
      updatedAt: doc.updatedAt.toISOString(),
    };
    out[field.key] = source[String(field.source)] ?? null;
  }
  return out;
}

/**
 * Runs the checks that read the store (relations, people, unique values) at the same time; when several
 * fail, the first in this order answers, as if they had run one after another.
 */
async function checkReferences(
  target: FormTarget,
  data: Record<string, unknown>,
  current?: RecordDoc,
  memo?: Map<string, Promise<unknown>>,
): Promise<void> {
  const outcomes = await Promise.allSettled([
    checkRelations(target, data, current?.data, memo),
    checkPeople(target, data, memo),
    checkUnique(target, data, current?._id),
  ]);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}

/** Serial fields of the form that number new records. */
function serialFields(target: FormTarget) {
  return target.form.definition.fields.filter((field) => field.type === 'serial' && !field.hidden);
}

/** Takes the next number of every serial field (in parallel: each field has its own counter). */
async function takeSerials(target: FormTarget, data: Record<string, unknown>) {
  const { form, caller, connection, now } = target;
  return Promise.all(
    serialFields(target).map(async (field) => {
      const settings = field as unknown as SerialSettings;
      const id = counterId(form.id, field.key, serialPeriod(settings, now, caller.timeZone));
      const seq = await nextSequence(connection, caller.ws, id);
      data[field.key] = formatSerial(settings, seq, now, caller.timeZone);
      return { id, seq };
    }),
  );
}

/** Numbers several new records in their order with one counter update per serial field. */
async function numberInOrder(target: FormTarget, docs: readonly RecordDoc[]) {
  const { form, caller, connection, now } = target;
  await Promise.all(
    serialFields(target).map(async (field) => {
      const settings = field as unknown as SerialSettings;
      const id = counterId(form.id, field.key, serialPeriod(settings, now, caller.timeZone));
      const first = await nextSequences(connection, caller.ws, id, docs.length);
      docs.forEach((doc, i) => {
        doc.data[field.key] = formatSerial(settings, first + i, now, caller.timeZone);
      });
    }),
  );
}

/** A create that passed every check and is computed, ready to store. */
export interface PreparedCreate {
  doc: RecordDoc;
  /** Files the record references (checked: the caller's own unattached uploads). */
  files: Types.ObjectId[];
  /** Serial numbers already taken for it (single creates take them while computing). */
  taken: Array<{ id: string; seq: number }> | null;
}

/**
 * Checks and computes a create: access, the submission's validation, relations, people, files and unique
 * values against the store, then lookups, rollups and formulas in dependency order. Nothing is written
 * except, with `takeSerials`, the serial numbers (given back if computing fails).
 */
export async function prepareCreate(
  target: FormTarget,
  body: { data?: unknown },
  options: { takeSerials?: boolean; memo?: Map<string, Promise<unknown>> } = {},
): Promise<PreparedCreate> {
  const { access, caller, form, connection } = target;
  if (!access.canSubmit) throw appError('FORBIDDEN', 'record.mayNotAdd');
  const input = requireObject(body.data ?? {});
  const denied = access.forbiddenWrites(input);
  if (denied.length > 0) forbidden(denied);
  const submitted = validateData(target, applyDefaults(target, input));
  const now = target.now;
  const { origin } = target;
  const base = {
    owner: origin?.owner?.user ?? caller.userId,
    dept: origin?.owner ? origin.owner.dept : (caller.department ?? null),
    createdBy: caller.userId,
    createdAt: now,
    updatedAt: now,
  };
  // checkFiles also replaces file references with the stored name, size and type.
  const [files] = await Promise.all([
    checkFiles(target, submitted),
    checkReferences(target, submitted, undefined, options.memo),
    ensureUniqueIndex(connection),
  ]);
  // Serial numbers are taken only once every check has passed, so rejected requests use none up.
  const numbers: Record<string, unknown> = {};
  const context = computeContext(target, base.owner, base.dept, options.memo);
  const [computed, taken] = await Promise.allSettled([
    applyAutoLinks(context, target.form.definition.fields, submitted).then((linked) =>
      computeRecord(context, target.plan, { ...linked, ...systemValues(target, base) }),
    ),
    options.takeSerials ? takeSerials(target, numbers) : Promise.resolve(null),
  ]);
  if (taken.status === 'rejected') throw taken.reason;
  if (computed.status === 'rejected') {
    if (taken.value) await releaseAll(connection, taken.value);
    throw computed.reason;
  }
  try {
    assertStorable(computed.value);
  } catch (error) {
    if (taken.value) await releaseAll(connection, taken.value);
    throw error;
  }
  const doc: RecordDoc = {
    _id: origin?.id ?? new Types.ObjectId(),
    ws: caller.ws,
    app: form.app,
    form: form.id,
    formVersion: form.version,
    data: { ...computed.value, ...numbers },
    ...base,
    v: 1,
    deletedAt: null,
    deletedBy: null,
    ...(origin?.mark ? { applied: [origin.mark] } : {}),
  };
  return { doc, files, taken: taken.value };
}

/**
 * What became of one create of {@link commitCreates}; `collateral` marks a record taken back only because
 * another record of its all-or-nothing batch was refused.
 */
export type CreateOutcome = { ok: true; doc: RecordDoc } | { ok: false; error: unknown; collateral?: true };

const NOT_WRITTEN = appError('CONFLICT', 'batch.notWritten');

/** The driver's write errors of an unordered insertMany, by index. */
function writeErrorsOf(error: unknown): Map<number, unknown> | undefined {
  const raw = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (raw === undefined) return undefined;
  const list = (Array.isArray(raw) ? raw : [raw]) as Array<{ index: number; err?: unknown }>;
  return new Map(list.map((e) => [e.index, e.err ?? e]));
}

/**
 * The error for a record the store refused in a batch insert, whose duplicate-key errors do not name the
 * value: a unique value taken meanwhile is found again by checking the record's unique values.
 */
async function conflictOf(target: FormTarget, doc: RecordDoc, reason: unknown): Promise<unknown> {
  if ((reason as { code?: unknown }).code !== 11000) return reason;
  try {
    await checkUnique(target, doc.data);
  } catch (error) {
    return error;
  }
  return appError('CONFLICT', 'record.uniqueTaken');
}

/**
 * Stores prepared creates: numbers them (in order), writes the records and their history entries with one
 * insert each, then attaches their files, schedules the recompute of what depends on them and announces
 * them. A record the store refuses (a unique value taken meanwhile) fails alone; with `atomic`, any refusal
 * removes every record of the call again and all fail.
 */
export async function commitCreates(
  target: FormTarget,
  prepared: readonly PreparedCreate[],
  options: { atomic?: boolean } = {},
): Promise<CreateOutcome[]> {
  const { connection, caller, form } = target;
  if (prepared.length === 0) return [];
  const docs = prepared.map((p) => p.doc);
  const unnumbered = prepared.filter((p) => !p.taken).map((p) => p.doc);
  if (unnumbered.length > 0) await numberInOrder(target, unnumbered);
  for (const doc of docs) {
    // Stored with the record in the same insert: the shared unique index refuses a taken value.
    const entries = uniqueEntries(form.definition, doc.data);
    if (entries.length > 0) doc.uniq = entries;
  }
  // A create's entry keeps the first values as one object (model.ts: `values`).
  const histories = docs.map((doc) => {
    const entry = historyEntry(target, doc._id, 1, 'create', []);
    entry.values = creationValues(doc.data);
    return entry;
  });
  // One record goes with the other single creates waiting meanwhile (group commit, lib/group-insert).
  const [inserted, logged] = await Promise.allSettled(
    docs.length === 1
      ? [
          groupInsert(recordModel(connection).collection, docs[0] as RecordDoc),
          groupInsert(historyModel(connection).collection, histories[0] as RecordHistoryDoc),
        ]
      : [
          recordModel(connection).collection.insertMany(docs, { ordered: false }),
          historyModel(connection).collection.insertMany(histories, { ordered: false }),
        ],
  );
  if (logged.status === 'rejected') {
    // The history store refused (it has no unique index): undo the records too and report it.
    await recordModel(connection).collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } });
    throw logged.reason;
  }
  let refused = new Map<number, unknown>();
  if (inserted.status === 'rejected') {
    const byIndex = docs.length === 1 ? new Map([[0, inserted.reason]]) : writeErrorsOf(inserted.reason);
    if (!byIndex) throw inserted.reason;
    refused = byIndex;
  }
  const failedIds = histories.filter((_, i) => refused.has(i)).map((h) => h._id);
  // Named before anything is taken back: finding which unique value clashed reads the stored records.
  const errors = new Map<number, unknown>();
  for (const [i, reason] of refused) {
    const doc = docs[i] as RecordDoc;
    errors.set(i, uniqueConflict(reason) ?? (await conflictOf(target, doc, reason)));
  }
  if (options.atomic && refused.size > 0) {
    await Promise.all([
      recordModel(connection).collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } }),
      historyModel(connection).collection.deleteMany({ _id: { $in: histories.map((h) => h._id) } }),
    ]);
  } else if (refused.size > 0) {
    await historyModel(connection).collection.deleteMany({ _id: { $in: failedIds } });
  }
  const outcomes: CreateOutcome[] = [];
  const changes: RecordChange[] = [];
  for (const [i, p] of prepared.entries()) {
    if (errors.has(i) || (options.atomic && refused.size > 0)) {
      if (p.taken) await releaseAll(connection, p.taken);
      outcomes.push(
        errors.has(i)
          ? { ok: false, error: errors.get(i) }
          : { ok: false, error: NOT_WRITTEN, collateral: true },
      );
      continue;
    }
    await attachFiles(target, p.doc, p.files);
    changes.push({ id: p.doc._id, before: {}, after: p.doc.data });
    publishRecordChange(connection, { type: 'created', ws: caller.ws, form: form.id, id: p.doc._id, v: 1 });
    await recordWritten({ type: 'created', target, before: null, after: p.doc });
    outcomes.push({ ok: true, doc: p.doc });
  }
  // One recompute job per dependent field for the whole call (a batch of 1,000 queued 1,000 before).
  await scheduleDependantsOfMany(changeScope(target), changes);
  return outcomes;
}

/** How another module (the flow runtime) takes part in a create: in the same insert, then once stored. */
export interface CreateExtension {
  /** Called with the finished document right before the insert; may add properties (`flow`). */
  prepare(doc: RecordDoc): Promise<void>;
  /** Called once the record and its history entry are stored. */
  committed(doc: RecordDoc): Promise<void>;
}

/**
 * Creates a record: validates the submission, checks relations and unique values, computes lookups,
 * rollups and formulas in dependency order, takes serial numbers atomically and stores it in one insert.
 * Store reads that do not depend on each other run in parallel, and the record and its history entry
 * are written together so they share one journal flush. An `extension` (a submission's approval flow)
 * adds to the same insert and acts once the record is stored.
 */
export async function createRecord(
  target: FormTarget,
  body: { data?: unknown },
  extension?: CreateExtension,
): Promise<RecordView> {
  const prepared = await prepareCreate(target, body, { takeSerials: true });
  if (extension) {
    try {
      await extension.prepare(prepared.doc);
    } catch (error) {
      if (prepared.taken) await releaseAll(target.connection, prepared.taken);
      throw error;
    }
  }
  const [outcome] = await commitCreates(target, [prepared]);
  if (!outcome?.ok) throw outcome?.error;
  await extension?.committed(outcome.doc);
  return viewOf(target, outcome.doc);
}

/** Gives serial numbers back so sequences stay gap-free (only possible while nobody took a later one). */
async function releaseAll(connection: Connection, taken: ReadonlyArray<{ id: string; seq: number }>) {
  for (const { id, seq } of [...taken].reverse()) await releaseSequence(connection, id, seq);
}

/** One entry of a record's history, as stored. */
function historyEntry(
  target: FormTarget,
  record: Types.ObjectId,
  v: number,
  action: RecordHistoryDoc['action'],
  changes: RecordHistoryDoc['changes'],
): RecordHistoryDoc {
  return {
    _id: new Types.ObjectId(),
    ws: target.caller.ws,
    form: target.form.id,
    record,
    v,
    action,
    by: target.caller.userId,
    at: target.now,
    changes,
  };
}

const MAY_NOT = { edit: 'record.mayNotEdit', delete: 'record.mayNotDelete' } as const;

/** A record the caller may act on, or 404 (also for records of other forms and workspaces). */
async function findScoped(
  target: FormTarget,
  action: 'view' | 'edit' | 'delete',
  id: Types.ObjectId,
  deleted = false,
): Promise<RecordDoc> {
  const filter = target.access.filter(action, { _id: id, deletedAt: deleted ? { $ne: null } : null });
  const doc = filter ? await recordModel(target.connection).findOne(filter).lean<RecordDoc>() : null;
  if (doc) return doc;
  // Visible but not editable: say so instead of pretending the record does not exist.
  if (action !== 'view' && !deleted) {
    const view = target.access.filter('view', { _id: id, deletedAt: null });
    if (view && (await recordModel(target.connection).exists(view))) {
      throw appError('FORBIDDEN', MAY_NOT[action]);
    }
  }
  throw notFound('Record');
}

/** Reads one record the caller may view. */
export async function getRecord(target: FormTarget, id: Types.ObjectId): Promise<RecordView> {
  return viewOf(target, await findScoped(target, 'view', id));
}

/** How another module (the flow runtime) takes part in an update. */
export interface UpdateOptions {
  /**
   * The record as the caller already read and authorised it (a flow task grants the edit): the role's
   * edit scope is not asked, and `v` is checked against this document.
   */
  current?: RecordDoc;
  /** Keys of the patch this writer may not write, instead of the roles' field rules. */
  forbiddenWrites?: (patch: Record<string, unknown>) => string[];
  /** More `$set` entries of the same guarded update, computed from the new data (the flow instance). */
  extend?: (data: Record<string, unknown>, current: RecordDoc) => Promise<Record<string, unknown>>;
  /** The history entry's action and flow detail (default: an `update` entry when data changed). */
  history?: { action: RecordHistoryDoc['action']; flow?: unknown };
}

/** The 409 of a guarded write that lost against a concurrent one: callers may re-read and try again. */
function staleRecord(): never {
  const error = appError('CONFLICT', 'record.changedMeanwhile');
  (error as { stale?: boolean }).stale = true;
  throw error;
}

/** True for the error of a guarded write that found another version (see {@link UpdateOptions.current}). */
export function isStaleRecord(error: unknown): boolean {
  return (error as { stale?: unknown } | null)?.stale === true;
}

/**
 * Refuses changes to a record an approval locked (`lockOnApproved`), except to the fields its flow leaves
 * open. The lock lives on the record (`flow.locked`, `flow.openFields`), so no flow is read here.
 */
function checkLock(current: RecordDoc, changed: readonly string[]): void {
  const lock = current.flow as { locked?: unknown; openFields?: unknown } | null | undefined;
  if (lock?.locked !== true) return;
  const open = new Set(Array.isArray(lock.openFields) ? (lock.openFields as string[]) : []);
  const blocked = changed.filter((key) => !open.has(key));
  if (blocked.length === 0) return;
  throw appError(
    'UNPROCESSABLE',
    'flow.locked',
    blocked.map((key) => ({ path: `/data/${key}`, message: 'detail.lockedApproved' })),
  );
}

/** An update that passed every check and is computed, ready to store. */
export interface PreparedUpdate {
  current: RecordDoc;
  data: Record<string, unknown>;
  files: Types.ObjectId[];
}

/**
 * Checks and computes an update: `data` is merged over the stored values (`null` clears one), the whole
 * record is validated and recomputed. `v` must be the version the caller edited (a stale one answers 409).
 * Nothing is written.
 */
export async function prepareUpdate(
  target: FormTarget,
  id: Types.ObjectId,
  body: { data?: unknown; v?: unknown },
  options: Pick<UpdateOptions, 'current' | 'forbiddenWrites'> = {},
): Promise<PreparedUpdate> {
  const { access, form, connection } = target;
  if (typeof body.v !== 'number') {
    throw appError('VALIDATION_FAILED', 'record.invalidUpdate', [
      { path: '/v', message: 'detail.versionRequired' },
    ]);
  }
  const current = options.current ?? (await findScoped(target, 'edit', id));
  if (current.v !== body.v) {
    throw appError('CONFLICT', t('record.staleVersion', { v: current.v }));
  }
  const patch = requireObject(body.data ?? {});
  // Every named key counts, changed or not: refusing only changed values would answer 200 for a hidden
  // field's stored value and 403 for any other, which tells the value.
  const denied = options.forbiddenWrites ? options.forbiddenWrites(patch) : access.forbiddenWrites(patch);
  if (denied.length > 0) forbidden(denied);
  checkLock(
    current,
    Object.keys(patch).filter((key) => diffData({ [key]: current.data[key] }, { [key]: patch[key] }).length),
  );
  const merged = { ...writableValues(form.definition, current.data), ...patch };
  const submitted = validateData(target, merged);
  const [files] = await Promise.all([
    checkFiles(target, submitted, current),
    checkReferences(target, submitted, current),
    ensureUniqueIndex(connection),
  ]);
  const meta = { ...current, updatedAt: target.now };
  const kept: Record<string, unknown> = { ...hiddenValues(form.definition, current.data) };
  for (const field of form.definition.fields) {
    // Serial numbers are assigned once, on create.
    if (field.type === 'serial' && current.data[field.key] !== undefined)
      kept[field.key] = current.data[field.key];
  }
  const context = computeContext(target, current.owner, current.dept);
  const linked = await applyAutoLinks(context, form.definition.fields, submitted);
  const data = { ...linked, ...kept, ...systemValues(target, meta) };
  const computed = await computeRecord(context, target.plan, data);
  assertStorable(computed);
  return { current, data: computed, files };
}

/**
 * Stores a prepared update, guarded by the version it was prepared from. A lost race answers the 409 that
 * {@link isStaleRecord} recognises.
 */
export async function commitUpdate(
  target: FormTarget,
  prepared: PreparedUpdate,
  options: Pick<UpdateOptions, 'extend' | 'history'> & {
    /** Collects the change for the caller to schedule its dependants with others (a batch). */
    changes?: RecordChange[];
  } = {},
): Promise<RecordDoc> {
  const { caller, form, connection } = target;
  const { current, data, files } = prepared;
  const now = target.now;
  const uniq = uniqueUpdate(form.definition, data);
  const extra = options.extend ? await options.extend(data, current) : {};
  const updated = await recordModel(connection)
    .findOneAndUpdate(
      { _id: current._id, ws: caller.ws, form: form.id, v: current.v },
      {
        ...setAndUnset(
          { data, formVersion: form.version, updatedAt: now, ...uniq.set, ...extra },
          uniq.unset,
        ),
        $inc: { v: 1 },
        ...markUpdate(target),
      },
      { returnDocument: 'after' },
    )
    .lean<RecordDoc>()
    .catch((error: unknown) => {
      throw uniqueConflict(error) ?? error;
    });
  if (!updated) staleRecord();
  await settleFiles(target, current, updated, files);
  const changes = diffData(current.data, data);
  if (options.history || changes.length > 0 || current.formVersion !== form.version) {
    const entry = historyEntry(target, current._id, updated.v, options.history?.action ?? 'update', changes);
    if (options.history?.flow !== undefined) entry.flow = options.history.flow;
    await historyModel(connection).collection.insertOne(entry);
  }
  if (options.changes) options.changes.push({ id: current._id, before: current.data, after: data });
  else await scheduleDependants(changeScope(target), current._id, current.data, data);
  publishRecordChange(connection, {
    type: 'updated',
    ws: caller.ws,
    form: form.id,
    id: updated._id,
    v: updated.v,
  });
  await recordWritten({ type: 'updated', target, before: current, after: updated });
  return updated;
}

/** An automation's mark kept on the record with its write (the last 20), so a retry sees it was done. */
function markUpdate(target: FormTarget) {
  const mark = target.origin?.mark;
  return mark ? { $push: { applied: { $each: [mark], $slice: -20 } } } : {};
}

/**
 * Updates a record: `data` is merged over the stored values (`null` clears one), the whole record is
 * validated and recomputed, and the write is guarded by `v` (a stale `v` answers 409).
 */
export async function updateRecord(
  target: FormTarget,
  id: Types.ObjectId,
  body: { data?: unknown; v?: unknown },
  options: UpdateOptions = {},
): Promise<RecordView> {
  const prepared = await prepareUpdate(target, id, body, options);
  return viewOf(target, await commitUpdate(target, prepared, options));
}

/** Soft-deletes (`restore: false`) or restores a record; restoring is for workspace owners and admins. */
export async function setDeleted(
  target: FormTarget,
  id: Types.ObjectId,
  deleted: boolean,
): Promise<RecordView> {
  const { caller, form, connection } = target;
  if (!deleted && !isAdmin(caller)) throw appError('FORBIDDEN', 'record.restoreAdminsOnly');
  const current = deleted
    ? await findScoped(target, 'delete', id)
    : await findScoped(target, 'view', id, true);
  const now = target.now;
  await ensureUniqueIndex(connection);
  // A deleted record frees its unique values; restoring takes them again (computed from its data).
  const uniq = deleted
    ? { set: {}, unset: { uniq: '' as const } }
    : uniqueUpdate(form.definition, current.data);
  const state = deleted ? { deletedAt: now, deletedBy: caller.userId } : { deletedAt: null, deletedBy: null };
  const updated = await recordModel(connection)
    .findOneAndUpdate(
      { _id: current._id, ws: caller.ws, form: form.id, v: current.v },
      { ...setAndUnset({ ...state, ...uniq.set }, uniq.unset), $inc: { v: 1 }, ...markUpdate(target) },
      { returnDocument: 'after' },
    )
    .lean<RecordDoc>()
    .catch((error: unknown) => {
      // Restoring a record whose unique value another live record took meanwhile.
      throw uniqueConflict(error) ?? error;
    });
  if (!updated) throw appError('CONFLICT', 'record.changedMeanwhile');
  await historyModel(connection).collection.insertOne(
    historyEntry(target, current._id, updated.v, deleted ? 'delete' : 'restore', []),
  );
  // Rollups over this form no longer (or again) count the record.
  await scheduleDependants(
    changeScope(target),
    current._id,
    deleted ? current.data : {},
    deleted ? {} : current.data,
  );
  // A restored record reappears for its viewers: to them it is news as a new one.
  publishRecordChange(connection, {
    type: deleted ? 'deleted' : 'created',
    ws: caller.ws,
    form: form.id,
    id: updated._id,
    v: updated.v,
  });
  await recordWritten({ type: deleted ? 'deleted' : 'restored', target, before: current, after: updated });
  return viewOf(target, updated);
}
