import { appError, type ErrorDetail } from '../../lib/errors.js';
import type { FieldDef, FormDefinition } from '../forms/meta.js';
import type { FormTarget } from './context.js';
import { isFormulaError } from './formulas.js';
import type { FieldRule, ScopePlan } from './plan.js';

function truthy(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'number' && value !== 0) ||
    (typeof value === 'string' && value !== '')
  );
}

function isVisible(rule: FieldRule, scope: Record<string, unknown>, now: Date): boolean {
  if (!rule.visible) return true;
  try {
    return truthy(rule.visible.evaluate(scope, now));
  } catch (error) {
    // A rule that cannot be evaluated keeps the field visible (and required): the safer reading.
    if (!isFormulaError(error)) throw error;
    return true;
  }
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** The rows of a subform value that are objects, with their index. */
function rowsOf(value: unknown): Array<[number, Record<string, unknown>]> {
  if (!Array.isArray(value)) return [];
  const rows: Array<[number, Record<string, unknown>]> = [];
  value.forEach((row, i) => {
    if (row !== null && typeof row === 'object' && !Array.isArray(row))
      rows.push([i, row as Record<string, unknown>]);
  });
  return rows;
}

/** Lifted definitions by the form's definition and the lifted keys, so each keeps its compiled validator. */
const lifted = new WeakMap<FormDefinition, Map<string, FormDefinition>>();

function liftRequired(
  definition: FormDefinition,
  top: ReadonlySet<string>,
  columns: ReadonlyMap<string, ReadonlySet<string>>,
): FormDefinition {
  const id = [
    [...top].sort().join(','),
    ...[...columns].map(([sub, keys]) => `${sub}:${[...keys].sort().join(',')}`).sort(),
  ].join('|');
  let byId = lifted.get(definition);
  if (!byId) {
    byId = new Map();
    lifted.set(definition, byId);
  }
  const known = byId.get(id);
  if (known) return known;
  const fields = definition.fields.map((field): FieldDef => {
    if (top.has(field.key)) return { ...field, required: false };
    const cols = columns.get(field.key);
    if (!cols || !Array.isArray(field.columns)) return field;
    return {
      ...field,
      columns: (field.columns as FieldDef[]).map((c) => (cols.has(c.key) ? { ...c, required: false } : c)),
    };
  });
  const result = { ...definition, fields };
  if (byId.size < 64) byId.set(id, result);
  return result;
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
  const { plan, now } = target;
  const hidden = new Set<string>();
  for (const rule of plan.rules) {
    if (rule.field.required && !isVisible(rule, data, now)) hidden.add(rule.field.key);
  }
  const columns = new Map<string, Set<string>>();
  const details: ErrorDetail[] = [];
  for (const [key, sub] of plan.subforms) {
    const conditional = sub.rules.filter((rule) => rule.visible && rule.field.required);
    if (conditional.length === 0) continue;
    columns.set(key, new Set(conditional.map((rule) => rule.field.key)));
    for (const [i, row] of rowsOf(data[key])) {
      const scope = { ...data, ...row };
      for (const rule of conditional) {
        if (isVisible(rule, scope, now) && isEmpty(row[rule.field.key]))
          details.push({ path: `/data/${key}/${i}/${rule.field.key}`, message: 'is required' });
      }
    }
  }
  const definition = target.form.definition;
  if (hidden.size === 0 && columns.size === 0) return { definition, details };
  return { definition: liftRequired(definition, hidden, columns), details };
}

function ruleFailure(rule: FieldRule, scope: Record<string, unknown>, now: Date): string | undefined {
  if (!rule.validate) return undefined;
  const value = scope[rule.field.key];
  if (value === undefined || value === null) return undefined;
  let result: unknown;
  try {
    result = rule.validate.evaluate(scope, now);
  } catch (error) {
    if (!isFormulaError(error)) throw error;
    result = false;
  }
  if (result === true) return undefined;
  const configured = (rule.field.validation as { message?: { en?: string; 'zh-CN'?: string } } | undefined)
    ?.message;
  return typeof result === 'string' && result !== ''
    ? result
    : (configured?.en ?? configured?.['zh-CN'] ?? 'is invalid');
}

function rowFailures(key: string, sub: ScopePlan, data: Record<string, unknown>, now: Date): ErrorDetail[] {
  const rules = sub.rules.filter((rule) => rule.validate);
  if (rules.length === 0) return [];
  const details: ErrorDetail[] = [];
  for (const [i, row] of rowsOf(data[key])) {
    // Row formulas see the row's columns over the record's own fields, as formula columns do.
    const scope = { ...data, ...row };
    for (const rule of rules) {
      const message = ruleFailure(rule, scope, now);
      if (message !== undefined) details.push({ path: `/data/${key}/${i}/${rule.field.key}`, message });
    }
  }
  return details;
}

/**
 * Runs the fields' validation formulas over the record, and those of subform columns over each row:
 * `true` passes; `false` fails with the field's message (or a generic one); a text result is the failure
 * message itself. 400 with every failing field, rows' at `/data/<subform>/<row>/<column>`.
 */
export function checkValidationFormulas(target: FormTarget, data: Record<string, unknown>): void {
  const details: ErrorDetail[] = [];
  for (const rule of target.plan.rules) {
    const message = ruleFailure(rule, data, target.now);
    if (message !== undefined) details.push({ path: `/data/${rule.field.key}`, message });
  }
  for (const [key, sub] of target.plan.subforms) details.push(...rowFailures(key, sub, data, target.now));
  if (details.length > 0) throw appError('VALIDATION_FAILED', 'Invalid record', details);
}
