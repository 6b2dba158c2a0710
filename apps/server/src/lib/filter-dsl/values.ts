import { Types } from 'mongoose';
import { type PlainKey, t } from '../messages/index.js';
import { isPeriod, localDate, periodRange } from './periods.js';
import type { FilterContext, FilterField, FilterIssue, FilterLimits } from './types.js';

/**
 * A value a condition compares with, after special values are resolved: one stored value, a
 * half-open range of stored values (`$today` on a datetime, `$period`), or nothing at all (`$myDepartment`
 * for a caller without a department: the condition can match no record).
 */
export type Operand =
  | { type: 'value'; value: Scalar }
  | { type: 'range'; start: Scalar; end: Scalar }
  | { type: 'none' };

/** A stored scalar a condition may compare with. */
export type Scalar = string | number | boolean | Date | Types.ObjectId;

/**
 * Resolves server-side operands (rollup conditions' `$field`, `$recordPeriod`) that clients may never
 * send: returns undefined for objects it does not know, which then count as ordinary (rejected) values.
 */
export type OperandResolver = (raw: Record<string, unknown>, field: FilterField) => Operand | undefined;

/** What value checking needs besides the value. */
export interface ValueScope {
  field: FilterField;
  context: FilterContext;
  limits: FilterLimits;
  issues: FilterIssue[];
  resolve?: OperandResolver | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const SPECIAL_KEYS = ['$me', '$myDepartment', '$today', '$period'];

/** True for a real calendar date `YYYY-MM-DD` (rejects 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** An ISO-8601 instant with an explicit offset, normalised to UTC `toISOString()` form; else undefined. */
export function normaliseDateTime(value: string): string | undefined {
  if (!DATETIME.test(value) || !isCalendarDate(value.slice(0, 10))) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** True for `{}`-literal objects (not arrays, dates or class instances). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): PlainKey {
  if (value === null) return 'value.null';
  if (Array.isArray(value)) return 'value.list';
  switch (typeof value) {
    case 'object':
      return 'value.object';
    case 'string':
      return 'value.string';
    case 'number':
      return 'value.number';
    case 'boolean':
      return 'value.boolean';
    default:
      return 'value.other';
  }
}

/** An id as the field stores it: ObjectId fields get an ObjectId. */
function asKind(field: FilterField, id: string): Scalar {
  return field.kind === 'objectId' && Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : id;
}

/** Resolves a `{ "$me": true }`-style special value; reports misuse. */
function resolveSpecial(raw: Record<string, unknown>, path: string, scope: ValueScope): Operand | undefined {
  const { field, context, issues } = scope;
  const keys = Object.keys(raw);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !SPECIAL_KEYS.includes(key)) {
    const operator = keys.find((k) => k.startsWith('$') && !SPECIAL_KEYS.includes(k));
    issues.push({
      path,
      message: operator
        ? t('filter.operatorValue', { operator, special: SPECIAL_KEYS })
        : t('filter.objectValue', { special: SPECIAL_KEYS }),
    });
    return undefined;
  }
  const arg = raw[key];
  const badArg = (expected: PlainKey) => {
    issues.push({ path: `${path}/${key}`, message: t('filter.mustBe', { expected: t(expected) }) });
    return undefined;
  };
  switch (key) {
    case '$me':
      if (arg !== true) return badArg('value.true');
      if ((field.kind !== 'id' && field.kind !== 'objectId') || field.refersTo !== 'member') {
        issues.push({ path, message: 'filter.meKind' });
        return undefined;
      }
      return { type: 'value', value: asKind(field, context.userId) };
    case '$myDepartment':
      if (arg !== true) return badArg('value.true');
      if ((field.kind !== 'id' && field.kind !== 'objectId') || field.refersTo !== 'department') {
        issues.push({ path, message: 'filter.myDepartmentKind' });
        return undefined;
      }
      return context.departmentId
        ? { type: 'value', value: asKind(field, context.departmentId) }
        : { type: 'none' };
    case '$today':
      if (arg !== true) return badArg('value.true');
      return dayOrPeriod('today', path, scope);
    default:
      if (!isPeriod(arg)) return badArg('value.period');
      return dayOrPeriod(arg, path, scope);
  }
}

function dayOrPeriod(
  period: Parameters<typeof periodRange>[0],
  path: string,
  scope: ValueScope,
): Operand | undefined {
  const { field, context } = scope;
  const range = periodRange(period, context.now, context.timeZone, context.periodShift ?? 0);
  if (field.kind === 'date') {
    const start = localDate(range.start, context.timeZone);
    const end = localDate(range.end, context.timeZone);
    return period === 'today' ? { type: 'value', value: start } : { type: 'range', start, end };
  }
  if (field.kind === 'datetime') {
    return { type: 'range', start: range.start.toISOString(), end: range.end.toISOString() };
  }
  if (field.kind === 'timestamp') return { type: 'range', start: range.start, end: range.end };
  scope.issues.push({ path, message: 'filter.periodKind' });
  return undefined;
}

/**
 * Checks one value against the field's kind and resolves special values. Returns undefined (and
 * records an issue) when the value is unusable.
 */
export function checkValue(raw: unknown, path: string, scope: ValueScope): Operand | undefined {
  const { field, limits, issues } = scope;
  if (isPlainObject(raw)) {
    const custom = scope.resolve?.(raw, field);
    return custom ?? resolveSpecial(raw, path, scope);
  }
  const fail = (expected: PlainKey) => {
    issues.push({
      path,
      message: t('filter.mustBeGot', { expected: t(expected), actual: t(describe(raw)) }),
    });
    return undefined;
  };
  switch (field.kind) {
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw)
        ? { type: 'value', value: raw }
        : fail('value.number');
    case 'boolean':
      return typeof raw === 'boolean' ? { type: 'value', value: raw } : fail('value.trueOrFalse');
    case 'date':
      return typeof raw === 'string' && isCalendarDate(raw)
        ? { type: 'value', value: raw }
        : fail('value.date');
    case 'datetime': {
      const normalised = typeof raw === 'string' ? normaliseDateTime(raw) : undefined;
      return normalised ? { type: 'value', value: normalised } : fail('value.dateTime');
    }
    case 'text':
    case 'id':
      if (typeof raw !== 'string') return fail('value.string');
      if (raw.length > limits.maxStringLength) {
        issues.push({ path, message: t('detail.maxChars', { max: limits.maxStringLength }) });
        return undefined;
      }
      return { type: 'value', value: raw };
    case 'objectId':
      return typeof raw === 'string' && Types.ObjectId.isValid(raw) && /^[0-9a-f]{24}$/i.test(raw)
        ? { type: 'value', value: new Types.ObjectId(raw) }
        : fail('value.objectId');
    case 'timestamp': {
      const normalised = typeof raw === 'string' ? normaliseDateTime(raw) : undefined;
      return normalised ? { type: 'value', value: new Date(normalised) } : fail('value.dateTime');
    }
    case 'opaque':
      issues.push({ path, message: 'filter.opaque' });
      return undefined;
  }
}
