import {
  type Detail,
  effectiveDefinition as runtimeEffectiveDefinition,
  validationFailures,
} from '@formloom/form-runtime';
import { appError, type ErrorDetail, localizedText } from '../../lib/errors.js';
import type { FormDefinition } from '../forms/meta.js';
import type { FormTarget } from './context.js';

/** A form-runtime detail as an error detail worded per client (its data, not its English message). */
function translatable(detail: Detail): ErrorDetail {
  if (detail.code === 'required') return { path: detail.path, message: 'detail.required' };
  return { path: detail.path, message: detail.text ? localizedText(detail.text) : 'detail.invalid' };
}

/**
 * The definition a submission is validated with: a field whose `visibleWhen` is false for these values
 * is not shown, so its `required` does not apply. In subform rows each row decides for itself: a column
 * with a visibility rule is checked here, row by row (the returned details), and left optional for the
 * schema. Returns the form's own definition (cached validator) when no rule applies.
 */
export function effectiveDefinition(
  target: FormTarget,
  data: Record<string, unknown>,
): { definition: FormDefinition; details: ErrorDetail[] } {
  const result = runtimeEffectiveDefinition(target.form.definition, target.plan, data, target.now);
  return { definition: result.definition as FormDefinition, details: result.details.map(translatable) };
}

/**
 * Runs the fields' validation formulas over the record, and those of subform columns over each row:
 * `true` passes; `false` fails with the field's message (or a generic one); a text result is the failure
 * message itself. 400 with every failing field, rows' at `/data/<subform>/<row>/<column>`.
 */
export function checkValidationFormulas(target: FormTarget, data: Record<string, unknown>): void {
  const details = validationFailures(target.plan, data, target.now).map(translatable);
  if (details.length > 0) throw appError('VALIDATION_FAILED', 'record.invalid', details);
}
