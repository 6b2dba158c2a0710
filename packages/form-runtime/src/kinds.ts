import type { ValueKind } from '@formloom/schema';
import type { FieldDef } from './types.js';

/** How a field's values filter, sort and group; `system` names the record property a system field shows. */
export interface FieldValueKind {
  kind: ValueKind;
  /** Holds a list (multiselect, checkbox, multiple members...): `contains` and `in` test its items. */
  multiple?: boolean;
  /** Ids of members or departments (`$me`, `$myDepartment` apply). */
  refersTo?: 'member' | 'department';
  /** For `system` fields: the record property they show (`_createdAt`, `_owner`...). */
  system?: string;
}

const KINDS: Readonly<Record<string, ValueKind>> = {
  text: 'text',
  textarea: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  serial: 'text',
  number: 'number',
  money: 'number',
  percent: 'number',
  rating: 'number',
  date: 'date',
  datetime: 'datetime',
  select: 'id',
  radio: 'id',
  multiselect: 'id',
  checkbox: 'id',
  switch: 'boolean',
  member: 'id',
  department: 'id',
  relation: 'id',
};

const MULTI_TYPES = new Set(['multiselect', 'checkbox']);

const FORMULA_RESULT_KINDS: Readonly<Record<string, ValueKind>> = {
  text: 'text',
  number: 'number',
  // Money and percentages are stored as plain numbers (a percentage as its fraction).
  money: 'number',
  percent: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  select: 'id',
  member: 'id',
  department: 'id',
  relation: 'id',
};

/** The record properties `system` fields show, with their kinds. */
const SYSTEM: Readonly<Record<string, FieldValueKind>> = {
  creator: { kind: 'objectId', refersTo: 'member', system: '_createdBy' },
  owner: { kind: 'objectId', refersTo: 'member', system: '_owner' },
  department: { kind: 'objectId', refersTo: 'department', system: '_dept' },
  createdAt: { kind: 'timestamp', system: '_createdAt' },
  updatedAt: { kind: 'timestamp', system: '_updatedAt' },
};

/**
 * How a field's stored values compare in filters, sorts and reports — the one mapping of field types to
 * {@link ValueKind}s, used by the server's filter compiler and the browser's filter builder alike. A lookup
 * takes the kind of the field it reads (`lookupTarget`).
 */
export function valueKindOf(field: FieldDef, lookupTarget?: FieldDef): FieldValueKind {
  if (field.type === 'system') {
    const system = SYSTEM[String(field.source)];
    if (system) return system;
  }
  if (field.type === 'lookup') {
    if (!lookupTarget) return { kind: 'opaque' };
    const { system: _system, ...inner } = valueKindOf(lookupTarget);
    return inner;
  }
  if (field.type === 'formula') return { kind: FORMULA_RESULT_KINDS[String(field.resultType)] ?? 'opaque' };
  if (field.type === 'rollup') return { kind: 'number' };
  const out: FieldValueKind = { kind: KINDS[field.type] ?? 'opaque' };
  if (MULTI_TYPES.has(field.type) || field.multiple === true) out.multiple = true;
  if (field.type === 'member') out.refersTo = 'member';
  if (field.type === 'department') out.refersTo = 'department';
  return out;
}
