import {
  type Detail,
  type FieldRule,
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
  const failures = validationFailures(target.plan, data, target.now);
  if (failures.length === 0) return;
  const sealed = sealedRules(target);
  const details = failures.map((detail) => {
    const rule = sealed.get(rulePath(detail.path));
    return rule ? staticFailure(detail.path, rule) : translatable(detail);
  });
  throw appError('VALIDATION_FAILED', 'record.invalid', details);
}

/** `/data/items/3/qty` → `items.qty`; `/data/amount` → `amount`. */
function rulePath(path: string): string {
  const parts = path.split('/').slice(2);
  return parts.length === 3 ? `${parts[0]}.${parts[2]}` : (parts[0] ?? '');
}

/**
 * The validation rules whose formula reads a value the caller may not see (a field hidden from them,
 * derived ones included, or one shown record by record), by `field` or `subform.column`. Such a rule still
 * refuses — the record's integrity does not depend on who writes it — but its refusal must not carry what
 * the formula made of the value: a text result is the message (`"at most " & margin` would tell the
 * margin), so the caller gets the field's own message or the generic words instead. That the rule refused
 * at all remains, like a unique value, a documented trade-off (docs/permissions.md).
 */
function sealedRules(target: FormTarget): Map<string, FieldRule> {
  const { hidden, perRecord } = target.access;
  const unseen = (key: string) => hidden.has(key) || perRecord.has(key);
  const out = new Map<string, FieldRule>();
  for (const rule of target.plan.rules) {
    if (rule.validate?.dependencies.some(unseen)) out.set(rule.field.key, rule);
  }
  for (const [key, sub] of target.plan.subforms) {
    for (const rule of sub.rules) {
      // A row's formula reads its columns by their bare keys and the record's fields by theirs.
      const reads = (dep: string) => unseen(dep) || unseen(`${key}.${dep}`) || unseen(key);
      if (rule.validate?.dependencies.some(reads)) out.set(`${key}.${rule.field.key}`, rule);
    }
  }
  return out;
}

/** A refusal in the field's configured words only (never a formula's text result). */
function staticFailure(path: string, rule: FieldRule): ErrorDetail {
  const message = (rule.field.validation as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message !== '')
    return { path, message: localizedText({ en: message, 'zh-CN': message }) };
  if (message && typeof message === 'object')
    return { path, message: localizedText(message as { en?: string; 'zh-CN'?: string }) };
  return { path, message: 'detail.invalid' };
}
