import { FormulaError } from './errors.js';
import type { EvalContext } from './registry.js';
import type { FormulaValue } from './types.js';

/** One evaluated sub-expression, in evaluation order (children before parents). */
export interface TraceStep {
  readonly pos: number;
  readonly end: number;
  /** The source text of the sub-expression. */
  readonly text: string;
  readonly value: FormulaValue;
  /** Function-specific detail, e.g. TIERED's per-tier breakdown. */
  readonly detail?: unknown;
}

/** Evaluation state; `now` is read lazily so formulas without TODAY()/NOW() never build a Date. */
export class Ctx implements EvalContext {
  steps = 0;
  trace: TraceStep[] | undefined;
  scope: Readonly<Record<string, unknown>>;
  user: string | null;
  private nowValue: Date | undefined;

  constructor(
    scope: Readonly<Record<string, unknown>>,
    now: Date | undefined,
    readonly maxSteps: number,
    trace?: TraceStep[],
    user?: string,
  ) {
    this.scope = scope;
    this.nowValue = now;
    this.trace = trace;
    this.user = user ?? null;
  }

  /** Starts a new evaluation on this context. */
  reset(scope: Readonly<Record<string, unknown>>, now: Date | undefined, user?: string): void {
    this.scope = scope;
    this.nowValue = now;
    this.user = user ?? null;
    this.steps = 0;
  }

  get now(): Date {
    if (this.nowValue === undefined) this.nowValue = new Date();
    return this.nowValue;
  }
}

/** A compiled sub-expression. */
export type Evaluator = (c: Ctx) => unknown;

/** Charges evaluation steps and stops a formula that exceeds its budget. */
export function countSteps(c: Ctx, amount: number): void {
  c.steps += amount;
  if (c.steps > c.maxSteps) throw new FormulaError('STEP_LIMIT_EXCEEDED', 0, { max: c.maxSteps });
}

/**
 * The longest text a formula may make, in characters (UTF-16 code units), at any step and as its result:
 * `SUBSTITUTE(t, "a", t)` over a few thousand characters made tens of megabytes, more than a record may hold.
 */
export const MAX_TEXT_LENGTH = 100_000;

/** Stops a formula whose text grows past {@link MAX_TEXT_LENGTH}; `length` may be known before the text is. */
export function checkTextLength(length: number, pos: number): void {
  if (length > MAX_TEXT_LENGTH) throw new FormulaError('TEXT_TOO_LONG', pos, { max: MAX_TEXT_LENGTH });
}
