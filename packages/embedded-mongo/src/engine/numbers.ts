import { Decimal128, Double, Long } from 'bson';
import { Decimal } from 'decimal.js';
import { bsonType, isInt32, makeDouble } from './values.js';

/** Numeric BSON kinds in MongoDB's promotion order. */
export type NumKind = 'int' | 'long' | 'double' | 'decimal';

const RANK: Record<NumKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

/** The numeric kind of a stored value, or undefined when it is not a number. */
export function numKind(v: unknown): NumKind | undefined {
  if (typeof v === 'number') return isInt32(v) ? 'int' : 'double';
  switch (bsonType(v)) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    default:
      return undefined;
  }
}

function toDecimal(v: unknown): Decimal {
  if (typeof v === 'number') return new Decimal(v);
  const t = bsonType(v);
  if (t === 'Double' || t === 'Int32') return new Decimal((v as Double).value);
  return new Decimal(String(v));
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const t = bsonType(v);
  if (t === 'Double' || t === 'Int32') return (v as Double).value;
  return Number(String(v));
}

/** Builds a stored value of `kind` from a JS number, promoting int overflow to long as MongoDB does. */
function make(kind: NumKind, n: number): unknown {
  if (kind === 'int') return isInt32(n) ? n : Long.fromNumber(n);
  if (kind === 'long') return Long.fromNumber(n);
  return makeDouble(n);
}

/** a + b with MongoDB's result type rules (int+int stays int unless it overflows, etc.). */
export function add(a: unknown, b: unknown): unknown {
  return arith(
    a,
    b,
    (x, y) => x + y,
    (x, y) => x.plus(y),
    (x, y) => x.add(y),
  );
}

/** a * b with MongoDB's result type rules. */
export function mul(a: unknown, b: unknown): unknown {
  return arith(
    a,
    b,
    (x, y) => x * y,
    (x, y) => x.times(y),
    (x, y) => x.multiply(y),
  );
}

function arith(
  a: unknown,
  b: unknown,
  f: (x: number, y: number) => number,
  fd: (x: Decimal, y: Decimal) => Decimal,
  fl: (x: Long, y: Long) => Long,
): unknown {
  const ka = numKind(a)!;
  const kb = numKind(b)!;
  const k = RANK[ka] >= RANK[kb] ? ka : kb;
  if (k === 'decimal') return Decimal128.fromString(fd(toDecimal(a), toDecimal(b)).toString());
  if (k === 'long') {
    const la = ka === 'long' ? (a as Long) : Long.fromNumber(toNumber(a));
    const lb = kb === 'long' ? (b as Long) : Long.fromNumber(toNumber(b));
    return fl(la, lb);
  }
  return make(k, f(toNumber(a), toNumber(b)));
}

/** Zero of the kind of `v` (what `$mul` sets on a missing field). */
export function zeroLike(v: unknown): unknown {
  return make(numKind(v) ?? 'int', 0);
}

/** Sums values as MongoDB's `$sum` does: Decimal128 stays exact, ints widen to long/double. */
export function sumValues(values: Iterable<unknown>): unknown {
  let acc: unknown = 0;
  for (const v of values) if (numKind(v) !== undefined) acc = add(acc, v);
  return acc;
}

/** Converts any numeric value to a JS number (for averages and comparisons). */
export function asNumber(v: unknown): number {
  return toNumber(v);
}

export { Double };
