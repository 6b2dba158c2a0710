/** Every error code the formula package produces. Human text lives in the locale files. */
export type FormulaErrorCode =
  | 'SOURCE_TOO_LONG'
  | 'DEPTH_EXCEEDED'
  | 'STEP_LIMIT_EXCEEDED'
  | 'TEXT_TOO_LONG'
  | 'SYNTAX_ERROR'
  | 'UNSUPPORTED_SYNTAX'
  | 'FORBIDDEN_NAME'
  | 'UNKNOWN_FIELD'
  | 'UNKNOWN_FUNCTION'
  | 'WRONG_ARGUMENT_COUNT'
  | 'TYPE_MISMATCH'
  | 'DIV_BY_ZERO'
  | 'VALUE_ERROR'
  | 'NUM_ERROR'
  | 'NOT_AVAILABLE'
  | 'INVALID_ARGUMENT'
  | 'CIRCULAR_REFERENCE'
  | 'DEFAULT_ONLY'
  | 'DUPLICATE_FUNCTION'
  | 'EVALUATION_FAILED';

/** Parameters interpolated into a message; plain data so errors serialise to JSON as they are. */
export type FormulaErrorParams = Readonly<Record<string, string | number | readonly string[]>>;

/**
 * The one error type the package throws. `position` is the 0-based character offset in the
 * formula source (0 when the error is not tied to a place), `messageKey` selects the text in the
 * locale files (`formula.<code>`).
 */
export class FormulaError extends Error {
  readonly code: FormulaErrorCode;
  readonly position: number;
  readonly messageKey: string;
  readonly params: FormulaErrorParams;

  constructor(code: FormulaErrorCode, position = 0, params: FormulaErrorParams = {}) {
    super(`${code} at ${position}${Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : ''}`);
    this.name = 'FormulaError';
    this.code = code;
    this.position = position;
    this.messageKey = `formula.${code}`;
    this.params = params;
  }

  /** Plain-data form, for API responses and logs. */
  toJSON(): { code: FormulaErrorCode; position: number; messageKey: string; params: FormulaErrorParams } {
    return { code: this.code, position: this.position, messageKey: this.messageKey, params: this.params };
  }
}

/** Type guard that survives bundling (a second copy of the class would fail `instanceof`). */
export function isFormulaError(error: unknown): error is FormulaError {
  return error instanceof FormulaError || (error instanceof Error && error.name === 'FormulaError');
}
