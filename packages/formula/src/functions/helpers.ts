import { FormulaError } from '../errors.js';
import type { ParamSpec, ParamType } from '../registry.js';
import { isBlank, toNumber } from '../values.js';

/** Shorthand for a required parameter. */
export function req(name: string, type: ParamType): ParamSpec {
  return { name, type };
}

/** Shorthand for an optional parameter. */
export function opt(name: string, type: ParamType): ParamSpec {
  return { name, type, optional: true };
}

/** Shorthand for a repeating last parameter. */
export function rest(name: string, type: ParamType): ParamSpec {
  return { name, type, optional: true, variadic: true };
}

const EXCEL_ERRORS: Readonly<Record<string, 'DIV_BY_ZERO' | 'NUM_ERROR' | 'NOT_AVAILABLE' | 'VALUE_ERROR'>> =
  {
    '#DIV/0!': 'DIV_BY_ZERO',
    '#NUM!': 'NUM_ERROR',
    '#N/A': 'NOT_AVAILABLE',
  };

/**
 * formulajs reports Excel errors by returning Error objects; turn them into FormulaErrors so a
 * failing function stops the formula, as the error value would in Excel.
 */
export function excel<T>(name: string, result: T | Error, position: number): T {
  if (result instanceof Error) {
    const code = EXCEL_ERRORS[result.message] ?? 'VALUE_ERROR';
    throw new FormulaError(code, position, { name });
  }
  if (typeof result === 'number' && !Number.isFinite(result)) {
    throw new FormulaError('NUM_ERROR', position, { name });
  }
  return result;
}

/**
 * The numbers among the arguments, as SUM sees them: list items that are not numbers (text,
 * blanks) are skipped like cells in a range; scalar arguments are coerced (blank is 0).
 */
export function numbersOf(args: readonly unknown[], position: number): number[] {
  const out: number[] = [];
  for (const a of args) {
    if (Array.isArray(a)) {
      for (const v of a) if (typeof v === 'number') out.push(v);
    } else if (!isBlank(a) || a === 0) {
      out.push(toNumber(a, position));
    }
  }
  return out;
}

/** A list argument as a plain array (a scalar becomes a one-item list, blank an empty one). */
export function listOf(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return value === null || value === undefined ? [] : [value];
}

/** Numbers of a list where blanks and text count as 0 (SUMPRODUCT, regression inputs). */
export function numericList(value: unknown, position: number): readonly number[] {
  const list = listOf(value);
  // Lists that are already all numbers (the usual case) are returned as they are, without copying.
  let allNumbers = true;
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'number') {
      allNumbers = false;
      break;
    }
  }
  if (allNumbers) return list as readonly number[];
  return list.map((v) => (typeof v === 'number' ? v : isBlank(v) ? 0 : toNumber(v, position)));
}

/** Which fold {@link foldNumbers} applies; a switch keeps the loop free of indirect calls. */
export type NumberFold = 'sum' | 'min' | 'max';

/**
 * Folds numeric arguments as SUM sees them (see {@link numbersOf}) without building a list.
 * With no numbers the result is 0 for a sum and ±Infinity for min/max (see {@link countNumbers}).
 */
export function foldNumbers(args: readonly unknown[], position: number, fold: NumberFold): number {
  let acc = fold === 'sum' ? 0 : fold === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (Array.isArray(a)) {
      for (const v of a) if (typeof v === 'number') acc = combine(fold, acc, v);
    } else if (typeof a === 'number') acc = combine(fold, acc, a);
    else if (!isBlank(a)) acc = combine(fold, acc, toNumber(a, position));
  }
  return acc;
}

function combine(fold: NumberFold, acc: number, v: number): number {
  return fold === 'sum' ? acc + v : fold === 'min' ? Math.min(acc, v) : Math.max(acc, v);
}

/** How many numbers {@link foldNumbers} would see. */
export function countNumbers(args: readonly unknown[]): number {
  let count = 0;
  for (const a of args) {
    if (typeof a === 'number') count++;
    else if (Array.isArray(a)) {
      for (const v of a) if (typeof v === 'number') count++;
    } else if (!isBlank(a)) count++;
  }
  return count;
}

/** Throws NUM_ERROR for NaN and infinities so they never reach a stored record. */
export function finite(name: string, value: number, position: number): number {
  if (!Number.isFinite(value)) throw new FormulaError('NUM_ERROR', position, { name });
  return value;
}
