import type { ValueKind } from '@formloom/schema';
import type { Text } from '../messages/index.js';

/** How a field's stored value behaves in a filter (the schema package's {@link ValueKind}). */
export type FilterKind = ValueKind;

/** A field a filter may name. */
export interface FilterField {
  /** The stored document path the condition applies to, e.g. `data.amount` or `owner`. */
  path: string;
  kind: FilterKind;
  /** True when the stored value is an array of `kind` values (multiselect, multi member...). */
  multiple?: boolean;
  /** For `id` and `objectId` fields: what `$me` / `$myDepartment` may stand for. */
  refersTo?: 'member' | 'department';
  /**
   * For a column of subform rows: the stored path of the rows (`data.items`; `path` is then
   * `data.items.qty`). A condition on it holds when some row satisfies it (one row for every part of it).
   */
  within?: string;
}

/** The caller and the clock the special values `$me`, `$myDepartment`, `$today`, `$period` resolve with. */
export interface FilterContext {
  userId: string;
  /** The caller's department in the workspace, if any. */
  departmentId?: string | undefined;
  now: Date;
  /** IANA time zone that days, months and quarters are counted in; defaults to UTC. */
  timeZone?: string;
  /**
   * Periods this many of their own lengths later (negative: earlier): `thisMonth` with -1 is last month,
   * `last7Days` the seven days before. Reports compare with the previous period this way.
   */
  periodShift?: number;
}

/** Limits that keep a hostile filter cheap to compile and to run. */
export interface FilterLimits {
  /** Nesting depth of `and`/`or` groups. */
  maxDepth: number;
  /** Total conditions and groups. */
  maxNodes: number;
  /** Elements of an `in`/`nin` list. */
  maxListLength: number;
  /** Characters of one string value. */
  maxStringLength: number;
}

/** The defaults of {@link FilterLimits}. */
export const DEFAULT_FILTER_LIMITS: FilterLimits = {
  maxDepth: 6,
  maxNodes: 200,
  maxListLength: 500,
  maxStringLength: 1000,
};

/** The operators of the filter DSL (API.md); nothing else ever reaches MongoDB. */
export const FILTER_OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'startsWith',
  'empty',
  'notEmpty',
  'between',
] as const;

/** One operator of the filter DSL. */
export type FilterOp = (typeof FILTER_OPS)[number];

/** A MongoDB query produced by the compiler: plain data, safe to pass to `find`. */
export type MongoQuery = Record<string, unknown>;

/** A problem found in a filter, with a JSON pointer into the filter document. */
export interface FilterIssue {
  path: string;
  message: Text;
}
