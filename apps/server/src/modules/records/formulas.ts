// Field formulas compile in @formloom/form-runtime, shared with the browser's live forms.
export {
  compileFieldFormula,
  type FormulaProgram,
  FormulaSetupError,
  isFormulaError,
} from '@formloom/form-runtime';
