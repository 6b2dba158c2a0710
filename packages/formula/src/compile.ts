import type { FormulaNode } from './ast.js';
import { checkTree, fits } from './check.js';
import { Compiler } from './compiler.js';
import { Ctx, type Evaluator } from './context.js';
import { FormulaError, isFormulaError } from './errors.js';
import { defaultRegistry } from './functions/index.js';
import { parseFormula } from './parse.js';
import type { FunctionRegistry } from './registry.js';
import {
  type FieldKind,
  type FieldTypeMap,
  type FormulaType,
  type FormulaValue,
  fieldKindToType,
} from './types.js';
import { roundHalfAwayFromZero, toOutput } from './values.js';

export type { TraceStep } from './context.js';

/** Options of {@link compile}. */
export interface CompileOptions {
  /** Functions available to the formula (default: every built-in). */
  readonly registry?: FunctionRegistry;
  /** Longest source in characters (default 10,240). */
  readonly maxLength?: number;
  /** Deepest nesting (default 64). */
  readonly maxDepth?: number;
  /** Most evaluation steps (function calls plus list items they process) per evaluation (default 1,000,000). */
  readonly maxSteps?: number;
  /** The kind of the field the result goes into; a result that cannot fit is a TYPE_MISMATCH. */
  readonly resultKind?: FieldKind;
  /**
   * Digits to round a numeric result to, half away from zero (money fields). Defaults to 2 when
   * resultKind is `money`; otherwise numbers are returned as computed.
   */
  readonly precision?: number;
}

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** The moment TODAY() and NOW() see (default: the current time). */
  readonly now?: Date;
  /** The member id CURRENT_USER() returns (default: none, a blank). */
  readonly user?: string;
}

/** A parsed, type-checked formula ready to evaluate many times. */
export interface CompiledFormula {
  readonly source: string;
  /** The inferred result type. */
  readonly type: FormulaType;
  /** Field keys the formula reads, in first-use order. */
  readonly refs: readonly string[];
  /** Functions the formula calls. */
  readonly functions: readonly string[];
  readonly ast: FormulaNode;
  /**
   * Evaluates against one record (`{ fieldKey: value }`; subform columns as lists of row objects,
   * relations as nested objects). Dates come back as ISO strings: `YYYY-MM-DD` for the date type,
   * full ISO for datetime. Throws only FormulaError.
   */
  evaluate(scope: Readonly<Record<string, unknown>>, options?: EvaluateOptions): FormulaValue;
}

const DEFAULT_MAX_STEPS = 1_000_000;
const EMPTY_SCOPE: Readonly<Record<string, unknown>> = Object.freeze({});

/** Internal: parse, check and build, optionally with tracing closures. */
export function buildFormula(
  source: string,
  fieldTypes: FieldTypeMap,
  options: CompileOptions,
  tracing: boolean,
): { compiled: CompiledFormula; root: Evaluator; maxSteps: number } {
  try {
    const registry = options.registry ?? defaultRegistry;
    const ast = parseFormula(source, {
      ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
    });
    const checked = checkTree(ast, fieldTypes, registry);
    if (options.resultKind !== undefined) {
      const expected = fieldKindToType(options.resultKind) ?? 'any';
      if (!fits(expected, checked.type)) {
        throw new FormulaError('TYPE_MISMATCH', 0, { context: 'result', expected, actual: checked.type });
      }
    }
    const root = new Compiler(source, checked, registry, tracing).build(ast);
    const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    const precision = options.precision ?? (options.resultKind === 'money' ? 2 : undefined);
    const type = checked.type;
    const dateOnly = type === 'date' || type === 'date[]';
    const numeric = type === 'number' || type === 'any';
    // Evaluation is synchronous and never re-enters the same formula, so one context per compiled
    // formula is reset and reused instead of allocated per record.
    const ctx = new Ctx({}, undefined, maxSteps);
    const evaluate = (
      scope: Readonly<Record<string, unknown>>,
      evalOptions?: EvaluateOptions,
    ): FormulaValue => {
      ctx.reset(
        scope !== null && typeof scope === 'object' ? scope : {},
        evalOptions?.now,
        evalOptions?.user,
      );
      try {
        return finish(root(ctx), numeric, precision, dateOnly);
      } catch (error) {
        throw asFormulaError(error);
      } finally {
        // Do not keep the last record alive through the cached context.
        ctx.reset(EMPTY_SCOPE, undefined);
      }
    };
    const compiled: CompiledFormula = {
      source,
      type,
      refs: checked.refs,
      functions: checked.functions,
      ast,
      evaluate,
    };
    return { compiled, root, maxSteps };
  } catch (error) {
    throw asFormulaError(error);
  }
}

/** Shapes a raw result: numbers checked and rounded, -0 folded, dates to ISO text. */
export function finish(
  value: unknown,
  numeric: boolean,
  precision: number | undefined,
  dateOnly: boolean,
): FormulaValue {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FormulaError('NUM_ERROR', 0, { name: 'result' });
    const v = numeric && precision !== undefined ? roundHalfAwayFromZero(value, precision) : value;
    return v === 0 ? 0 : v;
  }
  return toOutput(value, dateOnly);
}

/** Anything thrown inside evaluation becomes a FormulaError, so callers handle one error type. */
export function asFormulaError(error: unknown): FormulaError {
  if (isFormulaError(error)) return error;
  if (error instanceof RangeError) return new FormulaError('EVALUATION_FAILED', 0, { detail: 'too large' });
  const detail = error instanceof Error ? error.message.slice(0, 200) : 'unknown';
  return new FormulaError('EVALUATION_FAILED', 0, { detail });
}

/**
 * Parses and type-checks a formula and builds its evaluator. `fieldTypes` declares the fields the
 * formula may use. Throws FormulaError with the position of the first problem.
 */
export function compile(
  source: string,
  fieldTypes: FieldTypeMap,
  options: CompileOptions = {},
): CompiledFormula {
  return buildFormula(source, fieldTypes, options, false).compiled;
}

/** Result of {@link typeCheck}: the inferred type, or the error a save should report. */
export type TypeCheckResult =
  | { readonly ok: true; readonly type: FormulaType; readonly refs: readonly string[] }
  | { readonly ok: false; readonly error: FormulaError };

/** Checks a formula at design time without throwing (for form editors and form-save validation). */
export function typeCheck(
  source: string,
  fieldTypes: FieldTypeMap,
  options: CompileOptions = {},
): TypeCheckResult {
  try {
    const { type, refs } = compile(source, fieldTypes, options);
    return { ok: true, type, refs };
  } catch (error) {
    return { ok: false, error: asFormulaError(error) };
  }
}
