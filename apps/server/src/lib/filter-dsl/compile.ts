import { appError, type Text, t } from '../errors.js';
import {
  DEFAULT_FILTER_LIMITS,
  FILTER_OPS,
  type FilterContext,
  type FilterField,
  type FilterIssue,
  type FilterLimits,
  type FilterOp,
  type MongoQuery,
} from './types.js';
import { checkValue, isPlainObject, type Operand, type OperandResolver, type ValueScope } from './values.js';

/** Options of {@link compileFilter}. */
export interface CompileFilterOptions {
  /** The fields a filter may name, by key (a Map, so `__proto__` and friends are never found). */
  fields: ReadonlyMap<string, FilterField>;
  context: FilterContext;
  limits?: Partial<FilterLimits>;
  /** Server-side operands (never from clients): see {@link OperandResolver}. */
  resolve?: OperandResolver;
  /** JSON pointer prefixed to every issue path, e.g. `/query/filter`. */
  basePath?: string;
}

/** A query that matches no document; used where a special value resolves to nothing. */
const NOTHING: MongoQuery = { _id: { $in: [] } };

/**
 * True when a compiled query can match no document because of a special value that resolved to nothing
 * (an empty `$field` operand, say) at a place every match must pass: then there is no need to ask the store.
 * False means "may match", never the other way round.
 */
export function matchesNothing(query: MongoQuery): boolean {
  const id = (query as { _id?: unknown })._id;
  if (id && typeof id === 'object' && Array.isArray((id as { $in?: unknown }).$in)) {
    if ((id as { $in: unknown[] }).$in.length === 0 && Object.keys(id).length === 1) return true;
  }
  const and = (query as { $and?: unknown }).$and;
  if (Array.isArray(and) && and.some((part) => isQuery(part) && matchesNothing(part))) return true;
  const or = (query as { $or?: unknown }).$or;
  return Array.isArray(or) && or.length > 0 && or.every((part) => isQuery(part) && matchesNothing(part));
}

function isQuery(value: unknown): value is MongoQuery {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const CONDITION_KEYS = new Set(['field', 'op', 'value']);
const RANGE_OPS = new Set<FilterOp>(['gt', 'gte', 'lt', 'lte', 'between']);
const ORDERED = new Set(['number', 'date', 'datetime', 'text', 'timestamp', 'objectId']);

/** Escapes a user string for a literal match inside a regular expression (no regex injection). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

interface State {
  options: CompileFilterOptions;
  limits: FilterLimits;
  issues: FilterIssue[];
  nodes: number;
}

/**
 * Compiles a filter of the DSL in API.md into a MongoDB query over the given fields. Only the
 * whitelisted operators are produced; everything a client sends ends up as a plain value.
 * Throws a 400 `VALIDATION_FAILED` error listing every problem with a JSON pointer into the filter.
 */
export function compileFilter(filter: unknown, options: CompileFilterOptions): MongoQuery {
  if (filter === undefined || filter === null) return {};
  const state: State = {
    options,
    limits: { ...DEFAULT_FILTER_LIMITS, ...options.limits },
    issues: [],
    nodes: 0,
  };
  const query = compileNode(filter, '', 1, state);
  if (state.issues.length > 0 || query === undefined) {
    const base = options.basePath ?? '';
    const details = state.issues.map((issue) => ({
      path: `${base}${issue.path}` || '/',
      message: issue.message,
    }));
    throw appError('VALIDATION_FAILED', 'filter.invalid', details);
  }
  return query;
}

function compileNode(node: unknown, path: string, depth: number, state: State): MongoQuery | undefined {
  state.nodes += 1;
  if (state.nodes > state.limits.maxNodes) {
    if (state.nodes === state.limits.maxNodes + 1) {
      state.issues.push({
        path: path || '/',
        message: t('filter.tooManyNodes', { max: state.limits.maxNodes }),
      });
    }
    return undefined;
  }
  if (!isPlainObject(node)) {
    state.issues.push({ path: path || '/', message: 'filter.notNode' });
    return undefined;
  }
  if (Object.hasOwn(node, 'and') || Object.hasOwn(node, 'or')) return compileGroup(node, path, depth, state);
  return compileCondition(node, path, state);
}

function compileGroup(
  node: Record<string, unknown>,
  path: string,
  depth: number,
  state: State,
): MongoQuery | undefined {
  const keys = Object.keys(node);
  const key = keys[0] as 'and' | 'or';
  if (keys.length !== 1) {
    state.issues.push({ path: path || '/', message: 'filter.groupKeys' });
    return undefined;
  }
  if (depth > state.limits.maxDepth) {
    state.issues.push({ path: path || '/', message: t('filter.tooDeep', { max: state.limits.maxDepth }) });
    return undefined;
  }
  const children = node[key];
  if (!Array.isArray(children)) {
    state.issues.push({ path: `${path}/${key}`, message: 'filter.notList' });
    return undefined;
  }
  if (key === 'or' && children.length === 0) {
    state.issues.push({ path: `${path}/${key}`, message: 'filter.emptyOr' });
    return undefined;
  }
  const compiled = children.map((child, i) => compileNode(child, `${path}/${key}/${i}`, depth + 1, state));
  if (compiled.some((c) => c === undefined)) return undefined;
  const parts = compiled as MongoQuery[];
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0];
  return { [`$${key}`]: parts };
}

