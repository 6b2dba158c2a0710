import { type ErrorDetail, t } from '../../lib/errors.js';
import type { FieldDef, FormDefinition } from './meta.js';

/** A field whose type changes between the published and the next version. */
export interface TypeChange {
  key: string;
  index: number;
  from: FieldDef;
  to: FieldDef;
}

/** The next definition made non-destructive: removed fields come back hidden; keys never change. */
export interface Reconciled {
  definition: FormDefinition;
  hidden: string[];
  typeChanges: TypeChange[];
}

function keepRemoved(
  previous: readonly FieldDef[],
  next: readonly FieldDef[],
  hidden: string[],
  prefix = '',
): FieldDef[] {
  const nextKeys = new Set(next.map((f) => f.key));
  const out = next.map((field): FieldDef => {
    const before = previous.find((f) => f.key === field.key);
    if (field.type === 'subform' && before?.type === 'subform') {
      const columns: FieldDef[] = keepRemoved(
        (before.columns as FieldDef[]) ?? [],
        (field.columns as FieldDef[]) ?? [],
        hidden,
        `${field.key}.`,
      );
      return { ...field, columns };
    }
    return field;
  });
  for (const field of previous) {
    if (nextKeys.has(field.key)) continue;
    // Data is never dropped by a schema edit: the field stays, hidden, with its values.
    out.push({ ...field, hidden: true });
    if (!field.hidden) hidden.push(`${prefix}${field.key}`);
  }
  return out;
}

/** Compares the next definition with the published one. */
export function reconcile(published: FormDefinition, next: FormDefinition): Reconciled {
  const hidden: string[] = [];
  const fields = keepRemoved(published.fields, next.fields, hidden);
  // Fields hidden by this version, whether removed now or removed in an earlier saved draft.
  for (const field of fields) {
    const before = published.fields.find((f) => f.key === field.key);
    if (field.hidden && before && !before.hidden && !hidden.includes(field.key)) hidden.push(field.key);
  }
  const typeChanges: TypeChange[] = [];
  fields.forEach((field, index) => {
    const before = published.fields.find((f) => f.key === field.key);
    if (before && before.type !== field.type)
      typeChanges.push({ key: field.key, index, from: before, to: field });
  });
  return { definition: { ...next, fields }, hidden, typeChanges };
}

type Converted = { ok: true; value: unknown } | { ok: false };

const NUMERIC = new Set(['number', 'money', 'percent', 'rating']);
const TEXTUAL = new Set(['text', 'textarea', 'email', 'phone', 'url']);
const SINGLE_CHOICE = new Set(['select', 'radio']);
const MULTI_CHOICE = new Set(['multiselect', 'checkbox']);

function optionValues(field: FieldDef): Set<string> | undefined {
  const options = field.options;
  if (!Array.isArray(options)) return undefined;
  return new Set(
    options.map((o) => (o && typeof o === 'object' ? String((o as { value?: unknown }).value) : String(o))),
  );
}

/**
 * Converts one stored value to a new field type, or says it cannot without losing information.
 * Absent values always convert.
 */
export function convertValue(from: FieldDef, to: FieldDef, value: unknown): Converted {
  if (value === null || value === undefined) return { ok: true, value };
  const a = from.type;
  const b = to.type;
  if (NUMERIC.has(a) && NUMERIC.has(b)) {
    return b === 'rating' && !Number.isInteger(value) ? { ok: false } : { ok: true, value };
  }
  if (TEXTUAL.has(b) && (TEXTUAL.has(a) || SINGLE_CHOICE.has(a) || a === 'date' || a === 'datetime')) {
    return typeof value === 'string' ? { ok: true, value } : { ok: false };
  }
  if (TEXTUAL.has(b) && NUMERIC.has(a)) return { ok: true, value: String(value) };
  if (NUMERIC.has(b) && TEXTUAL.has(a)) {
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
  }
  if (b === 'date' && (TEXTUAL.has(a) || a === 'datetime')) {
    if (typeof value !== 'string') return { ok: false };
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { ok: true, value };
    // A date-time converts only when it is a whole UTC day: no time of day is lost.
    return /^\d{4}-\d{2}-\d{2}T00:00(:00(\.0+)?)?Z$/.test(value)
      ? { ok: true, value: value.slice(0, 10) }
      : { ok: false };
  }
  if (b === 'datetime' && a === 'date') {
    return typeof value === 'string' ? { ok: true, value: `${value}T00:00:00.000Z` } : { ok: false };
  }
  const allowed = optionValues(to);
  const inOptions = (v: unknown) => typeof v === 'string' && (!allowed || allowed.has(v));
  if (SINGLE_CHOICE.has(b) && (SINGLE_CHOICE.has(a) || TEXTUAL.has(a))) {
    return inOptions(value) ? { ok: true, value } : { ok: false };
  }
  if (MULTI_CHOICE.has(b) && SINGLE_CHOICE.has(a))
    return inOptions(value) ? { ok: true, value: [value] } : { ok: false };
  if (MULTI_CHOICE.has(b) && MULTI_CHOICE.has(a)) {
    return Array.isArray(value) && value.every(inOptions) ? { ok: true, value } : { ok: false };
  }
  if (SINGLE_CHOICE.has(b) && MULTI_CHOICE.has(a)) {
    if (!Array.isArray(value) || value.length > 1) return { ok: false };
    return value.length === 0
      ? { ok: true, value: null }
      : inOptions(value[0])
        ? { ok: true, value: value[0] }
        : { ok: false };
  }
  if (a === b) {
    // Same type, `multiple` switched: one value becomes a list of one; a list of at most one becomes its item.
    if (to.multiple && !from.multiple) return { ok: true, value: [value] };
    if (!to.multiple && from.multiple) {
      if (!Array.isArray(value) || value.length > 1) return { ok: false };
      return { ok: true, value: value[0] ?? null };
    }
    return { ok: true, value };
  }
  return { ok: false };
}

/** True when changing `from` to `to` may need stored values converted. */
export function needsMigration(from: FieldDef, to: FieldDef): boolean {
  return from.type !== to.type || Boolean(from.multiple) !== Boolean(to.multiple);
}

/** The 422 detail of a type change some stored values cannot survive. */
export function lossyDetail(
  change: TypeChange,
  failures: number,
  example: { id: string; value: unknown },
): ErrorDetail {
  return {
    path: `/fields/${change.index}/type`,
    message: t('detail.lossyChange', {
      field: change.key,
      from: change.from.type,
      to: change.to.type,
      failures,
      example: JSON.stringify(example.value).slice(0, 80),
      id: example.id,
    }),
  };
}
