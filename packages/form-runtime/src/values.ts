import type { FieldDef } from './types.js';

/**
 * The value kind a field has inside formulas (`@formloom/formula`'s `FieldKind`): money and percent
 * are numbers, options and ids are text, lists end in `[]`. Structured values (files, addresses,
 * rows) are `any`: formulas may pass them along but not compute with them.
 */
export function formulaKindOf(field: FieldDef, lookupTarget?: FieldDef): string {
  const many = field.multiple === true;
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'email':
    case 'phone':
    case 'url':
    case 'serial':
      return 'text';
    case 'number':
    case 'rating':
    case 'rollup':
      return 'number';
    case 'money':
      return 'money';
    case 'percent':
      return 'percent';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'switch':
      return 'boolean';
    case 'select':
    case 'radio':
      return 'select';
    case 'multiselect':
    case 'checkbox':
      return 'multiselect';
    case 'member':
      return many ? 'member[]' : 'member';
    case 'department':
    case 'relation':
      return many ? 'text[]' : 'text';
    case 'lookup':
      return lookupTarget ? formulaKindOf(lookupTarget) : 'any';
    case 'formula':
      return formulaResultKind(String(field.resultType ?? 'any'));
    case 'system':
      return field.source === 'createdAt' || field.source === 'updatedAt'
        ? 'datetime'
        : field.source === 'department'
          ? 'text'
          : 'member';
    default:
      return 'any';
  }
}

function formulaResultKind(resultType: string): string {
  switch (resultType) {
    case 'text':
    case 'number':
    case 'boolean':
    case 'date':
    case 'datetime':
    case 'select':
    case 'multiselect':
    case 'member':
      return resultType;
    case 'members':
      return 'member[]';
    case 'department':
    case 'relation':
      return 'text';
    case 'departments':
    case 'relations':
      return 'text[]';
    default:
      return 'any';
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A stored value as formulas see it: dates become `Date`s (UTC), absent values `null`. */
export function toFormulaValue(field: FieldDef | undefined, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const type = field?.type === 'system' ? 'datetime' : field?.type;
  if ((type === 'date' || type === 'datetime') && typeof value === 'string') {
    const time = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00.000Z` : value);
    return Number.isNaN(time) ? null : new Date(time);
  }
  return value;
}

/** A formula result as stored: dates as `YYYY-MM-DD` or ISO instants, numbers rounded to `precision`. */
export function fromFormulaValue(field: FieldDef, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return field.resultType === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const precision = typeof field.precision === 'number' ? field.precision : undefined;
    return precision === undefined ? value : roundTo(value, precision);
  }
  if (Array.isArray(value))
    return value.map((item) => fromFormulaValue({ ...field, precision: undefined }, item));
  return value;
}

/** Rounds half away from zero, on the decimal representation (so 1.005 → 1.01). */
export function roundTo(value: number, digits: number): number {
  const shifted = Number(`${Math.abs(value)}e${digits}`);
  return Math.sign(value) * Number(`${Math.round(shifted)}e-${digits}`);
}
