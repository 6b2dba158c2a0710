import { compileFieldFormula, FormulaSetupError, isFormulaError } from './formulas.js';
import { formulaKinds } from './plan.js';
import type { FieldDef, FormDirectory } from './types.js';
import { fromFormulaValue } from './values.js';

/**
 * Fills fields the input leaves out with their default: a constant, or a formula over the input. Runs
 * before validation, so a required field with a default is satisfied by it. A default that cannot be
 * computed leaves the field empty (`required` then says so).
 */
export function applyDefaults(
  fields: readonly FieldDef[],
  directory: FormDirectory,
  input: Record<string, unknown>,
  now: Date,
  /** Who creates the record: the member CURRENT_USER() names. */
  user?: string,
): Record<string, unknown> {
  const out = { ...input };
  let kinds: Record<string, string> | undefined;
  fields.forEach((field, index) => {
    if (field.hidden || !field.default || Object.hasOwn(input, field.key)) return;
    if ('value' in field.default) {
      // A fresh copy per record: defaults are JSON values (lists, addresses) that must not be shared.
      out[field.key] = JSON.parse(JSON.stringify(field.default.value)) as unknown;
      return;
    }
    kinds ??= formulaKinds(fields, directory);
    try {
      const program = compileFieldFormula(field.default.formula, kinds, `/fields/${index}/default/formula`);
      const value = fromFormulaValue(field, program.evaluate(input, now, user));
      if (value !== null) out[field.key] = value;
    } catch (error) {
      if (!isFormulaError(error) && !(error instanceof FormulaSetupError)) throw error;
    }
  });
  return out;
}
