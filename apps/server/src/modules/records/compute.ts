import { addDays, addMonths, addQuarters, addWeeks, addYears } from 'date-fns';
import { type Connection, Types } from 'mongoose';
import {
  compileFilter,
  type FilterContext,
  type FilterField,
  type MongoQuery,
  matchesNothing,
  type Operand,
  type OperandResolver,
} from '../../lib/filter-dsl/index.js';
import { groupRead, readKey } from '../../lib/group-read.js';
import { type FieldDef, filterFieldsOf } from '../forms/meta.js';
import { prefetched } from './batch-reads.js';
import { isFormulaError } from './formulas.js';
import { expandInDepartment, noDepartment } from './in-department.js';
import { recordModel } from './model.js';
import { type FormDirectory, type LoadedForm, lookupTarget, type ScopePlan } from './plan.js';
import { fromFormulaValue } from './values.js';

/** What computing one record needs besides its data. */
export interface ComputeContext {
  connection: Connection;
  ws: Types.ObjectId;
  forms: FormDirectory;
  /** Who `$me` / `$myDepartment` stand for in rollup conditions (the record's owner). */
  userId: string;
  departmentId?: string;
  timeZone: string;
  now: Date;
  /**
   * Answers of lookups and rollups shared by the records of one batch: records written together see the
   * store as it was before all of them, so identical queries need asking once.
   */
  memo?: Map<string, Promise<unknown>>;
}

/**
 * Runs a lookup's or rollup's read: identical reads of concurrent requests share one round trip
 * (lib/group-read), and the records of one batch ask each read once.
 */
function remembered<T>(ctx: ComputeContext, key: string, read: () => PromiseLike<T>): Promise<T> {
  const shared = () => groupRead(ctx.connection, `${ctx.ws.toHexString()}|${key}`, read);
  if (!ctx.memo) return shared();
  let pending = ctx.memo.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = shared();
    ctx.memo.set(key, pending);
  }
  return pending;
}

/**
 * Computes every lookup, rollup and formula of a record (and formula columns of its subform rows) in
 * dependency order, returning the new data. Serial numbers and system fields are set by the caller.
 */
export async function computeRecord(
  ctx: ComputeContext,
  plan: ScopePlan,
  data: Readonly<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...data };
  for (const field of plan.order) {
    switch (field.type) {
      case 'lookup':
        out[field.key] = await lookupValue(ctx, field, plan, out);
        break;
      case 'rollup':
        out[field.key] = await rollupValue(ctx, field, out);
        break;
      case 'formula':
        out[field.key] = evaluate(plan, field, out, ctx.now);
        break;
      case 'subform': {
        const sub = plan.subforms.get(field.key);
        const rows = out[field.key];
        if (sub && Array.isArray(rows)) out[field.key] = await computeRows(ctx, sub, rows, out);
        break;
      }
    }
  }
  return out;
}

async function computeRows(
  ctx: ComputeContext,
  plan: ScopePlan,
  rows: unknown[],
  outer: Record<string, unknown>,
): Promise<unknown[]> {
  const result: unknown[] = [];
  const onlyFormulas = plan.order.every((f) => f.type === 'formula');
  for (const row of rows) {
    if (row === null || typeof row !== 'object') {
      result.push(row);
      continue;
    }
    // Row formulas see the row's columns over the record's own fields.
    const scope: Record<string, unknown> = { ...outer, ...(row as Record<string, unknown>) };
    if (onlyFormulas) {
      for (const field of plan.order) scope[field.key] = evaluate(plan, field, scope, ctx.now);
    } else {
      Object.assign(scope, await computeRecord(ctx, plan, scope));
    }
    const own: Record<string, unknown> = { ...(row as Record<string, unknown>) };
    for (const field of plan.order) own[field.key] = scope[field.key];
    result.push(own);
  }
  return result;
}

function evaluate(plan: ScopePlan, field: FieldDef, scope: Record<string, unknown>, now: Date): unknown {
  const program = plan.formulas.get(field.key);
  if (!program) return null;
  try {
    return fromFormulaValue(field, program.evaluate(scope, now));
  } catch (error) {
    // A formula that fails on this record's values (division by zero...) stores no value, like a
    // spreadsheet cell showing an error; the write itself goes through.
    if (isFormulaError(error)) return null;
    throw error;
  }
}

function ids(value: unknown): Types.ObjectId[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((v): v is string => typeof v === 'string' && /^[0-9a-f]{24}$/i.test(v))
    .map((v) => new Types.ObjectId(v));
}

