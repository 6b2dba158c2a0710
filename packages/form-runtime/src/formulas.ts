import {
  type CompiledFormula,
  compile,
  type Explanation,
  explain,
  type FieldTypeMap,
  isFormulaError,
} from '@formloom/formula';

/** A compiled formula of a field, with the keys it reads. */
export interface FormulaProgram {
  /** The formula's source. */
  expression: string;
  /** Field keys the formula reads (`items.qty` for a subform column). */
  dependencies: readonly string[];
  /** Functions the formula calls (upper case). */
  functions: readonly string[];
  /** Evaluates over one record; `user` is who CURRENT_USER() names (default formulas only). */
  evaluate(scope: Readonly<Record<string, unknown>>, now: Date, user?: string): unknown;
  /** Evaluates with a trace of every sub-expression (TIERED tier by tier), for "how was this computed". */
  explain(scope: Readonly<Record<string, unknown>>, now: Date): Explanation;
}

/**
 * A formula of a form definition that cannot be used: its syntax, its types or a cycle. `path` points
 * at the expression in the form document, `position` at the character in the formula (0-based).
 */
export class FormulaSetupError extends Error {
  constructor(
    readonly path: string,
    readonly formulaCode: string,
    readonly position: number,
    readonly params: Readonly<Record<string, unknown>>,
  ) {
    super(`${formulaCode} at ${position}`);
    this.name = 'FormulaSetupError';
  }
}

/** Compiles one formula against the kinds of the fields in its scope. */
export function compileFieldFormula(
  expression: string,
  kinds: Readonly<Record<string, string>>,
  path: string,
  resultKind?: string,
): FormulaProgram {
  let compiled: CompiledFormula;
  try {
    compiled = compile(
      expression,
      kinds as FieldTypeMap,
      resultKind ? { resultKind: resultKind as never } : {},
    );
  } catch (error) {
    if (isFormulaError(error)) throw new FormulaSetupError(path, error.code, error.position, error.params);
    throw error;
  }
  const options = resultKind ? { resultKind: resultKind as never } : {};
  return {
    expression,
    dependencies: compiled.refs,
    functions: compiled.functions,
    evaluate: (scope, now, user) => compiled.evaluate(scope, user === undefined ? { now } : { now, user }),
    explain: (scope, now) =>
      explain(expression, scope, { ...options, fieldTypes: kinds as FieldTypeMap, now }),
  };
}

/** True when an evaluation failed inside the formula (division by zero, bad argument...). */
export { isFormulaError };
