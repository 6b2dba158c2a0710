/**
 * The value types the checker reasons about.
 *
 * Scalars are `text`, `number`, `boolean`, `date` (a calendar day) and `datetime` (an instant);
 * `any` is a value whose type is only known at run time. `X[]` is a list of X, which is what a
 * subform column such as `items.lineTotal` or a literal like `[1, 2]` yields.
 */
export type ScalarType = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'any';

/** A scalar type or a list of a scalar type. */
export type FormulaType = ScalarType | `${ScalarType}[]`;

/**
 * The field kinds a form can declare, as the formula checker sees them. Each kind maps to one
 * {@link FormulaType}: money and percent are numbers (a percent is stored as a fraction, 15% = 0.15),
 * select and member are text (the option value or member id), multiselect is a text list.
 * A plain {@link FormulaType} is accepted too, so subform columns can be declared as `number[]`.
 */
export type FieldKind =
  | FormulaType
  | 'money'
  | 'percent'
  | 'select'
  | 'multiselect'
  | 'member'
  | `${'money' | 'percent' | 'select' | 'member'}[]`;

/**
 * The fields a formula may reference, by stable key. Subform columns and relation lookups use
 * dotted keys: `{ 'items.lineTotal': 'money[]', 'customer.region': 'select' }`.
 */
export type FieldTypeMap = Readonly<Record<string, FieldKind>>;

/** A value a formula works with at run time. Dates are `Date` objects in UTC; blank is `null`. */
export type FormulaValue = number | string | boolean | Date | null | readonly FormulaValue[];

const KIND_TO_TYPE: Readonly<Record<string, ScalarType>> = {
  text: 'text',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  any: 'any',
  money: 'number',
  percent: 'number',
  select: 'text',
  member: 'text',
};

/** Maps a declared field kind to the formula type the checker uses for it; `undefined` if unknown. */
export function fieldKindToType(kind: string): FormulaType | undefined {
  if (kind === 'multiselect') return 'text[]';
  const isList = kind.endsWith('[]');
  const base = isList ? kind.slice(0, -2) : kind;
  const scalar = Object.hasOwn(KIND_TO_TYPE, base) ? KIND_TO_TYPE[base] : undefined;
  if (scalar === undefined) return undefined;
  return isList ? `${scalar}[]` : scalar;
}

/** True for list types such as `number[]`. */
export function isListType(type: FormulaType): type is `${ScalarType}[]` {
  return type.endsWith('[]');
}

/** The element type of a list type, or the type itself for a scalar. */
export function elementType(type: FormulaType): ScalarType {
  return (isListType(type) ? type.slice(0, -2) : type) as ScalarType;
}

/** The list type whose elements are `type`. */
export function listOf(type: ScalarType): FormulaType {
  return `${type}[]`;
}

/** The narrowest type both sides fit in: equal types stay, a date and a datetime widen to datetime. */
export function unifyTypes(a: FormulaType, b: FormulaType): FormulaType {
  if (a === b) return a;
  const la = isListType(a);
  if (la !== isListType(b)) return 'any';
  const ea = elementType(a);
  const eb = elementType(b);
  const dates = (t: ScalarType) => t === 'date' || t === 'datetime';
  const merged: ScalarType = dates(ea) && dates(eb) ? 'datetime' : 'any';
  return la ? listOf(merged) : merged;
}
