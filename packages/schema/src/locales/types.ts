import type { IssueCode } from '../issues.js';

/** A locale's messages: one function per issue code, so a missing translation fails to compile. */
export type IssueMessages = {
  readonly [C in IssueCode]: (params: Readonly<Record<string, unknown>>) => string;
};

/** Joins a list param (array or comma-separated string), keeping long lists short. */
export function list(value: unknown, sep = ', '): string {
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.length > 12 ? `${items.slice(0, 12).join(sep)}${sep}…` : items.join(sep);
}

/** Decimal places a `multipleOf` of 10^-n allows, or undefined when it is no such power. */
export function decimals(multipleOf: unknown): number | undefined {
  const n = -Math.log10(Number(multipleOf));
  return Number.isInteger(Math.round(n)) && Math.abs(n - Math.round(n)) < 1e-9 && n > 0
    ? Math.round(n)
    : undefined;
}

/** Allowed values as users should read them: `null` (clearing an optional field) is left out. */
export function values(allowed: unknown): unknown[] {
  return Array.isArray(allowed) ? allowed.filter((v) => v !== null) : [allowed];
}
