import { FormulaError } from './errors.js';
import type { FormulaValue } from './types.js';

/**
 * Rounds half away from zero (Excel's ROUND): 2.5 → 3, -2.5 → -3, 1.005 → 1.01 at 2 digits.
 * The scaled value is first cut to 15 significant digits, as Excel does, so binary noise such as
 * 1.005 * 100 = 100.49999999999999 does not decide the direction.
 */
export function roundHalfAwayFromZero(value: number, digits = 0): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  const raw = Math.abs(value) * factor;
  const floor = Math.floor(raw);
  const fraction = raw - floor;
  // Only a value within binary noise of a half needs the (slow) cut to 15 significant digits;
  // anywhere else the nearest integer is already unambiguous.
  const scaled =
    Math.abs(fraction - 0.5) > Math.max(raw, 1) * 1e-12
      ? fraction > 0.5
        ? floor + 1
        : floor
      : Math.round(Number(raw.toPrecision(15)));
  const rounded = scaled / factor;
  return value < 0 ? -rounded : rounded;
}

/** Excel blank: null, undefined and "" (an empty list counts too, for ISEMPTY). */
export function isBlank(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

/** Number coercion with Excel's blank rule (blank is 0). Text that is not a number is #VALUE!. */
export function toNumber(value: unknown, position = 0): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = Number(value.trim());
    if (Number.isNaN(n)) throw new FormulaError('VALUE_ERROR', position, { name: 'number' });
    return n;
  }
  if (value instanceof Date) return value.getTime();
  throw new FormulaError('VALUE_ERROR', position, { name: 'number' });
}

/** Text coercion with Excel's blank rule (blank is ""). Booleans print as TRUE/FALSE. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return formatDateIso(value);
  if (Array.isArray(value)) return value.map(toText).join(',');
  return '';
}

/** Boolean coercion: blank is FALSE, numbers are TRUE unless 0, text "TRUE"/"FALSE" as Excel reads it. */
export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined || value === '') return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.toUpperCase() === 'TRUE';
  return true;
}

/** Prints a number the way Excel's General format shows it: at most 15 significant digits. */
export function formatNumber(value: number): string {
  const plain = String(value);
  // Up to 15 characters cannot hold binary noise beyond 15 significant digits; skip the slow path.
  if (plain.length <= 15 || !Number.isFinite(value)) return plain;
  return String(Number(value.toPrecision(15)));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads a date: a `Date`, epoch milliseconds, or an ISO 8601 string. A bare `YYYY-MM-DD` is
 * midnight UTC of that day; strings with a time but no zone are read as UTC too, so a formula gives
 * the same answer in every browser and on the server.
 */
export function toDate(value: unknown, position = 0): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new FormulaError('VALUE_ERROR', position, { name: 'date' });
    return value;
  }
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    const m = ISO_DATE.exec(value);
    const d = m
      ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
      : new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
    if (Number.isNaN(d.getTime())) throw new FormulaError('VALUE_ERROR', position, { name: 'date' });
    return d;
  }
  throw new FormulaError('VALUE_ERROR', position, { name: 'date' });
}

/** Like {@link toDate} but a blank is an error, for functions that need a date. */
export function requireDate(value: unknown, name: string, position = 0): Date {
  const d = toDate(value, position);
  if (d === null) throw new FormulaError('VALUE_ERROR', position, { name });
  return d;
}

/** `YYYY-MM-DD` of a UTC date. */
export function formatDateIso(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** Flattens nested lists one level deep, which is all a formula can build. */
export function flatten(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) for (const inner of v) out.push(inner);
    else out.push(v);
  }
  return out;
}

/** Output form of a value: dates become ISO strings, everything else stays as is. */
export function toOutput(value: unknown, dateOnly: boolean): FormulaValue {
  if (value instanceof Date) return dateOnly ? formatDateIso(value) : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toOutput(v, dateOnly));
  if (value === undefined) return null;
  return value as FormulaValue;
}
