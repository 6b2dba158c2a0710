import { type FieldDef, type FormDefinition, valueKindOf } from '@formloom/form-runtime';
import type { FilterField } from '../../lib/filter-dsl/index.js';

// A field and a form as the server reads them: the form runtime's loose shapes of the schema's documents
// (the definitions were validated with the schema on write), shared with the browser.
export type { FieldDef, FormDefinition };

/** Field types whose values only the server writes; values clients send for them are ignored. */
export const COMPUTED_TYPES: ReadonlySet<string> = new Set([
  'formula',
  'lookup',
  'rollup',
  'serial',
  'system',
]);

/** True when clients never write the field. */
export function isComputed(field: FieldDef): boolean {
  return COMPUTED_TYPES.has(field.type);
}

/** The record properties every form has, addressable in filters by these keys. */
const SYSTEM_FILTER_FIELDS: ReadonlyArray<[string, FilterField]> = [
  ['_id', { path: '_id', kind: 'objectId' }],
  ['_owner', { path: 'owner', kind: 'objectId', refersTo: 'member' }],
  ['_createdBy', { path: 'createdBy', kind: 'objectId', refersTo: 'member' }],
  ['_dept', { path: 'dept', kind: 'objectId', refersTo: 'department' }],
  ['_createdAt', { path: 'createdAt', kind: 'timestamp' }],
  ['_updatedAt', { path: 'updatedAt', kind: 'timestamp' }],
  // inProgress, approved, rejected, returned, withdrawn (docs/flows.md); records without a flow have none.
  ['_flowStatus', { path: 'flow.status', kind: 'id' }],
];

/** The filter view of one field: where it is stored and how its values compare. */
export function filterFieldOf(field: FieldDef, forms?: FormLookup): FilterField {
  // The kind of a type is decided once, in @formloom/form-runtime (the browser's filter builder reads it too).
  const value = valueKindOf(field, field.type === 'lookup' ? forms?.lookupTarget(field) : undefined);
  if (value.system) {
    const system = SYSTEM_FILTER_FIELDS.find(([key]) => key === value.system);
    if (system) return system[1];
  }
  const out: FilterField = { path: `data.${field.key}`, kind: value.kind };
  if (value.multiple) out.multiple = true;
  if (value.refersTo) out.refersTo = value.refersTo;
  return out;
}

/** Resolves fields of other forms (lookups). */
export interface FormLookup {
  lookupTarget(field: FieldDef): FieldDef | undefined;
}

/**
 * The fields of a form a filter may name: every field that is not hidden, the system ones, and each
 * column of each subform as `subform.column` (a condition on it holds when some row satisfies it).
 */
export function filterFieldsOf(form: FormDefinition, forms?: FormLookup): Map<string, FilterField> {
  const map = new Map<string, FilterField>(SYSTEM_FILTER_FIELDS);
  for (const field of form.fields) {
    if (field.hidden) continue;
    map.set(field.key, filterFieldOf(field, forms));
    if (field.type !== 'subform' || !Array.isArray(field.columns)) continue;
    const rows = `data.${field.key}`;
    for (const column of field.columns as FieldDef[]) {
      const base = filterFieldOf(column);
      if (column.hidden || !base.path.startsWith('data.')) continue;
      map.set(`${field.key}.${column.key}`, { ...base, path: `${rows}.${column.key}`, within: rows });
    }
  }
  return map;
}

/** Fields by key, without prototype keys ever matching. */
export function fieldMap(form: FormDefinition): Map<string, FieldDef> {
  return new Map(form.fields.map((field) => [field.key, field]));
}
