// The value conversions live in @formloom/form-runtime, shared with the browser's live forms.
export { formulaKindOf, fromFormulaValue, roundTo, toFormulaValue } from '@formloom/form-runtime';
