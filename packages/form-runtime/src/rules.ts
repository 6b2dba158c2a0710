import { isFormulaError } from './formulas.js';
import type { FieldRule, ScopePlan } from './plan.js';
import type { Detail, FieldDef, FormDefinition } from './types.js';

/** What a visibility rule's result means: true, a non-zero number, a non-empty text. */
export function truthy(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'number' && value !== 0) ||
    (typeof value === 'string' && value !== '')
  );
}

/** Whether a field with this rule shows for these values; a rule that cannot be evaluated shows it. */
export function isVisible(rule: FieldRule, scope: Record<string, unknown>, now: Date): boolean {
  if (!rule.visible) return true;
  try {
    return truthy(rule.visible.evaluate(scope, now));
  } catch (error) {
    // A rule that cannot be evaluated keeps the field visible (and required): the safer reading.
    if (!isFormulaError(error)) throw error;
    return true;
  }
}

/** No answer: absent, null, empty text or an empty list. */
export function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** The rows of a subform value that are objects, with their index. */
export function rowsOf(value: unknown): Array<[number, Record<string, unknown>]> {
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
 * with a visibility rule is checked here, row by row (the returned details, at `/data/<sub>/<row>/<col>`),
 * and left optional for the schema. Returns the form's own definition (cached validator) when no rule
 * applies.
 */
export function effectiveDefinition(
  definition: FormDefinition,
  plan: ScopePlan,
  data: Record<string, unknown>,
  now: Date,
): { definition: FormDefinition; details: Detail[] } {
  const hidden = new Set<string>();
  for (const rule of plan.rules) {
    if (rule.field.required && !isVisible(rule, data, now)) hidden.add(rule.field.key);
  }
  const columns = new Map<string, Set<string>>();
  const details: Detail[] = [];
  for (const [key, sub] of plan.subforms) {
    const conditional = sub.rules.filter((rule) => rule.visible && rule.field.required);
    if (conditional.length === 0) continue;
    columns.set(key, new Set(conditional.map((rule) => rule.field.key)));
    for (const [i, row] of rowsOf(data[key])) {
      const scope = { ...data, ...row };
      for (const rule of conditional) {
        if (isVisible(rule, scope, now) && isEmpty(row[rule.field.key]))
          details.push({
            path: `/data/${key}/${i}/${rule.field.key}`,
            message: 'is required',
            code: 'required',
          });
      }
    }
  }
  if (hidden.size === 0 && columns.size === 0) return { definition, details };
  return { definition: liftRequired(definition, hidden, columns), details };
}

/** A text as `{ en?, zh-CN? }` (a plain string reads the same in both). */
function localized(text: unknown): Detail['text'] {
  if (typeof text === 'string') return { en: text, 'zh-CN': text };
  if (!text || typeof text !== 'object') return undefined;
  const { en, 'zh-CN': zh } = text as Record<string, unknown>;
  const out: { en?: string; 'zh-CN'?: string } = {};
  if (typeof en === 'string') out.en = en;
  if (typeof zh === 'string') out['zh-CN'] = zh;
  return out.en === undefined && out['zh-CN'] === undefined ? undefined : out;
}

/** A text in the given language, else English, else Chinese. */
function textIn(text: Detail['text'], language: string): string | undefined {
  const byLocale = text as Record<string, string | undefined> | undefined;
  return byLocale?.[language] ?? byLocale?.en ?? byLocale?.['zh-CN'];
}

/** Why a validation formula refuses a value, as data (see {@link Detail}), or undefined when it passes. */
function refusal(
  rule: FieldRule,
  scope: Record<string, unknown>,
  now: Date,
): { text: Detail['text'] } | undefined {
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
  if (typeof result === 'string' && result !== '') return { text: localized(result) };
  return { text: localized((rule.field.validation as { message?: unknown } | undefined)?.message) };
}

function invalid(path: string, refused: { text: Detail['text'] }, language: string): Detail {
  const detail: Detail = { path, message: textIn(refused.text, language) ?? 'is invalid', code: 'invalid' };
  if (refused.text) detail.text = refused.text;
  return detail;
}

/**
 * Why a field's validation formula refuses its value, or undefined when it passes (or the value is
 * empty: `required` speaks for empty values). `true` passes; a text result is the message itself;
 * anything else fails with the field's configured message (in `language`) or "is invalid".
 */
export function ruleFailure(
  rule: FieldRule,
  scope: Record<string, unknown>,
  now: Date,
  language = 'en',
): string | undefined {
  const refused = refusal(rule, scope, now);
  return refused && (textIn(refused.text, language) ?? 'is invalid');
}

/**
 * Runs the fields' validation formulas over the record, and those of subform columns over each row
 * (rows see their columns over the record's own fields). Details at `/data/<key>` and
 * `/data/<subform>/<row>/<column>`.
 */
export function validationFailures(
  plan: ScopePlan,
  data: Record<string, unknown>,
  now: Date,
  language = 'en',
): Detail[] {
  const details: Detail[] = [];
  for (const rule of plan.rules) {
    const refused = refusal(rule, data, now);
    if (refused) details.push(invalid(`/data/${rule.field.key}`, refused, language));
  }
  for (const [key, sub] of plan.subforms) {
    const rules = sub.rules.filter((rule) => rule.validate);
    if (rules.length === 0) continue;
    for (const [i, row] of rowsOf(data[key])) {
      const scope = { ...data, ...row };
      for (const rule of rules) {
        const refused = refusal(rule, scope, now);
        if (refused) details.push(invalid(`/data/${key}/${i}/${rule.field.key}`, refused, language));
      }
    }
  }
  return details;
}
