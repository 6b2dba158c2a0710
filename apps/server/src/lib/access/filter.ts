import { FILTER_OPS, type FilterNode, type FilterOp } from './types.js';

/** A MongoDB query document built by this layer (never taken from a client as it is). */
export type MongoFilter = Record<string, unknown>;

/** A filter that matches no document; used where a scope cannot reach anything. */
export const MATCH_NOTHING: MongoFilter = Object.freeze({ _id: { $in: [] } }) as MongoFilter;

/** A rejected filter: `path` is a JSON pointer into the DSL document. The records module answers 400. */
export class FilterError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** Values the special operands resolve to for one caller. */
export interface FilterContext {
  /** `{ "$me": true }`: the caller's user id as records store it. */
  me: unknown;
  /** `{ "$myDepartment": true }`: the caller's department; absent makes such conditions match nothing. */
  myDepartment?: unknown;
  /** Clock for `$today` / `$period` (UTC days). */
  now: Date;
}

/** Record fields a filter may reach besides the form's own fields (`data.<key>`). */
const META_FIELDS: Record<string, string> = {
  _id: '_id',
  _owner: 'owner',
  _dept: 'dept',
  _createdBy: 'createdBy',
  _createdAt: 'createdAt',
  _updatedAt: 'updatedAt',
};

const FIELD_PATTERN = /^[a-z][a-zA-Z0-9_]*(\.[a-z][a-zA-Z0-9_]*)?$/;
const PERIODS = [
  'today',
  'yesterday',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'lastMonth',
  'thisQuarter',
  'lastQuarter',
  'thisYear',
  'lastYear',
] as const;
const MAX_DEPTH = 8;
const MAX_CONDITIONS = 100;
const MAX_LIST = 1000;
const MAX_STRING = 1000;

/** Raised inside a condition whose special operand has no value for this caller. */
class Unresolvable extends Error {}

interface Range {
  start: Date;
  end: Date;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function utcDay(date: Date, offsetDays = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + offsetDays));
}

/** The half-open UTC range `[start, end)` of a named period around `now`. Weeks start on Monday. */
export function periodRange(period: (typeof PERIODS)[number], now: Date): Range {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const q = Math.floor(m / 3) * 3;
  const weekStart = utcDay(now, -((now.getUTCDay() + 6) % 7));
  switch (period) {
    case 'today':
      return { start: utcDay(now), end: utcDay(now, 1) };
    case 'yesterday':
      return { start: utcDay(now, -1), end: utcDay(now) };
    case 'thisWeek':
      return { start: weekStart, end: utcDay(weekStart, 7) };
    case 'lastWeek':
      return { start: utcDay(weekStart, -7), end: weekStart };
    case 'thisMonth':
      return { start: new Date(Date.UTC(y, m, 1)), end: new Date(Date.UTC(y, m + 1, 1)) };
    case 'lastMonth':
      return { start: new Date(Date.UTC(y, m - 1, 1)), end: new Date(Date.UTC(y, m, 1)) };
    case 'thisQuarter':
      return { start: new Date(Date.UTC(y, q, 1)), end: new Date(Date.UTC(y, q + 3, 1)) };
    case 'lastQuarter':
      return { start: new Date(Date.UTC(y, q - 3, 1)), end: new Date(Date.UTC(y, q, 1)) };
    case 'thisYear':
      return { start: new Date(Date.UTC(y, 0, 1)), end: new Date(Date.UTC(y + 1, 0, 1)) };
    case 'lastYear':
      return { start: new Date(Date.UTC(y - 1, 0, 1)), end: new Date(Date.UTC(y, 0, 1)) };
  }
}

/** A resolved operand: a plain value, or a date range from `$today` / `$period`. */
type Operand = { value: unknown } | { range: Range };