async function lookupValue(
  ctx: ComputeContext,
  field: FieldDef,
  plan: ScopePlan,
  data: Record<string, unknown>,
): Promise<unknown> {
  const relation = plan.fields.get(String(field.relation));
  const target = typeof relation?.form === 'string' ? ctx.forms.byKey(relation.form) : undefined;
  if (!relation || !target) return null;
  const wanted = ids(data[relation.key]);
  if (wanted.length === 0) return relation.multiple ? [] : null;
  const key = String(field.field);
  // The records of a batch read what they look up once, together (batch-reads).
  const together = await prefetched<Map<string, Record<string, unknown>>>(
    ctx.memo,
    `lookup|${target.id.toHexString()}|${key}`,
    wanted.map((id) => id.toHexString()),
  );
  if (together) {
    const values = wanted.map((id) => together.get(id.toHexString())?.[key] ?? null);
    return relation.multiple ? values : (values[0] ?? null);
  }
  const docs = await remembered(ctx, `lookup|${target.id}|${key}|${wanted.join(',')}`, () =>
    recordModel(ctx.connection)
      .find({ ws: ctx.ws, form: target.id, _id: { $in: wanted }, deletedAt: null }, { [`data.${key}`]: 1 })
      .lean<Array<{ _id: Types.ObjectId; data?: Record<string, unknown> }>>(),
  );
  const byId = new Map(docs.map((doc) => [doc._id.toHexString(), doc.data?.[key] ?? null]));
  const values = wanted.map((id) => byId.get(id.toHexString()) ?? null);
  return relation.multiple ? values : (values[0] ?? null);
}

const UNITS = {
  day: addDays,
  week: addWeeks,
  month: addMonths,
  quarter: addQuarters,
  year: addYears,
} as const;

/** Resolves `$field` and `$recordPeriod` operands of rollup conditions against the host record. */
function hostResolver(data: Record<string, unknown>): OperandResolver {
  return (raw, field) => {
    if (typeof raw.$field === 'string') {
      const value = data[raw.$field];
      if (value === null || value === undefined || Array.isArray(value) || typeof value === 'object') {
        return { type: 'none' };
      }
      const scalar = value as string | number | boolean;
      if (field.kind === 'objectId' && typeof scalar === 'string' && Types.ObjectId.isValid(scalar)) {
        return { type: 'value', value: new Types.ObjectId(scalar) };
      }
      return { type: 'value', value: scalar };
    }
    const period = raw.$recordPeriod as { start?: unknown; unit?: unknown; offset?: unknown } | undefined;
    if (period && typeof period.start === 'string') {
      const offset = typeof period.offset === 'number' && Number.isInteger(period.offset) ? period.offset : 0;
      return recordPeriod(data, period.start, period.unit, field, offset);
    }
    return undefined;
  };
}

