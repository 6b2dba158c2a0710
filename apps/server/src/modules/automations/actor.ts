import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { appError, t } from '../../lib/errors.js';
import { compileFilter, type MongoQuery, type OperandResolver } from '../../lib/filter-dsl/index.js';
import type { Caller } from '../apps/caller.js';
import { type FormTarget, openForm } from '../records/context.js';
import type { LoadedForm } from '../records/plan.js';
import type { WriteOrigin } from '../records/write-hooks.js';
import type { RunContext } from './context.js';

/**
 * The system actor an automation writes as: a workspace owner in rights (it reaches every record and
 * field), with the automation's id as its user id, so history and audit name the automation. Its writes
 * still go through the records write path: validation, formulas, rollups, history, realtime.
 */
export function systemCaller(ctx: RunContext): Caller {
  return { ws: ctx.ws, userId: ctx.automation._id, roles: ['owner'], timeZone: ctx.timeZone };
}

/** A form of the run's app by key, or a failing action. */
export function formByKey(ctx: RunContext, key: string): LoadedForm {
  const form = ctx.directory.byKey(key);
  if (!form) throw appError('UNPROCESSABLE', t('automation.noForm', { form: key }));
  return form;
}

/** The records write path for one form, acting as the automation, with how its writes came about. */
export async function systemTarget(
  ctx: RunContext,
  form: LoadedForm,
  origin?: Partial<WriteOrigin>,
): Promise<FormTarget> {
  const target = await openForm(ctx.connection, systemCaller(ctx), form.id);
  return { ...target, origin: { via: 'automation', chain: ctx.chain, ...origin } };
}

/**
 * The record id an automation creates for an idempotency key: the run's start second, then 8 bytes of
 * the key's digest. A retried or re-run action computes the same id, so it can never create twice.
 */
export function derivedId(key: string, at: Date): Types.ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(at.getTime() / 1000) >>> 0, 0);
  createHash('sha256').update(key).digest().copy(bytes, 4, 0, 8);
  return new Types.ObjectId(bytes);
}

/** Resolves `{ "$field": key }` operands against the trigger record (`_id`, `_owner`... too). */
function triggerResolver(values: Readonly<Record<string, unknown>>): OperandResolver {
  return (raw, field) => {
    if (typeof raw.$field !== 'string') return undefined;
    const value = values[raw.$field];
    if (value === null || value === undefined || typeof value === 'object') return { type: 'none' };
    const scalar = value as string | number | boolean;
    if (field.kind === 'objectId' && typeof scalar === 'string' && Types.ObjectId.isValid(scalar)) {
      return { type: 'value', value: new Types.ObjectId(scalar) };
    }
    return { type: 'value', value: scalar };
  };
}

/** Compiles an automation filter over a form's fields, `$field` operands read from the trigger record. */
export function compileAutomationFilter(
  ctx: RunContext,
  target: FormTarget,
  filter: unknown,
  path: string,
): MongoQuery {
  return compileFilter(filter, {
    fields: target.filterFields,
    context: { userId: ctx.automation._id.toHexString(), now: ctx.now, timeZone: ctx.timeZone },
    resolve: triggerResolver(ctx.triggerValues),
    basePath: path,
  });
}
