import { isDeepStrictEqual } from 'node:util';

/** One changed field: its value before and after (absent when the field had or has no value). */
export interface FieldChange {
  key: string;
  from?: unknown;
  to?: unknown;
}

/** The field-level differences between two versions of a record's data, in key order. */
export function diffData(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const from = Object.hasOwn(before, key) ? before[key] : undefined;
    const to = Object.hasOwn(after, key) ? after[key] : undefined;
    if (isDeepStrictEqual(from, to)) continue;
    const change: FieldChange = { key };
    if (from !== undefined) change.from = from;
    if (to !== undefined) change.to = to;
    changes.push(change);
  }
  return changes;
}

/**
 * The changes of a record's creation: each value from nothing, in key order (what `diffData({}, values)`
 * answers, without comparing). Create history entries store the values themselves (`values`).
 */
export function creationChanges(values: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of Object.keys(values).sort()) {
    const to = values[key];
    if (to !== undefined) changes.push({ key, to });
  }
  return changes;
}

/** A create's first values as its history entry keeps them: the record's data without absent values. */
export function creationValues(data: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const value = data[key];
    if (value !== undefined) values[key] = value;
  }
  return values;
}
