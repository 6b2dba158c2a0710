import type { Widget } from '@formloom/schema';
import {
  compileFilter,
  type FilterField,
  isPlainObject,
  localDate,
  type Period,
  periodRange,
} from '../../lib/filter-dsl/index.js';
import type { FormTarget } from '../records/context.js';

/** A filter of the DSL with the JSON pointer its problems are reported at. */
export type SourcedFilter = [filter: unknown, path: string];

/** True when a filter (of the DSL, unchecked) holds a `$period` value anywhere. */
export function hasPeriod(filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some(hasPeriod);
  if (!isPlainObject(filter)) return false;
  if (Object.hasOwn(filter, '$period')) return true;
  return Object.values(filter).some(hasPeriod);
}

/**
 * The conditions of a filter that must hold for every record (top level, or inside `and` groups) and
 * compare with a `$period`: what a target series of another form is filtered on, moved to that form's
 * period field.
 */
export function periodConditions(filter: unknown, field: string): unknown[] {
  if (!isPlainObject(filter)) return [];
  if (Array.isArray(filter.and)) return filter.and.flatMap((child) => periodConditions(child, field));
  if (typeof filter.field === 'string' && hasPeriod(filter.value)) return [{ ...filter, field }];
  return [];
}

/**
 * Compiles the widget's filter and the request's filters for the caller (hidden fields fail as unknown:
 * 400), periods counted in the caller's time zone and moved by `periodShift` periods.
 */
export function compileFilters(
  target: FormTarget,
  fields: ReadonlyMap<string, FilterField>,
  sources: readonly SourcedFilter[],
  periodShift = 0,
): Record<string, unknown>[] {
  const context = {
    userId: target.caller.userId.toHexString(),
    departmentId: target.caller.department?.toHexString(),
    now: target.now,
    timeZone: target.caller.timeZone,
    periodShift,
  };
  return sources
    .map(([filter, basePath]) => compileFilter(filter, { fields, context, basePath }))
    .filter((query) => Object.keys(query).length > 0);
}

/** The filters of a widget query, with where each came from. */
export function widgetFilters(
  widget: Widget,
  filters: readonly unknown[],
  extra: readonly unknown[],
): SourcedFilter[] {
  return [
    [widget.filter, '/widget/filter'],
    ...filters.map((filter, i): SourcedFilter => [filter, `/filters/${i}`]),
    ...extra.map((filter, i): SourcedFilter => [filter, `/drill/${i}`]),
  ];
}

/**
 * A filter with its relative periods written out for the caller's clock and time zone: a condition
 * `eq` (or `between`) a `$period` becomes `gte` its first day and `lt` the day after it, so a record list
 * opened from a report shows the same records whatever zone it counts in.
 */
export function resolvePeriods(filter: unknown, target: FormTarget): unknown {
  if (Array.isArray(filter)) return filter.map((f) => resolvePeriods(f, target));
  if (!isPlainObject(filter)) return filter;
  if (Array.isArray(filter.and)) return { and: filter.and.map((f) => resolvePeriods(f, target)) };
  if (Array.isArray(filter.or)) return { or: filter.or.map((f) => resolvePeriods(f, target)) };
  const value = filter.value;
  const period =
    isPlainObject(value) && typeof value.$period === 'string' ? (value.$period as Period) : undefined;
  const field = typeof filter.field === 'string' ? target.queryFields.get(filter.field) : undefined;
  if (!period || !field || (filter.op !== 'eq' && filter.op !== 'between')) return filter;
  let range: { start: Date; end: Date };
  try {
    range = periodRange(period, target.now, target.caller.timeZone);
  } catch {
    return filter;
  }
  const bound = (instant: Date) =>
    field.kind === 'date' ? localDate(instant, target.caller.timeZone) : instant.toISOString();
  return {
    and: [
      { field: filter.field, op: 'gte', value: bound(range.start) },
      { field: filter.field, op: 'lt', value: bound(range.end) },
    ],
  };
}
