import { bsonType, isInt32 } from './values.js';

/** MongoDB's type aliases (`$type`, `bsonType`) as tests of stored values (wrappers kept). */
export const TYPE_TESTS: Record<string, (v: unknown) => boolean> = {
  double: (v) => (typeof v === 'number' && !isInt32(v)) || bsonType(v) === 'Double',
  string: (v) => typeof v === 'string',
  object: (v) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    bsonType(v) === undefined &&
    !(v instanceof Date) &&
    !(v instanceof RegExp),
  array: Array.isArray,
  binData: (v) => bsonType(v) === 'Binary',
  undefined: (v) => v === undefined,
  objectId: (v) => bsonType(v) === 'ObjectId',
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp || bsonType(v) === 'BSONRegExp',
  int: (v) => (typeof v === 'number' && isInt32(v)) || bsonType(v) === 'Int32',
  timestamp: (v) => bsonType(v) === 'Timestamp',
  long: (v) => bsonType(v) === 'Long',
  decimal: (v) => bsonType(v) === 'Decimal128',
  minKey: (v) => bsonType(v) === 'MinKey',
  maxKey: (v) => bsonType(v) === 'MaxKey',
  number: (v) =>
    typeof v === 'number' || ['Long', 'Decimal128', 'Double', 'Int32'].includes(bsonType(v) ?? ''),
};
/** `$type`'s numeric codes by alias. */
export const TYPE_CODES: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};
