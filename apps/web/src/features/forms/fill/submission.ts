import type { FieldDefinition } from '../../../api/apps';
import { isComputedField } from '../fields/registry';

/**
 * The values to send: what the caller may write and sees now. Computed fields are left to the server;
 * read-only and role-hidden fields are left out (the server refuses writes naming them); fields hidden
 * by their visibility rule are left out too, as they are not shown; empty values are omitted.
 */
export function submissionData(
  fields: readonly FieldDefinition[],
  data: Readonly<Record<string, unknown>>,
  options: {
    hidden: ReadonlySet<string>;
    readOnly: ReadonlySet<string>;
    invisible: ReadonlySet<string>;
    keepNulls?: boolean;
  },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const key = field.key;
    if (isComputedField(field) || field.hidden || field.readOnly) continue;
    if (options.hidden.has(key) || options.readOnly.has(key) || options.invisible.has(key)) continue;
    const value = data[key];
    if (value === undefined || (value === null && !options.keepNulls)) continue;
    if (field.type === 'subform' && Array.isArray(value)) {
      const columns = (field.columns ?? []).filter(
        (c) =>
          !isComputedField(c) &&
          !c.hidden &&
          !c.readOnly &&
          !options.hidden.has(`${key}.${c.key}`) &&
          !options.readOnly.has(`${key}.${c.key}`),
      );
      out[key] = value.map((row) => {
        const source = row as Record<string, unknown>;
        const kept: Record<string, unknown> = {};
        if (typeof source._id === 'string') kept._id = source._id;
        for (const column of columns) {
          const cell = source[column.key];
          if (cell !== undefined && cell !== null) kept[column.key] = cell;
        }
        return kept;
      });
      continue;
    }
    out[key] = value;
  }
  return out;
}
