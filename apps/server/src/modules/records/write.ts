import { type Connection, Types } from 'mongoose';
import { appError } from '../../lib/errors.js';
import { isAdmin } from '../apps/caller.js';
import { attachFiles, checkFiles } from '../files/attach.js';
import { settleFiles } from '../files/detach.js';
import { publishRecordChange } from '../realtime/bus.js';
import { checkPeople, checkRelations, checkUnique } from './checks.js';
import { computeRecord } from './compute.js';
import {
  type FormTarget,
  forbidden,
  hiddenValues,
  type RecordView,
  recordView,
  requireObject,
  validateData,
  writableValues,
} from './context.js';
import { applyDefaults } from './defaults.js';
import { type ChangeScope, scheduleDependants } from './dependants.js';
import { diffData } from './diff.js';
import { historyModel, type RecordDoc, type RecordHistoryDoc, recordModel } from './model.js';
import {
  counterId,
  formatSerial,
  nextSequence,
  releaseSequence,
  type SerialSettings,
  serialPeriod,
} from './serial.js';
import { ensureUniqueIndex, uniqueConflict, uniqueEntries, uniqueUpdate } from './unique.js';

/** `$set` and, when some part is to be removed, `$unset` of one update (an empty `$unset` is refused). */
function setAndUnset(set: Record<string, unknown>, unset: Record<string, ''>) {
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

function changeScope(target: FormTarget): ChangeScope {
  return {
    connection: target.connection,
    ws: target.caller.ws,
    directory: target.directory,
    form: target.form,
  };
}

function computeContext(target: FormTarget, owner: Types.ObjectId, dept: Types.ObjectId | null | undefined) {
  return {
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
): Promise<void> {
  const outcomes = await Promise.allSettled([
    checkRelations(target, data, current?.data),
    checkPeople(target, data),
    checkUnique(target, data, current?._id),
  ]);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}

/** Takes the next number of every serial field (in parallel: each field has its own counter). */
async function takeSerials(target: FormTarget, data: Record<string, unknown>) {
  const { form, caller, connection, now } = target;
  const fields = form.definition.fields.filter((field) => field.type === 'serial' && !field.hidden);
  return Promise.all(
    fields.map(async (field) => {
      const settings = field as unknown as SerialSettings;
      const id = counterId(form.id, field.key, serialPeriod(settings, now, caller.timeZone));
      const seq = await nextSequence(connection, caller.ws, id);
      data[field.key] = formatSerial(settings, seq, now, caller.timeZone);
      return { id, seq };
    }),
  );
}

/**
 * Creates a record: validates the submission, checks relations and unique values, computes lookups,
 * rollups and formulas in dependency order, takes serial numbers atomically and stores it in one insert.
 * Store reads that do not depend on each other run in parallel, and the record and its history entry
 * are written together so they share one journal flush.
 */
export async function createRecord(target: FormTarget, body: { data?: unknown }): Promise<RecordView> {
  const { access, caller, form, connection } = target;
  if (!access.canSubmit) throw appError('FORBIDDEN', 'You may not add records to this form');
  const input = requireObject(body.data ?? {});
  const denied = access.forbiddenWrites(input);
  if (denied.length > 0) forbidden(denied);
  const submitted = validateData(target, applyDefaults(target, input));
  const now = target.now;
  const base = {
    owner: caller.userId,
    dept: caller.department ?? null,
    createdBy: caller.userId,
    createdAt: now,
    updatedAt: now,
  };
  // checkFiles also replaces file references with the stored name, size and type.
  const [files] = await Promise.all([
    checkFiles(target, submitted),
    checkReferences(target, submitted),
    ensureUniqueIndex(connection),
  ]);
  // Serial numbers are taken only once every check has passed, so rejected requests use none up.
  const numbers: Record<string, unknown> = {};
  const [computed, taken] = await Promise.allSettled([
    computeRecord(computeContext(target, caller.userId, caller.department), target.plan, {
      ...submitted,
      ...systemValues(target, base),
    }),
    takeSerials(target, numbers),
  ]);
  if (taken.status === 'rejected') throw taken.reason;
  if (computed.status === 'rejected') {
    await releaseAll(connection, taken.value);
    throw computed.reason;
  }
  const data = { ...computed.value, ...numbers };
  // Stored with the record in the same insert: the shared unique index refuses a taken value.
  const entries = uniqueEntries(form.definition, data);
  const doc: RecordDoc = {
    _id: new Types.ObjectId(),
    ws: caller.ws,
    app: form.app,
    form: form.id,
    formVersion: form.version,
    data,
    ...base,
    v: 1,
    deletedAt: null,
    deletedBy: null,
    ...(entries.length > 0 ? { uniq: entries } : {}),
  };
  const history = historyEntry(target, doc._id, 1, 'create', diffData({}, data));
  const [inserted, logged] = await Promise.allSettled([
    recordModel(connection).collection.insertOne(doc),
    historyModel(connection).collection.insertOne(history),
  ]);
  if (inserted.status === 'rejected') {
    if (logged.status === 'fulfilled')
      await historyModel(connection).collection.deleteOne({ _id: history._id });
    await releaseAll(connection, taken.value);
    throw uniqueConflict(inserted.reason) ?? inserted.reason;
  }
  if (logged.status === 'rejected') throw logged.reason;
  await attachFiles(target, doc, files);
  await scheduleDependants(changeScope(target), doc._id, {}, data);
  publishRecordChange(connection, { type: 'created', ws: caller.ws, form: form.id, id: doc._id, v: doc.v });
  return recordView(target, doc);
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
      throw appError('FORBIDDEN', `You may not ${action} this record`);
    }
  }
  throw appError('NOT_FOUND', 'Record not found');
}

