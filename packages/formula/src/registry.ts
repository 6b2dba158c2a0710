import { FormulaError } from './errors.js';
import type { FormulaType, FormulaValue } from './types.js';

/**
 * What a parameter accepts. Scalar and list {@link FormulaType}s, plus `numbers` (a number or a
 * number list, flattened: SUM's arguments) and `values` (anything, lists included).
 */
export type ParamType = FormulaType | 'numbers' | 'values';

/** One parameter of a registered function. */
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** May be left out (only trailing parameters). */
  readonly optional?: boolean;
  /** Repeats: the last parameter only. */
  readonly variadic?: boolean;
}

/** The categories the reference groups functions by. */
export type FunctionCategory = 'math' | 'text' | 'date' | 'logic' | 'statistics' | 'tier' | 'context';

/** Text in the two shipped languages. */
export interface LocalizedText {
  readonly en: string;
  readonly 'zh-CN': string;
}

/** A documented example; the test suite evaluates it and checks `result`. */
export interface FunctionExample {
  readonly formula: string;
  readonly result: FormulaValue;
}

/** Per-evaluation state handed to function implementations. */
export interface EvalContext {
  /** The record being evaluated. */
  readonly scope: Readonly<Record<string, unknown>>;
  /** The moment TODAY() and NOW() see; fixed per evaluation so one record is consistent. */
  readonly now: Date;
  /** The member CURRENT_USER() names (the one creating the record); null where no one is (computed fields). */
  readonly user: string | null;
  steps: number;
  readonly maxSteps: number;
}

/**
 * A lazily evaluated argument: call it with the context to get the value (IF only evaluates the
 * branch it takes). Passing the compiled argument itself avoids allocating closures per call.
 */
export type Thunk = (ctx: EvalContext) => unknown;

interface FunctionDefBase {
  /** Upper-case name as written in formulas, e.g. `FORECAST.LINEAR`. */
  readonly name: string;
  readonly category: FunctionCategory;
  readonly params: readonly ParamSpec[];
  /** The result type, fixed or computed from the argument types. */
  readonly returns: FormulaType | ((argTypes: readonly FormulaType[]) => FormulaType);
  readonly description: LocalizedText;
  readonly examples: readonly FunctionExample[];
  /** Extra data for explain() traces (TIERED's per-tier breakdown). */
  readonly detail?: (args: readonly unknown[]) => unknown;
}

/**
 * A function whose arguments are evaluated before the call. The `args` array is reused between
 * calls: an implementation may return its items but must not return or keep the array itself.
 */
export interface EagerFunctionDef extends FunctionDefBase {
  readonly lazy?: false;
  readonly impl: (args: readonly unknown[], ctx: EvalContext, position: number) => unknown;
}

/** A function that decides which arguments to evaluate (IF, IFS, SWITCH). */
export interface LazyFunctionDef extends FunctionDefBase {
  readonly lazy: true;
  readonly impl: (args: readonly Thunk[], ctx: EvalContext, position: number) => unknown;
}

/** A formula function: metadata for the checker and the docs, plus its implementation. */
export type FunctionDef = EagerFunctionDef | LazyFunctionDef;

/** Typed registry of formula functions; registering a name twice throws. */
export class FunctionRegistry {
  readonly #byName = new Map<string, FunctionDef>();

  /** Adds a function; throws DUPLICATE_FUNCTION when the name is taken. */
  register(def: FunctionDef): this {
    const key = def.name.toUpperCase();
    if (this.#byName.has(key)) throw new FormulaError('DUPLICATE_FUNCTION', 0, { name: key });
    this.#byName.set(key, def);
    return this;
  }

  /** Adds several functions. */
  registerAll(defs: readonly FunctionDef[]): this {
    for (const def of defs) this.register(def);
    return this;
  }

  /** Looks a function up case-insensitively. */
  get(name: string): FunctionDef | undefined {
    return this.#byName.get(name.toUpperCase());
  }

  /** All functions in registration order. */
  list(): readonly FunctionDef[] {
    return [...this.#byName.values()];
  }

  /** A copy to extend without touching this registry. */
  clone(): FunctionRegistry {
    return new FunctionRegistry().registerAll(this.list());
  }
}

/** Renders `NAME(a, b, [c], ...)` from the parameter list. */
export function functionSyntax(def: FunctionDef): string {
  const parts = def.params.map((p) => {
    const name = p.optional ? `[${p.name}]` : p.name;
    return p.variadic ? `${name}, ...` : name;
  });
  return `${def.name}(${parts.join(', ')})`;
}
