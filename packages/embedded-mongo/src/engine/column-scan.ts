import { INHERITED } from './codegen-source.js';
import {
  type Column,
  type ColumnSet,
  DATE,
  FIRST_VALUE,
  MISSING,
  NULL,
  NUMBER,
  pathSteps,
} from './columns.js';
import { dateFormatter } from './fast-dates.js';
import { bsonType, type Doc, isPlainObject } from './values.js';

/**
 * `$match` + `$group` answered from a collection's value columns (columns.ts) instead of its documents.
 *
 * The subset is the one a report's pipeline uses over a form's records: equalities (texts, booleans,
 * ObjectIds, finite numbers, dates, null), `$in` / `$nin` / `$ne`, ranges of numbers, texts and dates and
 * `$exists`, on dotted paths, under `$and` / `$or` / `$nor`; a group key of a constant, a path, `$ifNull`
 * of a path and null, or an object of those, or `$dateToString` of a date path; `$sum` of a path, of a number or of `$cond` on `$isNumber` of a
 * path, `$avg` / `$min` / `$max` / `$addToSet` of a path, and `$count`. Answers are those of the generated
 * document loop (codegen-group.ts) value for value and in the same order: the same groups in the order
 * first met, sums added in the collection's order. A pipeline outside the subset compiles to undefined; a
 * column that cannot hold its path's values, or values an accumulator leaves to the general path (a text
 * under `$min`, an ObjectId in a set), make the run answer undefined, and the caller reads the documents.
 */

/** A test of one field: per-code acceptance for table values, null and missing, and tests of numbers and dates. */
interface FieldTest {
  kind: 'field';
  path: string;
  ops: [string, unknown][];
}
interface Junction {
  kind: 'and' | 'or' | 'nor';
  subs: Filter[];
}
type Filter = FieldTest | Junction;

type KeyPart = { path: string; ifNull: boolean };
type Key =
  | { kind: 'constant'; value: unknown }
  | { kind: 'single'; part: KeyPart }
  | { kind: 'compound'; parts: [string, KeyPart][] }
  | DateKey;

/**
 * `$dateToString` of a path (or of `$cond` on `$type` of the path being 'date', else null) as the whole key:
 * dates printed in a zone (a month, a day), null or missing as `onNull`; other values leave the columns
 * (`typed`: they are null).
 */
interface DateKey {
  kind: 'date';
  path: string;
  render: (ms: number) => string;
  onNull: unknown;
  typed: boolean;
}

type Acc =
  | { op: 'sum'; name: string; path: string }
  | { op: 'add'; name: string; value: number }
  | { op: 'isNumber'; name: string; path: string; yes: number; no: number }
  | { op: 'avg' | 'min' | 'max' | 'addToSet'; name: string; path: string }
  | { op: 'count'; name: string };

/** A compiled `$match` + `$group` over columns. */
export interface ColumnPlan {
  filter: Filter | undefined;
  key: Key;
  accs: Acc[];
  /** Every path the plan reads. */
  paths: string[];
}

function fieldPath(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.startsWith('$') || v.startsWith('$$')) return undefined;
  const path = v.slice(1);
  return pathSteps(path) ? path : undefined;
}

/** True for a constant a column test can compare with. */
function comparable(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  return bsonType(v) === 'ObjectId' && typeof (v as { i3?: unknown }).i3 === 'number';
}

function fieldTest(path: string, cond: unknown): FieldTest | undefined {
  if (!pathSteps(path)) return undefined;
  if (!isPlainObject(cond) || !Object.keys(cond).some((k) => k.startsWith('$')))
    return !isPlainObject(cond) && comparable(cond)
      ? { kind: 'field', path, ops: [['$eq', cond]] }
      : undefined;
  const ops: [string, unknown][] = [];
  for (const [op, arg] of Object.entries(cond)) {
    switch (op) {
      case '$eq':
      case '$ne':
        if (!comparable(arg)) return undefined;
        break;
      case '$in':
      case '$nin':
        if (!Array.isArray(arg) || !arg.every(comparable)) return undefined;
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (
          !(typeof arg === 'number' && Number.isFinite(arg)) &&
          typeof arg !== 'string' &&
          !(arg instanceof Date && !Number.isNaN(arg.getTime()))
        )
          return undefined;
        break;
      case '$exists':
        break;
      default:
        return undefined;
    }
    ops.push([op, arg]);
  }
  return ops.length > 0 ? { kind: 'field', path, ops } : undefined;
}

