/**
 * @formloom/formula — the formula language shared by the browser (live preview) and the server
 * (authoritative results): parse, type-check, dependency graph, compile to closures, explain.
 */

export {
  allocateUnits,
  DistributionError,
  type DistributionInput,
  type DistributionMethod,
  distributeAmount,
} from './allocate.js';
export type { BinaryOp, FormulaNode, UnaryOp } from './ast.js';
export {
  type CompiledFormula,
  type CompileOptions,
  compile,
  type EvaluateOptions,
  type TraceStep,
  type TypeCheckResult,
  typeCheck,
} from './compile.js';
export { MAX_TEXT_LENGTH } from './context.js';
export { FormulaError, type FormulaErrorCode, type FormulaErrorParams, isFormulaError } from './errors.js';
export { type ExplainOptions, type Explanation, explain, inferFieldTypes } from './explain.js';
export { DEFAULT_ONLY_FUNCTIONS, EXAMPLE_USER } from './functions/context.js';
export { createDefaultRegistry, defaultRegistry } from './functions/index.js';
export { competitionRank } from './functions/stats.js';
export {
  type TierBreakdown,
  type TierInput,
  type TierMode,
  type TierSlice,
  tieredBreakdown,
} from './functions/tiered.js';
export { buildDependencyGraph } from './graph.js';
export { type FormulaLocale, formatFormulaError, formulaMessages } from './locales/index.js';
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_LENGTH, type ParseLimits, parseFormula } from './parse.js';
export { renderFormulaReference } from './reference.js';
export {
  type EagerFunctionDef,
  type EvalContext,
  type FunctionCategory,
  type FunctionDef,
  type FunctionExample,
  FunctionRegistry,
  functionSyntax,
  type LazyFunctionDef,
  type LocalizedText,
  type ParamSpec,
  type ParamType,
  type Thunk,
} from './registry.js';
export {
  type FieldKind,
  type FieldTypeMap,
  type FormulaType,
  type FormulaValue,
  fieldKindToType,
  type ScalarType,
} from './types.js';
export { isBlank, roundHalfAwayFromZero } from './values.js';
