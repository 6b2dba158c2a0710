import { Decimal128 } from 'bson';
import { Decimal } from 'decimal.js';
import { compareBson, valueKey } from './compare.js';
import { compileExpr, fieldGetter, type Getter, isFieldPath } from './fast-expr.js';
import { bsonType, type Doc, isPlainObject, num, view } from './values.js';

export { Fallback, fieldGetter, type Getter, isFieldPath } from './fast-expr.js';

/** A constant or field-path expression getter, or undefined when the expression is anything else. */
export function simpleExpr(x: unknown): Getter | undefined {
  if (isFieldPath(x)) return fieldGetter(x);
  if (x === null || typeof x === 'number' || typeof x === 'boolean') return () => x;
  if (typeof x === 'string' && !x.startsWith('$')) return () => x;
  return undefined;
}

/** One accumulator instance of one group. */
export interface Acc {
  add(d: Doc): void;
  result(): unknown;
}
/** Makes a fresh accumulator for a new group. */
export type AccFactory = () => Acc;
/** A group: its `_id` and its accumulators. */
export interface Group {
  id: unknown;
  accs: Acc[];
}

/** `$sum` with MongoDB's numeric rules: ints, doubles, longs as numbers; Decimal128 exact. */
export function sumAcc(get: Getter, avg: boolean): AccFactory {
  return () => {
    let n = 0;
    let count = 0;
    let dec: Decimal | undefined;
    return {
      add(d) {
        const v = get(d);
        if (typeof v === 'number') {
          n += v;
          count++;
          return;
        }
        const t = bsonType(v);
        if (t === 'Decimal128') {
          dec = (dec ?? new Decimal(0)).plus(new Decimal(String(v)));
          count++;
        } else if (t === 'Double' || t === 'Int32' || t === 'Long') {
          n += num(v);
          count++;
        }
      },
      result() {
        if (dec) {
          const total = dec.plus(n);
          return Decimal128.fromString((avg ? (count ? total.div(count) : total) : total).toString());
        }
        if (avg) return count ? n / count : null;
        return n;
      },
    };
  };
}

/** `$min` (sign -1) / `$max` (sign 1) in BSON order, ignoring null and missing. */
export function minMaxAcc(get: Getter, sign: number): AccFactory {
  return () => {
    let best: unknown;
    let bestView: unknown;
    return {
      add(d) {
        const v = get(d);
        if (v === null || v === undefined) return;
        const vv = view(v);
        if (best === undefined || compareBson(vv, bestView) * sign > 0) {
          best = v;
          bestView = vv;
        }
      },
      result: () => (best === undefined ? null : best),
    };
  };
}

/** Compiles one accumulator spec (`{ $sum: '$x' }`), or undefined when unsupported. */
export function compileAcc(spec: unknown): AccFactory | undefined {
  if (!isPlainObject(spec)) return undefined;
  const keys = Object.keys(spec);
  if (keys.length !== 1) return undefined;
  const op = keys[0]!;
  const arg = spec[op];
  if (op === '$count') {
    if (!isPlainObject(arg) || Object.keys(arg).length) return undefined;
    return () => {
      let c = 0;
      return { add: () => void c++, result: () => c };
    };
  }
  // Field paths, constants and the expressions the fast path compiles (`$cond` of `$isNumber`...).
  const get = compileExpr(arg);
  if (!get) return undefined;
  switch (op) {
    case '$sum':
      return sumAcc(get, false);
    case '$avg':
      return sumAcc(get, true);
    case '$min':
      return minMaxAcc(get, -1);
    case '$max':
      return minMaxAcc(get, 1);
    case '$first':
      return () => {
        let set = false;
        let val: unknown = null;
        return {
          add(d) {
            if (set) return;
            set = true;
            const v = get(d);
            val = v === undefined ? null : v;
          },
          result: () => val,
        };
      };
    case '$last':
      return () => {
        let val: unknown = null;
        return {
          add(d) {
            const v = get(d);
            val = v === undefined ? null : v;
          },
          result: () => val,
        };
      };
    case '$push':
    case '$addToSet':
      return () => {
        const vals: unknown[] = [];
        const seen = op === '$addToSet' ? new Set<string>() : undefined;
        return {
          add(d) {
            const v = get(d);
            if (v === undefined) return;
            if (seen) {
              const k = valueKey(view(v));
              if (seen.has(k)) return;
              seen.add(k);
            }
            vals.push(v);
          },
          result: () => vals,
        };
      };
    default:
      return undefined;
  }
}