function operand(raw: unknown, path: string, ctx: FilterContext): Operand {
  if (raw === null || typeof raw === 'boolean') return { value: raw };
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new FilterError(path, 'numbers must be finite');
    return { value: raw };
  }
  if (typeof raw === 'string') {
    if (raw.length > MAX_STRING)
      throw new FilterError(path, `strings are limited to ${MAX_STRING} characters`);
    return { value: raw };
  }
  if (isPlainObject(raw)) {
    const keys = Object.keys(raw);
    const [key] = keys;
    if (keys.length === 1 && key === '$me' && raw.$me === true) return { value: ctx.me };
    if (keys.length === 1 && key === '$myDepartment' && raw.$myDepartment === true) {
      if (ctx.myDepartment === undefined || ctx.myDepartment === null) throw new Unresolvable();
      return { value: ctx.myDepartment };
    }
    if (keys.length === 1 && key === '$today' && raw.$today === true) {
      return { range: periodRange('today', ctx.now) };
    }
    if (keys.length === 1 && key === '$period') {
      const period = raw.$period;
      if (typeof period === 'string' && (PERIODS as readonly string[]).includes(period)) {
        return { range: periodRange(period as (typeof PERIODS)[number], ctx.now) };
      }
      throw new FilterError(`${path}/$period`, `unknown period; use one of ${PERIODS.join(', ')}`);
    }
  }
  // Anything else (operator objects such as {"$gt": ""}, arrays, prototype keys) would reach MongoDB as
  // query syntax: refuse it instead of guessing.
  throw new FilterError(
    path,
    'a value must be a string, number, boolean, null, or one of {"$me":true}, {"$myDepartment":true}, {"$today":true}, {"$period":"..."}',
  );
}

function scalar(raw: unknown, path: string, ctx: FilterContext): unknown {
  const resolved = operand(raw, path, ctx);
  if ('range' in resolved) return resolved.range.start;
  return resolved.value;
}

function list(raw: unknown, path: string, ctx: FilterContext): unknown[] {
  if (!Array.isArray(raw)) throw new FilterError(path, 'must be a list');
  if (raw.length > MAX_LIST) throw new FilterError(path, `lists are limited to ${MAX_LIST} values`);
  const values: unknown[] = [];
  raw.forEach((item, index) => {
    try {
      values.push(scalar(item, `${path}/${index}`, ctx));
    } catch (error) {
      // A list item without a value for this caller (no department) simply drops out of the list.
      if (!(error instanceof Unresolvable)) throw error;
    }
  });
  return values;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function text(raw: unknown, path: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_STRING) {
    throw new FilterError(path, `must be a non-empty string of at most ${MAX_STRING} characters`);
  }
  return raw;
}

function fieldPath(raw: unknown, path: string): string {
  if (typeof raw !== 'string') throw new FilterError(path, 'must be a field key');
  const meta = META_FIELDS[raw];
  if (Object.hasOwn(META_FIELDS, raw) && meta) return meta;
  if (!FIELD_PATTERN.test(raw)) throw new FilterError(path, `"${raw.slice(0, 80)}" is not a field key`);
  return `data.${raw}`;
}

function condition(node: Record<string, unknown>, path: string, ctx: FilterContext): MongoFilter {
  for (const key of Object.keys(node)) {
    if (key !== 'field' && key !== 'op' && key !== 'value') {
      throw new FilterError(`${path}/${key}`, 'unknown property; a condition has field, op and value');
    }
  }
  const field = fieldPath(node.field, `${path}/field`);
  const op = node.op;
  if (typeof op !== 'string' || !(FILTER_OPS as readonly string[]).includes(op)) {
    throw new FilterError(`${path}/op`, `must be one of ${FILTER_OPS.join(', ')}`);
  }
  const valuePath = `${path}/value`;
  try {
    if (op === 'empty' || op === 'notEmpty') {
      const raw = node.value;
      if (raw !== undefined && raw !== null && raw !== true)
        throw new FilterError(valuePath, `${op} takes no value`);
      // Missing, null, '' and [] all count as empty; `$in: [[]]` is not portable, `$size: 0` is.
      return op === 'empty'
        ? { $or: [{ [field]: { $in: [null, ''] } }, { [field]: { $size: 0 } }] }
        : { [field]: { $nin: [null, ''], $not: { $size: 0 } } };
    }
    return { [field]: comparison(op as FilterOp, node.value, valuePath, ctx) };
  } catch (error) {
    if (error instanceof Unresolvable) return { ...MATCH_NOTHING };
    throw error;
  }
}

