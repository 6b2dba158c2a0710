import type { CreateRecordConfig, DeleteRecordsConfig, UpdateRecordsConfig } from '@formloom/schema';
import { Types } from 'mongoose';
import { appError, isAppError } from '../../../lib/errors.js';
import { diffData } from '../../records/diff.js';
import { type RecordDoc, recordModel } from '../../records/model.js';
import { createRecord, setDeleted, updateRecord } from '../../records/write.js';
import { compileAutomationFilter, derivedId, formByKey, systemTarget } from '../actor.js';
import type { RunContext } from '../context.js';
import { itemsOf } from '../for-each.js';
import type { Effect } from '../model.js';
import { type FormulaScope, formKinds, recordScope } from '../scope.js';
import { type ActionRun, registerExecutor } from './registry.js';
import { evaluateValues } from './values.js';

const MAX_RECORDS = 5000;
const CONFLICT_RETRIES = 3;

function ownerOf(ctx: RunContext, scope: FormulaScope, formula: string | undefined) {
  if (formula !== undefined) {
    const value = scope.evaluate(formula);
    if (typeof value !== 'string' || !/^[0-9a-f]{24}$/i.test(value)) {
      throw appError('UNPROCESSABLE', 'automation.ownerFormula');
    }
    return { user: new Types.ObjectId(value), dept: null };
  }
  if (ctx.record) return { user: ctx.record.owner, dept: ctx.record.dept ?? null };
  return { user: ctx.automation._id, dept: null };
}

/**
 * `createRecord`: one record (or one per forEach item) with values from formulas. The record's id derives
 * from the action's idempotency key, so a retried run finds it instead of creating it again.
 */
registerExecutor<CreateRecordConfig>('createRecord', async (run, config) => {
  const { ctx } = run;
  const form = formByKey(ctx, config.form);
  const effects: Effect[] = [];
  for (const item of await itemsOf(ctx, config.forEach, `${run.path}/config/forEach`)) {
    const key = item.id ? `${run.key}:${item.id}` : run.key;
    const id = derivedId(key, ctx.run.startedAt);
    const effect: Effect = { kind: 'recordCreated', form: config.form, record: id.toHexString() };
    if (await recordModel(ctx.connection).exists({ _id: id, ws: ctx.ws })) {
      effects.push({ ...effect, detail: { already: true } });
      continue;
    }
    const data = evaluateValues(item.scope, form, config.values, `${run.path}/config`);
    const target = await systemTarget(ctx, form, {
      id,
      mark: key,
      owner: ownerOf(ctx, item.scope, config.owner),
    });
    try {
      await createRecord(target, { data });
    } catch (error) {
      // A run on another instance created it a moment ago: the same id, so the same record.
      if (!(await recordModel(ctx.connection).exists({ _id: id, ws: ctx.ws }))) throw error;
    }
    effects.push(effect);
  }
  return effects;
});

async function matching(run: ActionRun, formKey: string, filter: unknown, action: 'edit' | 'delete') {
  const { ctx } = run;
  const form = formByKey(ctx, formKey);
  const target = await systemTarget(ctx, form);
  const extra = compileAutomationFilter(ctx, target, filter, `${run.path}/config/filter`);
  const query = target.access.filter(action, { $and: [extra], deletedAt: null });
  const docs = await recordModel(ctx.connection)
    .find(query ?? { _id: { $in: [] } })
    .sort({ createdAt: 1, _id: 1 })
    .limit(MAX_RECORDS)
    .lean<RecordDoc[]>();
  return { form, docs };
}

/**
 * Writes `data` into a record through the write path as the automation, marked with `mark`: a record that
 * already carries the mark was written by an earlier attempt and is left alone; a concurrent edit is
 * retried on the new version.
 */
export async function updateMarked(
  run: ActionRun,
  formKey: string,
  doc: RecordDoc,
  mark: string,
  values: (current: RecordDoc) => Record<string, unknown>,
): Promise<Effect | null> {
  const { ctx } = run;
  const form = formByKey(ctx, formKey);
  let current: RecordDoc | null = doc;
  for (let attempt = 0; current; attempt++) {
    if (current.applied?.includes(mark))
      return {
        kind: 'recordUpdated',
        form: formKey,
        record: current._id.toHexString(),
        detail: { already: true },
      };
    const data = values(current);
    const changed = Object.keys(data).filter(
      (k) => diffData({ [k]: current?.data[k] }, { [k]: data[k] }).length > 0,
    );
    if (changed.length === 0) return null;
    const target = await systemTarget(ctx, form, { mark });
    try {
      await updateRecord(target, current._id, { data, v: current.v });
      return {
        kind: 'recordUpdated',
        form: formKey,
        record: current._id.toHexString(),
        detail: { fields: changed },
      };
    } catch (error) {
      if (!isAppError(error) || error.code !== 'CONFLICT' || attempt >= CONFLICT_RETRIES) throw error;
      current = await recordModel(ctx.connection)
        .findOne({ _id: current._id, ws: ctx.ws, deletedAt: null })
        .lean<RecordDoc>();
    }
  }
  return null;
}

/**
 * `updateRecords`: the records of a form matching a filter (which may compare with the trigger record
 * through `{ "$field": key }`) get values from formulas; the formulas see the trigger record's fields and
 * the record being updated as `item.*`.
 */
registerExecutor<UpdateRecordsConfig>('updateRecords', async (run, config) => {
  const { ctx } = run;
  const { form, docs } = await matching(run, config.form, config.filter, 'edit');
  const kinds = formKinds(form, ctx.directory, 'item');
  const effects: Effect[] = [];
  for (const doc of docs) {
    const effect = await updateMarked(
      run,
      config.form,
      doc,
      `${run.key}:${doc._id.toHexString()}`,
      (current) =>
        evaluateValues(
          ctx.scope.withItem(kinds, recordScope(current)),
          form,
          config.values,
          `${run.path}/config`,
        ),
    );
    if (effect) effects.push(effect);
  }
  return effects;
});

/** `deleteRecords`: soft-deletes the records of a form matching a filter (restorable as any deletion). */
registerExecutor<DeleteRecordsConfig>('deleteRecords', async (run, config) => {
  const { ctx } = run;
  const { form, docs } = await matching(run, config.form, config.filter, 'delete');
  const effects: Effect[] = [];
  for (const doc of docs) {
    const target = await systemTarget(ctx, form, { mark: `${run.key}:${doc._id.toHexString()}` });
    try {
      await setDeleted(target, doc._id, true);
    } catch (error) {
      // Deleted meanwhile (by an earlier attempt or anyone): nothing left to do.
      const gone = await recordModel(ctx.connection).exists({ _id: doc._id, deletedAt: { $ne: null } });
      if (!gone) throw error;
    }
    effects.push({ kind: 'recordDeleted', form: config.form, record: doc._id.toHexString() });
  }
  return effects;
});