function compileFilter(filter: Doc, paths: Set<string>): Filter | undefined {
  const subs: Filter[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(cond) || cond.length === 0) return undefined;
      const inner: Filter[] = [];
      for (const c of cond) {
        if (!isPlainObject(c) || Object.keys(c).length === 0) return undefined;
        const f = compileFilter(c, paths);
        if (!f) return undefined;
        inner.push(f);
      }
      // An `$and` inside a conjunction is part of it: its tests clear rows of the same mask.
      if (key === '$and') for (const f of inner) subs.push(...(f.kind === 'and' ? f.subs : [f]));
      else subs.push({ kind: key === '$or' ? 'or' : 'nor', subs: inner });
      continue;
    }
    if (key.startsWith('$')) return undefined;
    const t = fieldTest(key, cond);
    if (!t) return undefined;
    paths.add(key);
    subs.push(t);
  }
  return { kind: 'and', subs };
}

function keyPart(expr: unknown): KeyPart | undefined {
  const path = fieldPath(expr);
  if (path) return { path, ifNull: false };
  if (isPlainObject(expr) && Object.keys(expr).length === 1 && Array.isArray(expr.$ifNull)) {
    const [first, second, ...more] = expr.$ifNull as unknown[];
    const inner = fieldPath(first);
    if (inner && second === null && more.length === 0) return { path: inner, ifNull: true };
  }
  return undefined;
}

/** The date-path of `{ $cond: [{ $eq: [{ $type: path }, 'date'] }, path, null] }`, or undefined. */
function typedDatePath(expr: unknown): string | undefined {
  const cond = isPlainObject(expr) && Object.keys(expr).length === 1 ? expr.$cond : undefined;
  if (!Array.isArray(cond) || cond.length !== 3 || cond[2] !== null) return undefined;
  const test = cond[0];
  const eq = isPlainObject(test) && Object.keys(test).length === 1 ? test.$eq : undefined;
  if (!Array.isArray(eq) || eq.length !== 2 || eq[1] !== 'date') return undefined;
  const typed = eq[0];
  const path = isPlainObject(typed) && Object.keys(typed).length === 1 ? fieldPath(typed.$type) : undefined;
  return path && fieldPath(cond[1]) === path ? path : undefined;
}

function dateKey(id: unknown): DateKey | undefined {
  const spec = isPlainObject(id) && Object.keys(id).length === 1 ? id.$dateToString : undefined;
  if (!isPlainObject(spec)) return undefined;
  if (!Object.keys(spec).every((k) => ['date', 'format', 'timezone', 'onNull'].includes(k))) return undefined;
  const format = spec.format ?? '%Y-%m-%dT%H:%M:%S.%LZ';
  const zone = spec.timezone;
  if (typeof format !== 'string' || (zone !== undefined && typeof zone !== 'string')) return undefined;
  const onNull = spec.onNull === undefined ? null : spec.onNull;
  if (
    onNull !== null &&
    typeof onNull !== 'string' &&
    !(typeof onNull === 'number' && Number.isFinite(onNull))
  )
    return undefined;
  const render = dateFormatter(format, zone);
  if (!render) return undefined;
  const plain = fieldPath(spec.date);
  const path = plain ?? typedDatePath(spec.date);
  return path ? { kind: 'date', path, render, onNull, typed: !plain } : undefined;
}

function compileKey(id: unknown, paths: Set<string>): Key | undefined {
  const date = dateKey(id);
  if (date) {
    paths.add(date.path);
    return date;
  }
  if (id === undefined || id === null || typeof id === 'boolean')
    return { kind: 'constant', value: id ?? null };
  if (typeof id === 'number') return Number.isFinite(id) ? { kind: 'constant', value: id } : undefined;
  if (typeof id === 'string' && !id.startsWith('$')) return { kind: 'constant', value: id };
  if (isPlainObject(id) && Object.keys(id).length > 0 && !Object.keys(id).some((k) => k.startsWith('$'))) {
    const parts: [string, KeyPart][] = [];
    for (const [name, expr] of Object.entries(id)) {
      if (name.includes('.') || INHERITED.has(name)) return undefined;
      const part = keyPart(expr);
      if (!part) return undefined;
      paths.add(part.path);
      parts.push([name, part]);
    }
    return { kind: 'compound', parts };
  }
  const part = keyPart(id);
  if (!part) return undefined;
  paths.add(part.path);
  return { kind: 'single', part };
}