function comparison(op: FilterOp, raw: unknown, path: string, ctx: FilterContext): unknown {
  switch (op) {
    case 'eq':
    case 'ne': {
      const resolved = operand(raw, path, ctx);
      if ('range' in resolved) {
        const within = { $gte: resolved.range.start, $lt: resolved.range.end };
        return op === 'eq' ? within : { $not: within };
      }
      return op === 'eq' ? { $eq: resolved.value } : { $ne: resolved.value };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const resolved = operand(raw, path, ctx);
      if ('range' in resolved) {
        // Against a period, "after" means after its end and "up to" means before its end.
        if (op === 'gt') return { $gte: resolved.range.end };
        if (op === 'gte') return { $gte: resolved.range.start };
        if (op === 'lt') return { $lt: resolved.range.start };
        return { $lt: resolved.range.end };
      }
      if (resolved.value === null) throw new FilterError(path, `${op} needs a value`);
      return { [`$${op}`]: resolved.value };
    }
    case 'in':
      return { $in: list(raw, path, ctx) };
    case 'nin':
      return { $nin: list(raw, path, ctx) };
    case 'contains':
      return { $regex: escapeRegex(text(raw, path)), $options: 'i' };
    case 'startsWith':
      return { $regex: `^${escapeRegex(text(raw, path))}` };
    case 'empty':
    case 'notEmpty':
      throw new FilterError(path, `${op} is compiled per condition`);
    case 'between': {
      if (!Array.isArray(raw) || raw.length !== 2) throw new FilterError(path, 'between needs [from, to]');
      return { $gte: scalar(raw[0], `${path}/0`, ctx), $lte: scalar(raw[1], `${path}/1`, ctx) };
    }
  }
}

/**
 * Compiles a filter of the DSL (API.md) into a MongoDB filter over records. Field keys address
 * `data.<key>`; `_owner`, `_dept`, `_createdBy`, `_createdAt`, `_updatedAt` and `_id` address the record's
 * own fields. Raw operators, operator objects in values and unknown properties raise {@link FilterError}.
 */
export function compileFilter(node: unknown, ctx: FilterContext, path = ''): MongoFilter {
  const counter = { conditions: 0 };
  return compileNode(node, ctx, path, 0, counter);
}

function compileNode(
  node: unknown,
  ctx: FilterContext,
  path: string,
  depth: number,
  counter: { conditions: number },
): MongoFilter {
  if (depth > MAX_DEPTH) throw new FilterError(path || '/', `filters nest at most ${MAX_DEPTH} levels`);
  if (!isPlainObject(node)) throw new FilterError(path || '/', 'must be an object');
  const keys = Object.keys(node);
  const [group] = keys;
  if (keys.length === 1 && (group === 'and' || group === 'or')) {
    const children = node[group];
    if (!Array.isArray(children) || children.length === 0) {
      throw new FilterError(`${path}/${group}`, 'must be a non-empty list of filters');
    }
    const compiled = children.map((child, index) =>
      compileNode(child, ctx, `${path}/${group}/${index}`, depth + 1, counter),
    );
    return { [`$${group}`]: compiled };
  }
  counter.conditions += 1;
  if (counter.conditions > MAX_CONDITIONS) {
    throw new FilterError(path || '/', `filters have at most ${MAX_CONDITIONS} conditions`);
  }
  return condition(node, path, ctx);
}

/** The type guard for DSL input: true when `value` compiles (used by schema-free callers). */
export function isFilterNode(value: unknown): value is FilterNode {
  try {
    compileFilter(value, { me: null, now: new Date(0) });
    return true;
  } catch {
    return false;
  }
}
