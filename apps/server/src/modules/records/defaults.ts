import type { FormTarget } from './context.js';
import { compileFieldFormula, isFormulaError } from './formulas.js';
import { formulaKinds } from './plan.js';
import { fromFormulaValue } from './values.js';

/**
 * Fills fields the client left out with their default: a constant, or a formula over what was sent.
 * Runs before validation, so a required field with a default is satisfied by it.
 */
export function applyDefaults(target: FormTarget, input: Record<string, unknown>): Record<string, unknown> {
  const fields = target.form.definition.fields;
  const out = { ...input };
  let kinds: Record<string, string> | undefined;
  fields.forEach((field, index) => {
    if (field.hidden || !field.default || Object.hasOwn(input, field.key)) return;
    if ('value' in field.default) {
      out[field.key] = structuredClone(field.default.value);
      return;
    }
    kinds ??= formulaKinds(fields, target.directory);
    try {
      const program = compileFieldFormula(field.default.formula, kinds, `/fields/${index}/default/formula`);
      const value = fromFormulaValue(field, program.evaluate(input, target.now));
      if (value !== null) out[field.key] = value;
    } catch (error) {
      // A default that cannot be computed leaves the field empty; `required` then says so.
      if (!isFormulaError(error) && !(error instanceof Error && error.name === 'FormulaSetupError'))
        throw error;
    }
  });
  return out;
}