function compileAcc(name: string, spec: unknown, paths: Set<string>): Acc | undefined {
  if (!isPlainObject(spec) || Object.keys(spec).length !== 1 || INHERITED.has(name) || name.includes('.'))
    return undefined;
  const [op, arg] = Object.entries(spec)[0] as [string, unknown];
  if (op === '$count')
    return isPlainObject(arg) && Object.keys(arg).length === 0 ? { op: 'count', name } : undefined;
  const path = fieldPath(arg);
  if (path) paths.add(path);
  switch (op) {
    case '$sum': {
      if (path) return { op: 'sum', name, path };
      if (typeof arg === 'number' && Number.isFinite(arg)) return { op: 'add', name, value: arg };
      // `{ $cond: [{ $isNumber: path }, a, b] }`: how a report counts the numbers an average divides by.
      const cond = isPlainObject(arg) && Object.keys(arg).length === 1 ? arg.$cond : undefined;
      if (!Array.isArray(cond) || cond.length !== 3) return undefined;
      const [test, yes, no] = cond as unknown[];
      const tested =
        isPlainObject(test) && Object.keys(test).length === 1 ? fieldPath(test.$isNumber) : undefined;
      if (!tested || typeof yes !== 'number' || typeof no !== 'number') return undefined;
      if (!Number.isFinite(yes) || !Number.isFinite(no)) return undefined;
      paths.add(tested);
      return { op: 'isNumber', name, path: tested, yes, no };
    }
    case '$avg':
    case '$min':
    case '$max':
    case '$addToSet':
      return path ? { op: op.slice(1) as 'avg' | 'min' | 'max' | 'addToSet', name, path } : undefined;
    default:
      return undefined;
  }
}

/** Compiles `$match` (optional) + `$group` for columns, or undefined outside the subset. */
export function compileColumnPlan(match: Doc | undefined, group: Doc): ColumnPlan | undefined {
  const paths = new Set<string>();
  const filter = match && Object.keys(match).length > 0 ? compileFilter(match, paths) : undefined;
  if (match && Object.keys(match).length > 0 && !filter) return undefined;
  const key = compileKey(group._id, paths);
  if (!key) return undefined;
  const accs: Acc[] = [];
  for (const [name, spec] of Object.entries(group)) {
    if (name === '_id') continue;
    const acc = compileAcc(name, spec, paths);
    if (!acc) return undefined;
    accs.push(acc);
  }
  return { filter, key, accs, paths: [...paths] };
}

/** Thrown inside a run when the data leave the subset (the caller reads the documents). */
class Leave extends Error {}

type Cols = Map<string, Column>;

/** Numbers or dates a test accepts: a test of the stored number (or time), or undefined for none. */
type NumTest = ((x: number) => boolean) | undefined;

const RANGES: Record<string, (x: number | string, y: number | string) => boolean> = {
  $gt: (x, y) => x > y,
  $gte: (x, y) => x >= y,
  $lt: (x, y) => x < y,
  $lte: (x, y) => x <= y,
};

/** What one operator accepts: a table over codes, and tests of numbers and of dates. */
interface Accepts {
  table: Uint8Array;
  num: NumTest;
  date: NumTest;
}

function acceptEq(col: Column, size: number, v: unknown): Accepts {
  const table = new Uint8Array(size);
  let num: NumTest;
  let date: NumTest;
  if (v === null) {
    table[MISSING] = 1;
    table[NULL] = 1;
  } else if (typeof v === 'number') num = (x) => x === v;
  else if (v instanceof Date) {
    const t = v.getTime();
    date = (x) => x === t;
  } else {
    const code = col.codeOf(v) ?? -1;
    if (code >= 0) table[code] = 1;
  }
  return { table, num, date };
}

function acceptAny(list: readonly Accepts[], size: number): Accepts {
  const table = new Uint8Array(size);
  const nums: ((x: number) => boolean)[] = [];
  const dates: ((x: number) => boolean)[] = [];
  for (const a of list) {
    for (let c = 0; c < size; c += 1) table[c] = (table[c] as number) | (a.table[c] as number);
    if (a.num) nums.push(a.num);
    if (a.date) dates.push(a.date);
  }
  const any = (tests: ((x: number) => boolean)[]): NumTest =>
    tests.length === 0 ? undefined : tests.length === 1 ? tests[0] : (x) => tests.some((t) => t(x));
  return { table, num: any(nums), date: any(dates) };
}

