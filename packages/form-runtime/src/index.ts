/**
 * @formloom/form-runtime — what a form does while it is filled, shared by the server's write path and
 * the browser's live form: defaults, formulas planned in dependency order, visibility rules, validation
 * formulas, and the incremental {@link LiveForm} the web app runs on every keystroke.
 */
export { checkSubmission, issuePointer } from './check.js';
export { applyDefaults } from './defaults.js';
export {
  type DerivedAccess,
  type DerivedAccessOptions,
  derivedAccess,
  type FieldGrant,
  type HiddenBecause,
} from './derived-access.js';
export { type AppInputs, appInputs, type FieldInput, type FormInputs, fieldInputs } from './field-inputs.js';
export { compileFieldFormula, type FormulaProgram, FormulaSetupError, isFormulaError } from './formulas.js';
export { type FieldValueKind, valueKindOf } from './kinds.js';
export { type LiveChange, LiveForm, type LiveFormOptions } from './live.js';
export {
  type FieldRule,
  formulaKinds,
  lookupTarget,
  planScope,
  rollupFieldRefs,
  type ScopePlan,
} from './plan.js';
export {
  effectiveDefinition,
  isEmpty,
  isVisible,
  rowsOf,
  ruleFailure,
  truthy,
  validationFailures,
} from './rules.js';
export {
  COMPUTED_TYPES,
  type Detail,
  directoryOf,
  type FieldDef,
  type FormDefinition,
  type FormDirectory,
  isComputed,
  type PlannedForm,
} from './types.js';
export { formulaKindOf, fromFormulaValue, roundTo, toFormulaValue } from './values.js';