function recordPeriod(
  data: Record<string, unknown>,
  startKey: string,
  unitSpec: unknown,
  field: FilterField,
  offset: number,
): Operand {
  const startValue = data[startKey];
  const unitName =
    typeof unitSpec === 'string'
      ? unitSpec
      : unitSpec &&
          typeof unitSpec === 'object' &&
          typeof (unitSpec as { $field?: unknown }).$field === 'string'
        ? data[(unitSpec as { $field: string }).$field]
        : undefined;
  if (typeof startValue !== 'string' || typeof unitName !== 'string' || !Object.hasOwn(UNITS, unitName)) {
    return { type: 'none' };
  }
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(startValue);
  const own = new Date(dateOnly ? `${startValue}T00:00:00.000Z` : startValue);
  if (Number.isNaN(own.getTime())) return { type: 'none' };
  const add = UNITS[unitName as keyof typeof UNITS];
  // Whole periods away from the record's own (last year's actuals: -1), counted from its start.
  const start = offset === 0 ? own : add(own, offset);
  const end = add(own, offset + 1);
  if (field.kind === 'date') {
    return { type: 'range', start: start.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
  }
  if (field.kind === 'timestamp') return { type: 'range', start, end };
  return { type: 'range', start: start.toISOString(), end: end.toISOString() };
}

/** The query over the source form's records that a rollup aggregates, for one host record. */
export function rollupQuery(
  ctx: ComputeContext,
  field: FieldDef,
  source: LoadedForm,
  data: Record<string, unknown>,
): Promise<MongoQuery> {
  return hostQuery(ctx, field.conditions, source, data);
}

/**
 * The live records of `source` matching conditions whose `$field` / `$recordPeriod` operands read the host
 * record's `data` (rollups, auto-links).
 */
export async function hostQuery(
  ctx: ComputeContext,
  conditions: unknown,
  source: LoadedForm,
  data: Record<string, unknown>,
): Promise<MongoQuery> {
  const base: MongoQuery = { ws: ctx.ws, form: source.id, deletedAt: null };
  if (!conditions) return base;
  const fields = hostFilterFields(source, ctx.forms);
  const context = {
    userId: ctx.userId,
    departmentId: ctx.departmentId,
    now: ctx.now,
    timeZone: ctx.timeZone,
  };
  const expanded = await expandInDepartment(ctx, conditions, fields, data);
  const condition = compileHost(expanded, fields, context, data);
  return Object.keys(condition).length === 0 ? base : { ...base, $and: [condition] };
}

/** {@link hostFilterFields} per directory and source form (both are fixed once loaded: form-cache.ts). */
const hostFields = new WeakMap<FormDirectory, WeakMap<LoadedForm, ReadonlyMap<string, FilterField>>>();

/**
 * The fields conditions over `source`'s records may name: lookups compare like the fields they copy. Built
 * once per loaded directory and form (every create built it again for each rollup: ~0.5% of its CPU).
 */
export function hostFilterFields(source: LoadedForm, forms: FormDirectory): ReadonlyMap<string, FilterField> {
  let bySource = hostFields.get(forms);
  if (!bySource) {
    bySource = new WeakMap();
    hostFields.set(forms, bySource);
  }
  let fields = bySource.get(source);
  if (!fields) {
    fields = filterFieldsOf(source.definition, {
      lookupTarget: (field) => lookupTarget(field, source.definition.fields, forms),
    });
    bySource.set(source, fields);
  }
  return fields;
}

function compileHost(
  conditions: unknown,
  fields: ReadonlyMap<string, FilterField>,
  context: FilterContext,
  data: Record<string, unknown>,
  basePath?: string,
): MongoQuery {
  return compileFilter(conditions, {
    fields,
    context,
    resolve: hostResolver(data),
    // Conditions come from definitions, not clients; a department's members may be many.
    limits: { maxNodes: 1000, maxListLength: 100_000 },
    ...(basePath === undefined ? {} : { basePath }),
  });
}

/**
 * Compiles conditions over `source`'s records as every write does, for a host record holding nothing
 * (operands naming its fields then match nothing, as they do for a record that leaves them empty): what
 * the compiler refuses here (a field it cannot compare, a value of the wrong kind), it refuses for every
 * record, so publishing refuses it first (the 400 it throws carries paths under `basePath`).
 */
export function checkHostConditions(
  conditions: unknown,
  source: LoadedForm,
  forms: FormDirectory,
  basePath: string,
): void {
  const context = { userId: new Types.ObjectId().toHexString(), now: new Date(), timeZone: 'UTC' };
  compileHost(noDepartment(conditions), hostFilterFields(source, forms), context, {}, basePath);
}

async function rollupValue(
  ctx: ComputeContext,
  field: FieldDef,
  data: Record<string, unknown>,
): Promise<unknown> {
  const source = typeof field.form === 'string' ? ctx.forms.byKey(field.form) : undefined;
  if (!source) return null;
  const match = await rollupQuery(ctx, field, source, data);
  const path = `$data.${String(field.field ?? '')}`;
  const aggregate = String(field.aggregate);
  const group: Record<string, unknown> = { _id: null };
  if (aggregate === 'count') group.value = { $sum: 1 };
  else if (aggregate === 'countDistinct') group.value = { $addToSet: path };
  else group.value = { [`$${aggregate}`]: path };
  // A condition whose operand is empty on this record (no customer yet) matches nothing: no store read.
  const [row] = matchesNothing(match)
    ? []
    : await remembered(ctx, `rollup|${readKey([match, group])}`, () =>
        recordModel(ctx.connection)
          .collection.aggregate<{ value: unknown }>([{ $match: match }, { $group: group }])
          .toArray(),
      );
  let value = row?.value ?? null;
  if (aggregate === 'countDistinct')
    value = Array.isArray(value) ? value.filter((v) => v !== null).length : 0;
  if (value === null && (aggregate === 'count' || aggregate === 'sum')) value = 0;
  return fromFormulaValue(field, value);
}