function negate(a: Accepts, size: number): Accepts {
  const table = new Uint8Array(size);
  for (let c = 0; c < size; c += 1) table[c] = a.table[c] ? 0 : 1;
  const { num, date } = a;
  return {
    table,
    num: num ? (x) => !num(x) : () => true,
    date: date ? (x) => !date(x) : () => true,
  };
}

function acceptOp(col: Column, size: number, op: string, arg: unknown): Accepts {
  switch (op) {
    case '$eq':
      return acceptEq(col, size, arg);
    case '$ne':
      return negate(acceptEq(col, size, arg), size);
    case '$in':
    case '$nin': {
      const any = acceptAny(
        (arg as unknown[]).map((v) => acceptEq(col, size, v)),
        size,
      );
      return op === '$in' ? any : negate(any, size);
    }
    case '$exists': {
      const table = new Uint8Array(size).fill(1);
      const on = arg !== false && arg !== 0 && arg !== null;
      if (on) table[MISSING] = 0;
      else table.fill(0)[MISSING] = 1;
      return { table, num: on ? () => true : undefined, date: on ? () => true : undefined };
    }
    default: {
      const cmp = RANGES[op] as (x: number | string, y: number | string) => boolean;
      const table = new Uint8Array(size);
      if (typeof arg === 'number') return { table, num: (x) => cmp(x, arg), date: undefined };
      if (arg instanceof Date) {
        const t = arg.getTime();
        return { table, num: undefined, date: (x) => cmp(x, t) };
      }
      col.values.forEach((v, i) => {
        if (typeof v === 'string' && cmp(v, arg as string)) table[FIRST_VALUE + i] = 1;
      });
      return { table, num: undefined, date: undefined };
    }
  }
}

/** Clears the rows of `mask` that field test `t` rejects. */
function applyField(t: FieldTest, cols: Cols, mask: Uint8Array, n: number): void {
  const col = cols.get(t.path) as Column;
  const size = FIRST_VALUE + col.values.length;
  const codes = col.codes;
  const nums = col.nums;
  for (const [op, arg] of t.ops) {
    const { table, num, date } = acceptOp(col, size, op, arg);
    if (!num && !date) {
      for (let i = 0; i < n; i += 1) if (mask[i] === 1 && table[codes[i] as number] !== 1) mask[i] = 0;
      continue;
    }
    for (let i = 0; i < n; i += 1) {
      if (mask[i] !== 1) continue;
      const c = codes[i] as number;
      const ok =
        c === NUMBER
          ? num?.((nums as Float64Array)[i] as number) === true
          : c === DATE
            ? date?.((nums as Float64Array)[i] as number) === true
            : table[c] === 1;
      if (!ok) mask[i] = 0;
    }
  }
}

/**
 * Scratch arrays of at least `n` rows, reused from run to run: allocating a mask (and each row's group) per
 * run of a million rows made the collector run full collections of the whole store (typed arrays count as
 * external memory), which cost seconds where the run itself takes milliseconds. Runs are synchronous, so
 * each array is taken and given back within one.
 */
const spareMasks: Uint8Array[] = [];
let spareGroups = new Int32Array(0);

function takeMask(n: number, fill: 0 | 1): Uint8Array {
  let mask = spareMasks.pop();
  if (!mask || mask.length < n) mask = new Uint8Array(n);
  return mask.fill(fill, 0, n);
}

function giveMask(mask: Uint8Array): void {
  if (spareMasks.length < 8) spareMasks.push(mask);
}

/** The rows `f` accepts, as 1 in a mask of (at least) `n` rows; give it back with {@link giveMask}. */
function evaluate(f: Filter, cols: Cols, n: number): Uint8Array {
  if (f.kind === 'field') {
    const mask = takeMask(n, 1);
    applyField(f, cols, mask, n);
    return mask;
  }
  if (f.kind === 'and') {
    const mask = takeMask(n, 1);
    for (const s of f.subs) {
      if (s.kind === 'field') applyField(s, cols, mask, n);
      else {
        const m = evaluate(s, cols, n);
        for (let i = 0; i < n; i += 1) mask[i] = (mask[i] as number) & (m[i] as number);
        giveMask(m);
      }
    }
    return mask;
  }
  const mask = takeMask(n, 0);
  for (const s of f.subs) {
    const m = evaluate(s, cols, n);
    for (let i = 0; i < n; i += 1) mask[i] = (mask[i] as number) | (m[i] as number);
    giveMask(m);
  }
  if (f.kind === 'nor') for (let i = 0; i < n; i += 1) mask[i] = (mask[i] as number) ^ 1;
  return mask;
}

