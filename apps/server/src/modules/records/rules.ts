import { appError, type ErrorDetail } from '../../lib/errors.js';
import type { FormDefinition } from '../forms/meta.js';
import type { FormTarget } from './context.js';
import { isFormulaError } from './formulas.js';

function truthy(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'number' && value !== 0) ||
    (typeof value === 'string' && value !== '')
  );
}

/**
 * The definition a submission is validated with: a field whose `visibleWhen` is false for these values
 * is not shown, so its `required` does not apply. Returns the form's own definition (cached validator)
 * when no rule hides a required field.
 */
export function effectiveDefinition(target: FormTarget, data: Record<string, unknown>): FormDefinition {
  const hidden = new Set<string>();
  for (const rule of target.plan.rules) {
    if (!rule.visible || !rule.field.required) continue;
    let visible = true;
    try {
      visible = truthy(rule.visible.evaluate(data, target.now));
    } catch (error) {
      // A rule that cannot be evaluated keeps the field visible (and required): the safer reading.
      if (!isFormulaError(error)) throw error;
    }
    if (!visible) hidden.add(rule.field.key);
  }
  const definition = target.form.definition;
  if (hidden.size === 0) return definition;
  return {
    ...definition,
    fields: definition.fields.map((field) => (hidden.has(field.key) ? { ...field, required: false } : field)),
  };
}

/**
 * Runs the fields' validation formulas over the record: `true` passes; `false` fails with the field's
 * message (or a generic one); a text result is the failure message itself. 400 with every failing field.
 */
export function checkValidationFormulas(target: FormTarget, data: Record<string, unknown>): void {
  const details: ErrorDetail[] = [];
  for (const rule of target.plan.rules) {
    if (!rule.validate) continue;
    const value = data[rule.field.key];
    if (value === undefined || value === null) continue;
    let result: unknown;
    try {
      result = rule.validate.evaluate(data, target.now);
    } catch (error) {
      if (!isFormulaError(error)) throw error;
      result = false;
    }
    if (result === true) continue;
    const configured = (rule.field.validation as { message?: { en?: string; 'zh-CN'?: string } } | undefined)
      ?.message;
    const message =
      typeof result === 'string' && result !== ''
        ? result
        : (configured?.en ?? configured?.['zh-CN'] ?? 'is invalid');
    details.push({ path: `/data/${rule.field.key}`, message });
  }
  if (details.length > 0) throw appError('VALIDATION_FAILED', 'Invalid record', details);
}