/** Reads one record the caller may view. */
export async function getRecord(target: FormTarget, id: Types.ObjectId): Promise<RecordView> {
  return recordView(target, await findScoped(target, 'view', id));
}

/**
 * Updates a record: `data` is merged over the stored values (`null` clears one), the whole record is
 * validated and recomputed, and the write is guarded by `v` (a stale `v` answers 409).
 */
export async function updateRecord(
  target: FormTarget,
  id: Types.ObjectId,
  body: { data?: unknown; v?: unknown },
): Promise<RecordView> {
  const { access, caller, form, connection } = target;
  if (typeof body.v !== 'number') {
    throw appError('VALIDATION_FAILED', 'Invalid update', [
      { path: '/v', message: 'the version you edited is required' },
    ]);
  }
  const current = await findScoped(target, 'edit', id);
  if (current.v !== body.v) {
    throw appError(
      'CONFLICT',
      `The record was changed meanwhile (now version ${current.v}); reload it and try again`,
    );
  }
  const patch = requireObject(body.data ?? {});
  // Every named key counts, changed or not: refusing only changed values would answer 200 for a hidden
  // field's stored value and 403 for any other, which tells the value.
  const denied = access.forbiddenWrites(patch);
  if (denied.length > 0) forbidden(denied);
  const merged = { ...writableValues(form.definition, current.data), ...patch };
  const submitted = validateData(target, merged);
  const [files] = await Promise.all([
    checkFiles(target, submitted, current),
    checkReferences(target, submitted, current),
    ensureUniqueIndex(connection),
  ]);
  const now = target.now;
  const meta = { ...current, updatedAt: now };
  const kept: Record<string, unknown> = { ...hiddenValues(form.definition, current.data) };
  for (const field of form.definition.fields) {
    // Serial numbers are assigned once, on create.
    if (field.type === 'serial' && current.data[field.key] !== undefined)
      kept[field.key] = current.data[field.key];
  }
  let data = { ...submitted, ...kept, ...systemValues(target, meta) };
  data = await computeRecord(computeContext(target, current.owner, current.dept), target.plan, data);
  const uniq = uniqueUpdate(form.definition, data);
  const updated = await recordModel(connection)
    .findOneAndUpdate(
      { _id: current._id, ws: caller.ws, form: form.id, v: current.v },
      {
        ...setAndUnset({ data, formVersion: form.version, updatedAt: now, ...uniq.set }, uniq.unset),
        $inc: { v: 1 },
      },
      { returnDocument: 'after' },
    )
    .lean<RecordDoc>()
    .catch((error: unknown) => {
      throw uniqueConflict(error) ?? error;
    });
  if (!updated) throw appError('CONFLICT', 'The record was changed meanwhile; reload it and try again');
  await settleFiles(target, current, updated, files);
  const changes = diffData(current.data, data);
  if (changes.length > 0 || current.formVersion !== form.version) {
    await historyModel(connection).collection.insertOne(
      historyEntry(target, current._id, updated.v, 'update', changes),
    );
  }
  await scheduleDependants(changeScope(target), current._id, current.data, data);
  publishRecordChange(connection, {
    type: 'updated',
    ws: caller.ws,
    form: form.id,
    id: updated._id,
    v: updated.v,
  });
  return recordView(target, updated);
}

/** Soft-deletes (`restore: false`) or restores a record; restoring is for workspace owners and admins. */
export async function setDeleted(
  target: FormTarget,
  id: Types.ObjectId,
  deleted: boolean,
): Promise<RecordView> {
  const { caller, form, connection } = target;
  if (!deleted && !isAdmin(caller))
    throw appError('FORBIDDEN', 'Only workspace owners and admins restore records');
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
      { ...setAndUnset({ ...state, ...uniq.set }, uniq.unset), $inc: { v: 1 } },
      { returnDocument: 'after' },
    )
    .lean<RecordDoc>()
    .catch((error: unknown) => {
      // Restoring a record whose unique value another live record took meanwhile.
      throw uniqueConflict(error) ?? error;
    });
  if (!updated) throw appError('CONFLICT', 'The record was changed meanwhile; reload it and try again');
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
  return recordView(target, updated);
}