/** The value a code stands for, as a group key or a set member (undefined for missing). */
function valueAt(col: Column, i: number): unknown {
  const c = col.codes[i] as number;
  if (c === MISSING) return undefined;
  if (c === NULL) return null;
  if (c === NUMBER) return (col.nums as Float64Array)[i];
  if (c === DATE) return new Date((col.nums as Float64Array)[i] as number);
  return col.values[c - FIRST_VALUE];
}

/**
 * Each row's group (-1 for rows the filter left out) and each group's first row, groups numbered in the
 * order first met.
 */
function groupRows(key: Key, cols: Cols, mask: Uint8Array | undefined, n: number) {
  if (spareGroups.length < n) spareGroups = new Int32Array(n);
  const of = spareGroups;
  const first: number[] = [];
  if (key.kind === 'constant') {
    for (let i = 0; i < n; i += 1) {
      if (mask && mask[i] !== 1) of[i] = -1;
      else {
        if (first.length === 0) first.push(i);
        of[i] = 0;
      }
    }
    return { of, first };
  }
  if (key.kind === 'date') return groupDates(key, cols, mask, n, of, first);
  const parts: KeyPart[] = key.kind === 'single' ? [key.part] : key.parts.map(([, p]) => p);
  const single = key.kind === 'single';
  const columns = parts.map((p) => cols.get(p.path) as Column);
  const sizes = columns.map((c) => FIRST_VALUE + c.values.length);
  const span = sizes.reduce((a, b) => a * b, 1);
  // Codes combined into one number must stay exact.
  if (span > 2 ** 52) throw new Leave();
  // Rows whose key holds a number or a date: by value, in maps (a single key only).
  const byNumber = new Map<number, number>();
  const byDate = new Map<number, number>();
  const table = span <= 1 << 16 ? new Int32Array(span).fill(-1) : undefined;
  const byCode = table ? undefined : new Map<number, number>();
  for (let i = 0; i < n; i += 1) {
    if (mask && mask[i] !== 1) {
      of[i] = -1;
      continue;
    }
    let k = 0;
    let special: Map<number, number> | undefined;
    let at = 0;
    for (let p = 0; p < columns.length; p += 1) {
      const col = columns[p] as Column;
      let c = col.codes[i] as number;
      // One key makes missing and null one group; `$ifNull` does so within a compound key.
      if (c === MISSING && (single || (parts[p] as KeyPart).ifNull)) c = NULL;
      if (c === NUMBER || c === DATE) {
        if (!single) throw new Leave();
        special = c === NUMBER ? byNumber : byDate;
        at = (col.nums as Float64Array)[i] as number;
      }
      k = k * (sizes[p] as number) + c;
    }
    let g: number | undefined;
    if (special) g = special.get(at);
    else g = table ? table[k] : byCode?.get(k);
    if (g === undefined || g < 0) {
      g = first.length;
      first.push(i);
      if (special) special.set(at, g);
      else if (table) table[k] = g;
      else byCode?.set(k, g);
    }
    of[i] = g;
  }
  return { of, first };
}

/** The key of row `i` under a date key (the text of its date, or `onNull`). */
function dateKeyAt(key: DateKey, col: Column, i: number): unknown {
  const c = col.codes[i] as number;
  if (c === DATE) return key.render((col.nums as Float64Array)[i] as number);
  if (c === MISSING || c === NULL || key.typed) return key.onNull;
  throw new Leave();
}

/** {@link groupRows} for a date key: groups by the printed text, the rows of one local day printed once. */
function groupDates(
  key: DateKey,
  cols: Cols,
  mask: Uint8Array | undefined,
  n: number,
  of: Int32Array,
  first: number[],
) {
  const col = cols.get(key.path) as Column;
  const byKey = new Map<unknown, number>();
  for (let i = 0; i < n; i += 1) {
    if (mask && mask[i] !== 1) {
      of[i] = -1;
      continue;
    }
    const k = dateKeyAt(key, col, i);
    let g = byKey.get(k);
    if (g === undefined) {
      g = first.length;
      first.push(i);
      byKey.set(k, g);
    }
    of[i] = g;
  }
  return { of, first };
}