function compileCondition(node: Record<string, unknown>, path: string, state: State): MongoQuery | undefined {
  const { issues } = state;
  let ok = true;
  for (const key of Object.keys(node)) {
    if (CONDITION_KEYS.has(key)) continue;
    ok = false;
    issues.push({
      path: `${path}/${escapePointer(key)}`,
      message: key.startsWith('$') ? t('filter.operatorKey', { key }) : t('filter.unknownKey', { key }),
    });
  }
  const { field: fieldKey, op } = node;
  const field = typeof fieldKey === 'string' ? state.options.fields.get(fieldKey) : undefined;
  if (!field) {
    issues.push({
      path: `${path}/field`,
      message:
        typeof fieldKey === 'string' ? t('detail.unknownField', { field: fieldKey }) : 'filter.noField',
    });
    ok = false;
  }
  if (typeof op !== 'string' || !(FILTER_OPS as readonly string[]).includes(op)) {
    issues.push({ path: `${path}/op`, message: t('detail.oneOf', { values: FILTER_OPS }) });
    ok = false;
  }
  if (!ok || !field) return undefined;
  const hasValue = Object.hasOwn(node, 'value');
  if (field.within && field.path.startsWith(`${field.within}.`)) {
    // A subform column: one row must satisfy the whole condition (a range too), so it is matched
    // against each row on its own rather than against the list of every row's values.
    const column = { ...field, path: field.path.slice(field.within.length + 1) };
    delete column.within;
    const row = compileOp(op as FilterOp, column, node.value, hasValue, `${path}/value`, state);
    return row && { [field.within]: { $elemMatch: row } };
  }
  return compileOp(op as FilterOp, field, node.value, hasValue, `${path}/value`, state);
}

function compileOp(
  op: FilterOp,
  field: FilterField,
  raw: unknown,
  hasValue: boolean,
  path: string,
  state: State,
): MongoQuery | undefined {
  const scope: ValueScope = {
    field,
    context: state.options.context,
    limits: state.limits,
    issues: state.issues,
    resolve: state.options.resolve,
  };
  const fail = (message: Text) => {
    state.issues.push({ path, message });
    return undefined;
  };
  const target = field.path;
  if (op === 'empty' || op === 'notEmpty') {
    if (hasValue) return fail(t('filter.noValue', { op }));
    // A list is empty when it has no first element (also true when missing or null).
    if (field.multiple) return { [`${target}.0`]: { $exists: op === 'notEmpty' } };
    const blanks = field.kind === 'text' || field.kind === 'id' ? [null, ''] : [null];
    return { [target]: { [op === 'empty' ? '$in' : '$nin']: blanks } };
  }
  if (!hasValue) return fail(t('filter.needsValue', { op }));
  if (field.kind === 'opaque') return fail('filter.opaque');
  if (RANGE_OPS.has(op) && (field.multiple || !ORDERED.has(field.kind))) {
    return fail(t('filter.rangeOp', { op }));
  }
  switch (op) {
    case 'in':
    case 'nin': {
      if (!Array.isArray(raw)) return fail('filter.notValueList');
      if (raw.length > state.limits.maxListLength)
        return fail(t('filter.listTooLong', { max: state.limits.maxListLength }));
      const values: unknown[] = [];
      raw.forEach((item, i) => {
        const operand = checkValue(item, `${path}/${i}`, scope);
        if (operand?.type === 'value') values.push(operand.value);
        else if (operand) state.issues.push({ path: `${path}/${i}`, message: 'filter.periodInList' });
      });
      return { [target]: { [`$${op}`]: values } };
    }
    case 'contains': {
      if (field.multiple) {
        if (Array.isArray(raw)) {
          const values = listOfValues(raw, path, scope, state);
          return values && { [target]: { $all: values } };
        }
        const operand = checkValue(raw, path, scope);
        return operand && single(target, operand);
      }
      if (field.kind !== 'text') return fail('filter.containsKind');
      const operand = checkValue(raw, path, scope);
      if (operand?.type !== 'value') return undefined;
      return { [target]: { $regex: escapeRegExp(String(operand.value)), $options: 'i' } };
    }
    case 'startsWith': {
      if (field.kind !== 'text' || field.multiple) return fail('filter.startsWithKind');
      const operand = checkValue(raw, path, scope);
      if (operand?.type !== 'value') return undefined;
      return { [target]: { $regex: `^${escapeRegExp(String(operand.value))}`, $options: 'i' } };
    }
    case 'between':
      return compileBetween(target, raw, path, scope, state);
    default: {
      if (Array.isArray(raw)) return fail(t('filter.oneValue', { op }));
      const operand = checkValue(raw, path, scope);
      return operand && compareOne(op, target, operand);
    }
  }
}

