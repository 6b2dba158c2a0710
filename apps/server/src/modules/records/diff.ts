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