/** The `_id` of the group whose first row is `i`. */
function groupId(key: Key, cols: Cols, i: number): unknown {
  if (key.kind === 'constant') return key.value;
  if (key.kind === 'date') return dateKeyAt(key, cols.get(key.path) as Column, i);
  if (key.kind === 'single') return valueAt(cols.get(key.part.path) as Column, i) ?? null;
  const o: Doc = {};
  for (const [name, part] of key.parts) {
    const v = valueAt(cols.get(part.path) as Column, i);
    if (v !== undefined) o[name] = v;
    else if (part.ifNull) o[name] = null;
  }
  return o;
}

/** The values of one accumulator, one per group. */
function accumulate(acc: Acc, cols: Cols, of: Int32Array, groups: number, n: number): unknown[] {
  if (acc.op === 'count' || acc.op === 'add') {
    const by = acc.op === 'count' ? 1 : acc.value;
    const out = new Float64Array(groups);
    for (let i = 0; i < n; i += 1) {
      const g = of[i] as number;
      if (g >= 0) out[g] = (out[g] as number) + by;
    }
    return Array.from(out);
  }
  const col = cols.get(acc.path) as Column;
  const codes = col.codes;
  const nums = col.nums ?? new Float64Array(0);
  switch (acc.op) {
    case 'sum': {
      const out = new Float64Array(groups);
      for (let i = 0; i < n; i += 1) {
        const g = of[i] as number;
        if (g >= 0 && codes[i] === NUMBER) out[g] = (out[g] as number) + (nums[i] as number);
      }
      return Array.from(out);
    }
    case 'isNumber': {
      const out = new Float64Array(groups);
      for (let i = 0; i < n; i += 1) {
        const g = of[i] as number;
        if (g >= 0) out[g] = (out[g] as number) + (codes[i] === NUMBER ? acc.yes : acc.no);
      }
      return Array.from(out);
    }
    case 'avg': {
      const sum = new Float64Array(groups);
      const count = new Float64Array(groups);
      for (let i = 0; i < n; i += 1) {
        const g = of[i] as number;
        if (g >= 0 && codes[i] === NUMBER) {
          sum[g] = (sum[g] as number) + (nums[i] as number);
          count[g] = (count[g] as number) + 1;
        }
      }
      return Array.from(sum, (s, g) => (count[g] ? s / (count[g] as number) : null));
    }
    case 'min':
    case 'max': {
      const out: (number | null)[] = new Array(groups).fill(null);
      const min = acc.op === 'min';
      for (let i = 0; i < n; i += 1) {
        const g = of[i] as number;
        if (g < 0) continue;
        const c = codes[i] as number;
        if (c === MISSING || c === NULL) continue;
        if (c !== NUMBER) throw new Leave();
        const v = nums[i] as number;
        const was = out[g] as number | null;
        // NaN sorts below every number: it wins $min for good and loses $max to any number.
        if (was === null || (min ? v < was || Number.isNaN(v) : v > was || Number.isNaN(was))) out[g] = v;
      }
      return out;
    }
    case 'addToSet': {
      const sets: Set<unknown>[] = Array.from({ length: groups }, () => new Set());
      for (let i = 0; i < n; i += 1) {
        const g = of[i] as number;
        if (g < 0) continue;
        const c = codes[i] as number;
        if (c === MISSING) continue;
        const v = valueAt(col, i);
        if (c === DATE || (v !== null && typeof v === 'object')) throw new Leave();
        (sets[g] as Set<unknown>).add(v);
      }
      return sets.map((s) => [...s]);
    }
  }
}

/** Answers `plan` over the columns of `set`, or undefined when the data leave the subset. */
export function runColumnPlan(plan: ColumnPlan, set: ColumnSet, n: number): Doc[] | undefined {
  const cols: Cols = new Map();
  set.build(plan.paths);
  for (const path of plan.paths) {
    const c = set.column(path);
    if (!c?.usable || c.length !== n) return undefined;
    cols.set(path, c);
  }
  try {
    const mask = plan.filter ? evaluate(plan.filter, cols, n) : undefined;
    const { of, first } = groupRows(plan.key, cols, mask, n);
    if (mask) giveMask(mask);
    const values = plan.accs.map((acc) => accumulate(acc, cols, of, first.length, n));
    return first.map((row, g) => {
      const out: Doc = { _id: groupId(plan.key, cols, row) };
      plan.accs.forEach((acc, a) => {
        out[acc.name] = (values[a] as unknown[])[g];
      });
      return out;
    });
  } catch (e) {
    if (e instanceof Leave) return undefined;
    throw e;
  }
}
