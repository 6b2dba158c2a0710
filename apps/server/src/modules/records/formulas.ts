import type { FormulaSetupError } from '@formloom/form-runtime';
import type { FormulaErrorCode, FormulaErrorParams } from '@formloom/formula';
import type { ErrorDetail } from '../../lib/errors.js';

// Field formulas compile in @formloom/form-runtime, shared with the browser's live forms.
export {
  compileFieldFormula,
  type FormulaProgram,
  FormulaSetupError,
  isFormulaError,
} from '@formloom/form-runtime';

/**
 * The error detail of a formula that cannot be used, at `base` + the formula's path, worded by the formula
 * package's locale files in the client's language; `code` is `formula.<CODE>`.
 */
export function formulaSetupDetail(error: FormulaSetupError, base = ''): ErrorDetail {
  const code = error.formulaCode as FormulaErrorCode;
  return {
    path: `${base}${error.path}`,
    message: { formula: { code, params: error.params as FormulaErrorParams, position: error.position } },
    code: `formula.${code}`,
  };
}
