import { appError, t } from '../../../lib/errors.js';
import { type FieldDef, isComputed } from '../../forms/meta.js';
import type { LoadedForm } from '../../records/plan.js';
import { roundTo } from '../../records/values.js';
import type { FormulaScope } from '../scope.js';

/** A formula result as a field of `field`'s type stores it (dates as days or instants, numbers rounded). */
export function storedValue(field: FieldDef, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return field.type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    const precision =
      typeof field.precision === 'number' ? field.precision : field.type === 'money' ? 2 : undefined;
    return precision === undefined ? value : roundTo(value, precision);
  }
  if (Array.isArray(value)) return value.map((item) => storedValue({ ...field, type: 'text' }, item));
  return value;
}

/**
 * Evaluates `values` (field key -> formula) for a record of `form`. Naming a field the form lacks, or a
 * computed one, fails the action: a misspelt key must not silently write nothing.
 */
export function evaluateValues(
  scope: FormulaScope,
  form: LoadedForm,
  values: Readonly<Record<string, string>>,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, expression] of Object.entries(values)) {
    const field = form.definition.fields.find((f) => f.key === key && !f.hidden);
    if (!field || isComputed(field)) {
      throw appError('UNPROCESSABLE', t('automation.noWritableField', { form: form.key, field: key }), [
        { path: `${path}/values/${key}`, message: 'detail.noWritableField' },
      ]);
    }
    out[key] = storedValue(field, scope.evaluate(expression));
  }
  return out;
}
