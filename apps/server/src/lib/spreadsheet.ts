/**
 * Text a spreadsheet program would run as a formula (OWASP "CSV injection"): cells starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return. Such text is written with a leading apostrophe, which spreadsheet
 * programs show as text; numbers stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A value as a safe spreadsheet cell: numbers, booleans and dates as they are, dangerous text neutralised. */
export function safeCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}
