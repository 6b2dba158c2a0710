export { type CompileFilterOptions, compileFilter, escapeRegExp, matchesNothing } from './compile.js';
export { isPeriod, localDate, PERIODS, type Period, type PeriodRange, periodRange } from './periods.js';
export {
  DEFAULT_FILTER_LIMITS,
  FILTER_OPS,
  type FilterContext,
  type FilterField,
  type FilterIssue,
  type FilterKind,
  type FilterLimits,
  type FilterOp,
  type MongoQuery,
} from './types.js';
export {
  isCalendarDate,
  isPlainObject,
  normaliseDateTime,
  type Operand,
  type OperandResolver,
  type Scalar,
} from './values.js';
