// The formulas the compile benchmark parses, type-checks and compiles: 1,000 distinct sources drawn
// from the shapes forms really use (arithmetic on money, conditions, text, dates, subform lists,
// tiers, nested IFs), each with its own constants so no two sources are equal.
import type { FieldTypeMap } from '../src/index.js';

/** The fields every corpus formula may reference. */
export const corpusFields: FieldTypeMap = {
  price: 'money',
  qty: 'number',
  discount: 'percent',
  cost: 'money',
  rate: 'percent',
  region: 'select',
  status: 'select',
  name: 'text',
  owner: 'member',
  active: 'boolean',
  tags: 'multiselect',
  start: 'date',
  end: 'date',
  created: 'datetime',
  'items.lineTotal': 'money[]',
  'items.qty': 'number[]',
  'customer.tier': 'select',
};

const templates: ReadonlyArray<(i: number) => string> = [
  (i) => `ROUND(price * qty * (1 - discount) + ${i}, ${i % 4})`,
  (i) => `IF(status = "S${i}", price * ${i}, 0)`,
  (i) => `SUM(items.lineTotal) * (1 + rate) - ${i}`,
  (i) => `DATEDIF(start, end, "D") + ${i}`,
  (i) => `name & " - " & region & " #${i}"`,
  (i) => `TIERED(price * qty, [0, ${i * 10}, ${i * 100 + 1}], [0.01, 0.02, 0.0${(i % 9) + 1}], "graduated")`,
  (i) => `AND(qty >= ${i % 20}, discount < 0.${i}, region <> "R${i}")`,
  (i) => `IFS(qty > ${i}, "large", qty > ${i >> 1}, "medium", TRUE, "small")`,
  (i) => `SWITCH(region, "North", ${i}, "South", ${i + 1}, 0)`,
  (i) => `DATEADD(start, ${i}, "day")`,
  (i) => `YEAR(created) * 100 + MONTH(created) + ${i}`,
  (i) => `LEFT(UPPER(TRIM(name)) & "${i}", ${(i % 10) + 1})`,
  (i) => `MAX(price - cost, ${i}) / MAX(qty, 1)`,
  (i) => `COUNTIF(tags, "t${i}") > 0`,
  (i) => `AVERAGE(items.qty) >= ${i} ? "above" : "below"`,
  (i) => `SUMPRODUCT(items.qty, items.lineTotal) / ${i + 1}`,
  (i) => `NETWORKDAYS(start, end) * ${i}`,
  (i) => `TEXT(price * ${i}, "0.00")`,
  (i) => `IF(ISEMPTY(owner), "unassigned ${i}", owner)`,
  (i) => `EOMONTH(start, ${i % 120}) + ${i}`,
  (i) => `ABS(price - cost) ^ 2 + ${i}`,
  (i) => `OR(active, customer.tier = "T${i}") and not (qty < ${i})`,
  (i) => `RANK(price, items.lineTotal) + ${i}`,
  (i) => `SUBSTITUTE(name, "a", "${i}")`,
  (i) => `INPERIOD(created, TODAY(), "month") and price > ${i}`,
  (i) => `IF(price > ${i}, IF(qty > 10, "A", "B"), IF(discount > 0.1, "C", "D${i}"))`,
  (i) => `ROUND(FORECAST.LINEAR(${i}, items.lineTotal, items.qty), 2)`,
  (i) => `LEN(name) + MOD(qty, ${(i % 7) + 1}) * ${i}`,
  (i) => `(price * qty - cost) / MAX(price * qty, ${i + 1})`,
  (i) => `CONCATENATE(UPPER(region), "-", ${i}, "-", JOIN(tags, "/"))`,
];

/** 1,000 distinct formula sources over {@link corpusFields}; throws if any two are equal. */
export function compileCorpus(count = 1000): string[] {
  const sources = Array.from({ length: count }, (_, i) =>
    (templates[i % templates.length] as (n: number) => string)(i),
  );
  if (new Set(sources).size !== count) throw new Error('corpus sources are not distinct');
  return sources;
}
