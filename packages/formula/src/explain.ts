import { asFormulaError, buildFormula, type CompileOptions, finish } from './compile.js';
import { Ctx, type TraceStep } from './context.js';
import type { FieldKind, FieldTypeMap, FormulaType, FormulaValue } from './types.js';

/** Options of {@link explain}. */
export interface ExplainOptions extends CompileOptions {
  /** Field types; when left out they are inferred from the scope's values. */
  readonly fieldTypes?: FieldTypeMap;
  /** The moment TODAY() and NOW() see. */
  readonly now?: Date;
  /** The member id CURRENT_USER() returns. */
  readonly user?: string;
}

/** The value of a formula and how it came about. */
export interface Explanation {
  readonly value: FormulaValue;
  readonly type: FormulaType;
  /** Every sub-expression's value, children before parents; the last step is the whole formula. */
  readonly steps: readonly TraceStep[];
}

function kindOfValue(value: unknown): FieldKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'datetime';
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'date' : 'text';
  return 'any';
}

/** Guesses field types from a record, descending into relation objects and subform rows. */
export function inferFieldTypes(scope: Readonly<Record<string, unknown>>): FieldTypeMap {
  const out: Record<string, FieldKind> = {};
  const visit = (prefix: string, value: unknown, inList: boolean) => {
    if (Array.isArray(value)) {
      const rows = value.filter(
        (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date),
      );
      if (rows.length > 0 && !inList) {
        for (const row of rows) for (const [k, v] of Object.entries(row)) visit(`${prefix}.${k}`, v, true);
      } else {
        const first = value.find((v) => v !== null && v !== undefined);
        out[prefix] = `${kindOfValue(first) as 'number'}[]`;
      }
      return;
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value)) visit(`${prefix}.${k}`, v, inList);
      return;
    }
    const kind = kindOfValue(value);
    out[prefix] = inList ? (`${kind}[]` as FieldKind) : kind;
  };
  for (const [k, v] of Object.entries(scope)) visit(k, v, false);
  return out;
}

/**
 * Evaluates a formula and records each sub-expression's value, so a UI can show how a number came
 * about. TIERED steps carry a `detail` with every tier's slice and amount. Throws only FormulaError.
 */
export function explain(
  source: string,
  scope: Readonly<Record<string, unknown>>,
  options: ExplainOptions = {},
): Explanation {
  const fieldTypes = options.fieldTypes ?? inferFieldTypes(scope);
  const { compiled, root, maxSteps } = buildFormula(source, fieldTypes, options, true);
  const steps: TraceStep[] = [];
  try {
    const raw = root(new Ctx(scope, options.now, maxSteps, steps, options.user));
    const precision = options.precision ?? (options.resultKind === 'money' ? 2 : undefined);
    const value = finish(
      raw,
      compiled.type === 'number' || compiled.type === 'any',
      precision,
      compiled.type === 'date',
    );
    return { value, type: compiled.type, steps };
  } catch (error) {
    throw asFormulaError(error);
  }
}
