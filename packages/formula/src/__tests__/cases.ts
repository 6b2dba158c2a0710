/**
 * Formula cases with their expected values, shared by the Node test and the browser-bundle test so
 * both run the same assertions. Expected values are Excel's documented results or the worked
 * numbers of the sales template (docs/SALES-TEMPLATE "Worked numbers").
 */
export interface FormulaCase {
  readonly formula: string;
  readonly expected: unknown;
  readonly fields?: Readonly<Record<string, string>>;
  readonly scope?: Readonly<Record<string, unknown>>;
}

/** The moment TODAY()/NOW() see in the cases. */
export const CASE_NOW = new Date('2026-03-15T10:30:00Z');

const plan = {
  fields: { credited: 'money', quota: 'money' },
  thresholds: '[0, 0.5, 1]',
  rates: '[0.02, 0.05, 0.08]',
};

export const formulaCases: readonly FormulaCase[] = [
  // Excel rounding: half away from zero.
  { formula: 'ROUND(2.5)', expected: 3 },
  { formula: 'ROUND(-2.5)', expected: -3 },
  { formula: 'ROUND(0.5, 0)', expected: 1 },
  { formula: 'ROUND(1.005, 2)', expected: 1.01 },
  { formula: 'ROUND(21.5, -1)', expected: 20 },
  { formula: 'ROUNDUP(-2.1)', expected: -3 },
  { formula: 'ROUNDDOWN(2.9)', expected: 2 },
  // Graduated / retroactive tiers with and without cap (template worked numbers).
  {
    formula: `TIERED(credited, ${plan.thresholds}, ${plan.rates}, "graduated", 0, quota)`,
    fields: plan.fields,
    scope: { credited: 1_300_000, quota: 1_000_000 },
    expected: 59_000,
  },
  {
    formula: `TIERED(credited, ${plan.thresholds}, ${plan.rates}, "retroactive", 0, quota)`,
    fields: plan.fields,
    scope: { credited: 1_300_000, quota: 1_000_000 },
    expected: 104_000,
  },
  {
    formula: `TIERED(credited, ${plan.thresholds}, ${plan.rates}, "graduated", 1.5, quota)`,
    fields: plan.fields,
    scope: { credited: 1_800_000, quota: 1_000_000 },
    expected: 75_000,
  },
  {
    formula: `TIERED(credited, ${plan.thresholds}, ${plan.rates}, "graduated", 1.5, quota)`,
    fields: plan.fields,
    scope: { credited: 1_300_000, quota: 1_000_000 },
    expected: 59_000,
  },
  // Competition ranking: 500, 400, 400, 300 -> 1, 2, 2, 4.
  { formula: 'RANK(500, [500, 400, 400, 300])', expected: 1 },
  { formula: 'RANK(400, [500, 400, 400, 300])', expected: 2 },
  { formula: 'RANK(300, [500, 400, 400, 300])', expected: 4 },
  // Dates in UTC.
  { formula: 'EOMONTH("2026-12-15", 1)', expected: '2027-01-31' },
  { formula: 'EOMONTH("2026-01-15", -2)', expected: '2025-11-30' },
  { formula: 'DATEDIF("2026-01-31", "2026-03-01", "M")', expected: 1 },
  { formula: 'DATEDIF("2001-06-01", "2002-08-15", "Y")', expected: 1 },
  { formula: 'DATEDIF("2001-06-01", "2002-08-15", "YM")', expected: 2 },
  { formula: 'DATEDIF("2001-06-01", "2002-08-15", "MD")', expected: 14 },
  { formula: 'TODAY()', expected: '2026-03-15' },
  // Language.
  { formula: 'a + b', fields: { a: 'money', b: 'money' }, scope: { a: 0.1, b: 0.2 }, expected: 0.3 },
  { formula: '"Q" & 3 & "-" & TRUE', expected: 'Q3-TRUE' },
  {
    formula: 'SUM(items.lineTotal)',
    fields: { 'items.lineTotal': 'number[]' },
    scope: { items: [{ lineTotal: 2 }, { lineTotal: 3 }] },
    expected: 5,
  },
  {
    formula: 'customer.region',
    fields: { 'customer.region': 'select' },
    scope: { customer: { region: 'East' } },
    expected: 'East',
  },
  { formula: 'FORECAST.LINEAR(4, [2, 4, 6], [1, 2, 3])', expected: 8 },
  { formula: 'IF(x = 0, 0, 10 / x)', fields: { x: 'number' }, scope: {}, expected: 0 },
  { formula: 'blank + 1', fields: { blank: 'number' }, scope: { blank: null }, expected: 1 },
  { formula: 'blank & "x"', fields: { blank: 'text' }, scope: {}, expected: 'x' },
];

/** A formula that must fail with the code, at the position. */
export interface FailingCase {
  readonly formula: string;
  readonly code: string;
  readonly position: number;
  readonly fields?: Readonly<Record<string, string>>;
}

export const failingCases: readonly FailingCase[] = [
  { formula: 'name + 1', fields: { name: 'text' }, code: 'TYPE_MISMATCH', position: 0 },
  { formula: '1 + nosuch', code: 'UNKNOWN_FIELD', position: 4 },
  { formula: 'SUM(1) + NOPE(2)', code: 'UNKNOWN_FUNCTION', position: 9 },
  { formula: '10 / 0', code: 'DIV_BY_ZERO', position: 0 },
  { formula: 'constructor.constructor("return process")()', code: 'FORBIDDEN_NAME', position: 0 },
  { formula: 'x["constructor"]', fields: { x: 'any' }, code: 'UNSUPPORTED_SYNTAX', position: 1 },
];
