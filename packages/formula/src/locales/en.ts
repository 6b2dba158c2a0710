import type { FormulaErrorCode } from '../errors.js';

/** English texts of the formula error codes; `{name}` is replaced by the error's params. */
export const en: Readonly<Record<FormulaErrorCode, string>> = {
  SOURCE_TOO_LONG: 'The formula is too long ({length} characters; at most {max}).',
  DEPTH_EXCEEDED: 'The formula is nested too deeply (at most {max} levels).',
  TEXT_TOO_LONG: 'A text made by the formula is longer than {max} characters.',
  STEP_LIMIT_EXCEEDED: 'The formula needed too many steps to evaluate (at most {max}).',
  SYNTAX_ERROR: 'Syntax error: {detail}.',
  UNSUPPORTED_SYNTAX: '"{syntax}" is not supported in formulas.',
  FORBIDDEN_NAME: '"{name}" cannot be used in a formula.',
  UNKNOWN_FIELD: 'Unknown field "{name}".',
  UNKNOWN_FUNCTION: 'Unknown function "{name}".',
  WRONG_ARGUMENT_COUNT: '{name} takes {expected} argument(s), got {actual}.',
  TYPE_MISMATCH: '{context} expects {expected}, got {actual}.',
  DIV_BY_ZERO: 'Division by zero.',
  VALUE_ERROR: 'A value has the wrong type for {name}.',
  NUM_ERROR: 'The result of {name} is not a valid number.',
  NOT_AVAILABLE: '{name} found no matching value.',
  INVALID_ARGUMENT: 'Invalid argument for {name}: {detail}.',
  CIRCULAR_REFERENCE: 'Circular reference: {cycle}.',
  DEFAULT_ONLY: '{name}() can only be used in a default value formula.',
  DUPLICATE_FUNCTION: 'The function {name} is already registered.',
  EVALUATION_FAILED: 'The formula could not be evaluated: {detail}.',
};