function listOfValues(raw: unknown[], path: string, scope: ValueScope, state: State): unknown[] | undefined {
  if (raw.length > state.limits.maxListLength) {
    state.issues.push({ path, message: t('filter.listTooLong', { max: state.limits.maxListLength }) });
    return undefined;
  }
  const values: unknown[] = [];
  raw.forEach((item, i) => {
    const operand = checkValue(item, `${path}/${i}`, scope);
    if (operand?.type === 'value') values.push(operand.value);
  });
  return values.length === raw.length ? values : undefined;
}

/** Matches one operand: a value, a range, or nothing. */
function single(target: string, operand: Operand): MongoQuery {
  if (operand.type === 'none') return NOTHING;
  if (operand.type === 'range') return { [target]: { $gte: operand.start, $lt: operand.end } };
  return { [target]: operand.value };
}

function compareOne(
  op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte',
  target: string,
  operand: Operand,
): MongoQuery {
  if (operand.type === 'none') return op === 'ne' ? {} : NOTHING;
  if (operand.type === 'range') {
    const { start, end } = operand;
    switch (op) {
      case 'eq':
        return { [target]: { $gte: start, $lt: end } };
      case 'ne':
        return { $or: [{ [target]: { $lt: start } }, { [target]: { $gte: end } }, { [target]: null }] };
      case 'gt':
        return { [target]: { $gte: end } };
      case 'gte':
        return { [target]: { $gte: start } };
      case 'lt':
        return { [target]: { $lt: start } };
      case 'lte':
        return { [target]: { $lt: end } };
    }
  }
  return op === 'eq' ? { [target]: operand.value } : { [target]: { [`$${op}`]: operand.value } };
}

function compileBetween(
  target: string,
  raw: unknown,
  path: string,
  scope: ValueScope,
  state: State,
): MongoQuery | undefined {
  if (!Array.isArray(raw)) {
    // A single period (`{ "$period": "thisMonth" }`) is a range by itself.
    const operand = isPlainObject(raw) ? checkValue(raw, path, scope) : undefined;
    if (operand?.type === 'range') return { [target]: { $gte: operand.start, $lt: operand.end } };
    if (!operand) {
      if (!isPlainObject(raw)) state.issues.push({ path, message: 'filter.betweenOrPeriod' });
      return undefined;
    }
    return single(target, operand);
  }
  if (raw.length !== 2) {
    state.issues.push({ path, message: 'filter.between' });
    return undefined;
  }
  const low = checkValue(raw[0], `${path}/0`, scope);
  const high = checkValue(raw[1], `${path}/1`, scope);
  if (!low || !high) return undefined;
  if (low.type === 'none' || high.type === 'none') return NOTHING;
  const bounds: Record<string, unknown> = {};
  bounds.$gte = low.type === 'range' ? low.start : low.value;
  if (high.type === 'range') bounds.$lt = high.end;
  else bounds.$lte = high.value;
  return { [target]: bounds };
}

/** Escapes a key for use as one JSON-pointer segment (RFC 6901). */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
